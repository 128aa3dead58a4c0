"""The bank's mail cannot be turned against anyone, through the local API gateway: password-reset requests
for one address send at most a few mails an hour (F8, auth's quota), no address gets more than its hourly
cap whatever asks (F8, notifications), and only services send mail, and only the bank's named notices (F12)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import httpx

from tests.e2e.test_auth_flow import ACTIVATION_SUBJECT, RESET_SUBJECT, register_and_activate, unique_email
from tests.e2e.test_customer import problem
from tests.e2e.test_foundation import ses_messages_to
from tests.support.stack import bearer, gateway_url, mint_token

LINK_MAILS_PER_HOUR = 5  # auth's LINK_MAILS_PER_ADDRESS_PER_HOUR default
RECIPIENT_CAP = 10  # notifications' MAILS_PER_RECIPIENT_PER_HOUR default


def eventually(check: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(1)


def post_waiting_out_429(http: httpx.Client, path: str, **kwargs: object) -> httpx.Response:
    """The anonymous routes are limited per IP, and every test on this machine is 127.0.0.1."""
    while (response := http.post(path, **kwargs)).status_code == 429:  # type: ignore[arg-type]
        time.sleep(int(response.headers.get("Retry-After", "1")))
    return response


def test_sixty_forgot_requests_send_a_handful_of_mails(http: httpx.Client) -> None:
    email = unique_email("flood")
    with httpx.Client(base_url=f"{gateway_url()}/api", timeout=30) as api:
        register_and_activate(api, email)
    for _ in range(LINK_MAILS_PER_HOUR + 3):
        assert post_waiting_out_429(http, "/api/auth/password/forgot", json={"email": email}).status_code == 202

    def link_mails() -> list[str]:
        return [m["Subject"] for m in ses_messages_to(email)]

    # the activation mail and then resets, five one-time-link mails in all this hour
    eventually(lambda: len(link_mails()) == LINK_MAILS_PER_HOUR)
    time.sleep(5)  # the absorbed requests' events are relayed too: still no further mail
    assert sorted(link_mails()) == [ACTIVATION_SUBJECT] + [RESET_SUBJECT] * 4


def send(http: httpx.Client, headers: dict[str, str], recipient: str, **body: object) -> httpx.Response:
    return http.post("/api/notifications/send", headers=headers,
                     json={"to": recipient, "template": "card_blocked", "params": {"card_last4": "1234"}, **body})


def test_only_services_send_mail_and_only_named_notices(http: httpx.Client) -> None:
    recipient = f"notice-{uuid.uuid4().hex[:8]}@example.com"
    for role in ("employee", "admin", "customer"):
        problem(send(http, bearer(mint_token(roles=(role,))), recipient), 403, "forbidden")
    service = bearer(mint_token(roles=("service",)))
    free_form = http.post("/api/notifications/send", headers=service,
                          json={"to": recipient, "subject": "Urgent", "body": "Send your card number to ..."})
    problem(free_form, 422, "validation_failed")
    problem(send(http, service, recipient, params={"card_last4": "12345"}), 422, "invalid_notice_params")
    problem(send(http, service, recipient, params={"card_last4": "1234", "body": "extra"}), 422,
            "invalid_notice_params")

    queued = send(http, service, recipient, language="en")
    assert queued.status_code == 202, queued.text
    eventually(lambda: len(ses_messages_to(recipient)) == 1)
    [mail] = ses_messages_to(recipient)
    assert mail["Subject"] == "Your card is blocked" and "••1234" in mail["Body"]["text_part"]


def test_no_address_gets_more_than_its_hourly_cap(http: httpx.Client) -> None:
    recipient = f"capped-{uuid.uuid4().hex[:8]}@example.com"
    service = bearer(mint_token(roles=("service",)))
    ids = []
    for _ in range(RECIPIENT_CAP + 2):
        response = send(http, service, recipient)
        assert response.status_code == 202, response.text
        ids.append(response.json()["id"])

    def statuses() -> list[str]:
        return [http.get(f"/api/notifications/{i}", headers=service).json()["status"] for i in ids]

    eventually(lambda: "queued" not in statuses(), timeout=90)
    assert sorted(statuses()) == ["sent"] * RECIPIENT_CAP + ["suppressed"] * 2
    assert len(ses_messages_to(recipient)) == RECIPIENT_CAP
