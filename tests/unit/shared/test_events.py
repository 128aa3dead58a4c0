import base64
import json

import pytest

from bank_shared.events.consumer import decode_records
from bank_shared.events.envelope import CloudEvent, new_event
from bank_shared.pagination import InvalidCursor, decode_cursor, encode_cursor


def test_envelope_round_trip_is_cloudevents_1_0() -> None:
    event = new_event("payment.executed", "ledger", "acc-1", {"amount": "1.00"})
    raw = json.loads(event.to_json())
    assert raw["specversion"] == "1.0"
    assert raw["source"] == "urn:bank:ledger"
    assert raw["time"].endswith("Z")
    assert CloudEvent.from_dict(raw) == event


def test_from_dict_refuses_non_events() -> None:
    with pytest.raises(ValueError):
        CloudEvent.from_dict({"hello": "world"})


def msk_event(values: list[bytes]) -> dict[str, object]:
    return {
        "eventSource": "aws:kafka",
        "eventSourceArn": "arn:aws:kafka:eu-central-1:000000000000:cluster/local/abc",
        "bootstrapServers": "127.0.0.1:19092",
        "records": {
            "t-0": [
                {"topic": "t", "partition": 0, "offset": offset, "timestamp": 1, "timestampType": "CREATE_TIME",
                 "key": base64.b64encode(b"k").decode(), "value": base64.b64encode(value).decode(),
                 "headers": [{"ce_id": list(b"x")}]}
                for offset, value in enumerate(values)
            ]
        },
    }


def test_msk_batches_decode_json_and_flag_garbage() -> None:
    decoded = decode_records(msk_event([b'{"a": 1}', b"not json"]))
    assert decoded == [("t", {"a": 1}), ("t", None)]


def test_cursor_round_trip_and_tamper_detection() -> None:
    cursor = encode_cursor({"created_at": "2026-11-26T10:00:00Z", "id": "x"})
    assert decode_cursor(cursor) == {"created_at": "2026-11-26T10:00:00Z", "id": "x"}
    assert decode_cursor(None) is None
    with pytest.raises(InvalidCursor):
        decode_cursor("%%%not-a-cursor")
