"""Fakes for the fast tier, cosmicpython style: a unit of work whose repositories are in-memory.

`FakeDatabase` is what a use case sees through its `UnitOfWork`: the real `bank_shared.db.UnitOfWork` over a
`FakeConnection` that answers the shared tables (Idempotency-Key store and its advisory lock, the outbox) and
rolls its in-memory stores back when the transaction (or a savepoint) fails; the service's repository class is
replaced by `install(...)` with a factory that hands out the fake repository registered on the connection.
So the rules in the use cases run unchanged; only the SQL underneath is in memory."""

from tests.support.fakes.db import FakeConnection, FakeDatabase, install

__all__ = ["FakeConnection", "FakeDatabase", "install"]
