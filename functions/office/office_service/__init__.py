"""The office service."""
