"""Unit tests for the local gateway: pure functions, no network, no processes."""

from __future__ import annotations

import sys
from pathlib import Path

LOCALSTACK_DIR = Path(__file__).resolve().parents[3] / "localstack"
if str(LOCALSTACK_DIR) not in sys.path:
    sys.path.insert(0, str(LOCALSTACK_DIR))
