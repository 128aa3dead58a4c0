"""The utilities service."""
