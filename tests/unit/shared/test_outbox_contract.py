"""record_event refuses event data its topic's model refuses, before anything is written to the outbox."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from bank_shared.events.envelope import new_event
from bank_shared.events.outbox import record_event
from bank_shared.events.schemas import EventContractViolation
from bank_shared.events.topics import ACCOUNT_CLOSED


class RecordingConnection:
    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def execute(self, sql: str, params: Any = None) -> None:
        self.statements.append((sql, params))


class RecordingUnitOfWork:
    def __init__(self) -> None:
        self.connection = RecordingConnection()
        self.after: list[Any] = []

    def after_commit(self, callback: Any) -> None:
        self.after.append(callback)


def _closed(**data: Any) -> Any:
    return new_event(ACCOUNT_CLOSED, "accounts", str(uuid.uuid4()), data)


def _valid_data() -> dict[str, Any]:
    return {"account_id": str(uuid.uuid4()), "owner_id": str(uuid.uuid4()), "closed_by": "customer"}


def test_data_matching_the_model_is_written_as_it_travels() -> None:
    uow = RecordingUnitOfWork()
    record_event(uow, _closed(**_valid_data()))  # type: ignore[arg-type]
    assert len(uow.connection.statements) == 1
    assert len(uow.after) == 1


@pytest.mark.parametrize("change", [
    {"unexpected": "field"},   # extra="forbid": nothing the contract does not name
    {"account_id": "not-a-uuid"},
    {"owner_id": None},        # a required field missing
])
def test_data_the_model_refuses_is_never_written(change: dict[str, Any]) -> None:
    data = {key: value for key, value in {**_valid_data(), **change}.items() if value is not None}
    uow = RecordingUnitOfWork()
    with pytest.raises(EventContractViolation):
        record_event(uow, _closed(**data))  # type: ignore[arg-type]
    assert uow.connection.statements == []


def test_a_topic_without_a_model_is_refused() -> None:
    uow = RecordingUnitOfWork()
    with pytest.raises(EventContractViolation, match="no event model"):
        record_event(uow, _closed(**_valid_data()), topic="nobody.declared.this")  # type: ignore[arg-type]
