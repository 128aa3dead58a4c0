"""E-mail delivery through SES (LocalStack's SES locally)."""

from __future__ import annotations

from bank_shared.aws import client
from bank_shared.transaction_guard import network_call_allowed
from notifications_service.clients import CONSUMER_CALLS_IN_TRANSACTION
from notifications_service.settings import get_notifications_settings


def send_email(recipient: str, subject: str, body: str) -> str:
    """Sends a plain-text UTF-8 mail and returns the SES message id."""
    with network_call_allowed(CONSUMER_CALLS_IN_TRANSACTION):
        response = client("ses").send_email(
            Source=get_notifications_settings().sender_address,
            Destination={"ToAddresses": [recipient]},
            Message={
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
            },
        )
    return str(response["MessageId"])
