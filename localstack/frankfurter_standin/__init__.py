"""A Frankfurter-compatible exchange-rate server over a bundled ECB snapshot.

Stdlib only. Run it as::

    PYTHONPATH=localstack python3 -m frankfurter_standin --host 127.0.0.1 --port 8089
"""

from frankfurter_standin.rates import QuoteError, Snapshot
from frankfurter_standin.server import FaultState, StandinServer

__all__ = ["FaultState", "QuoteError", "Snapshot", "StandinServer"]
