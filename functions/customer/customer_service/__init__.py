"""The customer service."""
