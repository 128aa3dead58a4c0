"""Scratch databases for the migration tests."""

from tests.support.scratch_db import scratch

__all__ = ["scratch"]
