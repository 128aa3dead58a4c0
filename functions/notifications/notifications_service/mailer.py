"""E-mail delivery through SES (LocalStack's SES locally); called only outside a transaction (deliveries.py)."""

from __future__ import annotations

from bank_shared.aws import client
from notifications_service.settings import get_notifications_settings


def send_email(recipient: str, subject: str, body: str) -> str:
    """Sends a plain-text UTF-8 mail and returns the SES message id."""
    response = client("ses").send_email(
        Source=get_notifications_settings().sender_address,
        Destination={"ToAddresses": [recipient]},
        Message={
            "Subject": {"Data": subject, "Charset": "UTF-8"},
            "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
        },
    )
    return str(response["MessageId"])
