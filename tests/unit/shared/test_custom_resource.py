"""The one CloudFormation custom-resource answer path: exactly one answer per request, whatever happens,
sent as the pre-signed URL expects, and never a secret in it."""

from __future__ import annotations

import time
from typing import Any

import pytest

from bank_shared import custom_resource
from bank_shared.custom_resource import CustomResourceError, Outcome, Request, handle
from tests.support.custom_resources import STACK_ID, Context, event, response_endpoint

TYPE = "Custom::Thing"
PASSWORD = "s3cr3t-Pa55word-that-must-never-leak"


class Thing:
    def __init__(self, behaviour: str = "ok") -> None:
        self.behaviour = behaviour
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def create(self, request: Request) -> Outcome:
        return self._run("create", request)

    def update(self, request: Request) -> Outcome:
        return self._run("update", request)

    def delete(self, request: Request) -> Outcome:
        return self._run("delete", request)

    def _run(self, operation: str, request: Request) -> Outcome:
        self.calls.append((operation, request.properties))
        request.secret(PASSWORD)
        if self.behaviour == "typed":
            raise CustomResourceError("the thing is not ready")
        if self.behaviour == "crash":
            raise RuntimeError(f"connection to postgresql://bank:{PASSWORD}@db failed")
        if self.behaviour == "slow":
            time.sleep(3)
        return Outcome(f"thing-{request.properties.get('Name')}", {"Count": 3, "Name": "x"})  # type: ignore[dict-item]


def test_success_is_put_to_the_presigned_url_with_an_empty_content_type() -> None:
    thing = Thing()
    with response_endpoint() as answers:
        sent = handle(event(TYPE, "Create", {"Name": "a"}, url=answers.url), Context(), {TYPE: thing})
    body = answers.only
    assert body == sent
    assert body["Status"] == "SUCCESS"
    assert body["PhysicalResourceId"] == "thing-a"
    assert body["StackId"] == STACK_ID and body["LogicalResourceId"] == "Resource"
    assert body["Data"] == {"Count": "3", "Name": "x"}  # attributes are strings
    assert "Reason" not in body
    assert answers.headers[0].get("content-type", "") == ""  # the URL's signature covers an empty type
    assert thing.calls == [("create", {"Name": "a"})]  # ServiceToken/ServiceTimeout are not properties


@pytest.mark.parametrize("request_type", ["Create", "Update", "Delete"])
def test_each_request_type_reaches_its_operation(request_type: str) -> None:
    thing = Thing()
    sent: list[bytes] = []
    handle(event(TYPE, request_type, {"Name": "a"}, physical_id=None if request_type == "Create" else "thing-a"),
           Context(), {TYPE: thing}, send=lambda _url, body: sent.append(body))
    assert [call for call, _ in thing.calls] == [request_type.lower()]
    assert len(sent) == 1


def test_a_typed_failure_is_answered_failed_with_its_message() -> None:
    with response_endpoint() as answers:
        handle(event(TYPE, "Update", {"Name": "a"}, url=answers.url, physical_id="thing-a"), Context(),
               {TYPE: Thing("typed")})
    body = answers.only
    assert body["Status"] == "FAILED"
    assert body["Reason"] == "the thing is not ready"
    assert body["PhysicalResourceId"] == "thing-a"  # an update keeps its id even when it fails


def test_an_unexpected_error_is_answered_failed_and_its_secret_masked(capsys: pytest.CaptureFixture[str]) -> None:
    with response_endpoint() as answers:
        handle(event(TYPE, "Create", {"Name": "a"}, url=answers.url), Context(), {TYPE: Thing("crash")})
    body = answers.only
    assert body["Status"] == "FAILED"
    assert body["Reason"].startswith("RuntimeError: connection to postgresql://bank:***@db")
    assert PASSWORD not in str(body)
    assert PASSWORD not in capsys.readouterr().out  # the log lines too
    # A create that failed still names an id; the rollback's Delete arrives with it.
    assert body["PhysicalResourceId"] == "Resource-not-created"


def test_an_unknown_resource_type_fails_plainly() -> None:
    sent: list[bytes] = []
    body = handle(event("Custom::Other", "Create", {}), Context(), {TYPE: Thing()},
                  send=lambda _url, raw: sent.append(raw))
    assert body["Status"] == "FAILED"
    assert "Custom::Thing" in body["Reason"] and "Custom::Other" in body["Reason"]
    assert len(sent) == 1


def test_a_malformed_request_is_answered_if_it_can_be() -> None:
    sent: list[bytes] = []
    broken = event(TYPE, "Explode", {})
    body = handle(broken, Context(), {TYPE: Thing()}, send=lambda _url, raw: sent.append(raw))
    assert body["Status"] == "FAILED" and "Explode" in body["Reason"]
    assert len(sent) == 1
    no_url = {k: v for k, v in event(TYPE, "Create", {}).items() if k != "ResponseURL"}
    assert handle(no_url, Context(), {TYPE: Thing()}, send=lambda _url, raw: sent.append(raw))["Status"] == "FAILED"
    assert len(sent) == 1  # nobody to answer


def test_a_function_about_to_time_out_answers_failed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(custom_resource, "TIMEOUT_MARGIN_SECONDS", 0.0)
    sent: list[bytes] = []
    started = time.monotonic()
    body = handle(event(TYPE, "Create", {"Name": "a"}), Context(remaining_ms=1000), {TYPE: Thing("slow")},
                  send=lambda _url, raw: sent.append(raw))
    assert time.monotonic() - started >= 3  # the handler finished; its late success was not sent
    assert len(sent) == 1
    assert body["Status"] == "FAILED" and "ran out of time" in body["Reason"]


def test_delivery_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(custom_resource.time, "sleep", lambda _seconds: None)
    with response_endpoint() as answers:
        answers.fail_first = 2
        handle(event(TYPE, "Create", {"Name": "a"}, url=answers.url), Context(), {TYPE: Thing()})
    assert answers.only["Status"] == "SUCCESS"


def test_reasons_are_bounded() -> None:
    class Wordy(Thing):
        def create(self, request: Request) -> Outcome:
            raise CustomResourceError("x" * 10_000)

    body = handle(event(TYPE, "Create", {}), Context(), {TYPE: Wordy()}, send=lambda _url, _raw: None)
    assert len(body["Reason"]) == custom_resource.MAX_REASON_CHARS


def test_masking_prefers_the_longest_secret() -> None:
    request = Request.parse(event(TYPE, "Create", {}))
    request.secret("abc")
    request.secret("abcdef")
    assert request.mask("x abcdef y abc") == "x *** y ***"
    assert request.stack_name == "bank-test"
