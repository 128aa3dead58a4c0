"""The texts of the mails the notifications service composes itself (links go to the SPA)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def _link(base_url: str, path: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/banking-service/{path}?{urlencode({'token': token})}"


def _hours(seconds: int) -> str:
    hours = max(1, round(seconds / 3600))
    return f"{hours} hour" + ("" if hours == 1 else "s")


def activation(base_url: str, full_name: str, token: str, expires_in: int) -> Mail:
    link = _link(base_url, "activate", token)
    greeting = f"Hello {full_name}," if full_name else "Hello,"
    return Mail(
        subject="Activate your bank account",
        body=(f"{greeting}\n\nPlease confirm your e-mail address to activate your account:\n\n{link}\n\n"
              f"The link works once and expires in {_hours(expires_in)}. If you did not sign up, ignore "
              "this message.\n"),
    )


def password_reset(base_url: str, full_name: str, token: str, expires_in: int) -> Mail:
    link = _link(base_url, "reset-password", token)
    greeting = f"Hello {full_name}," if full_name else "Hello,"
    return Mail(
        subject="Reset your bank password",
        body=(f"{greeting}\n\nSomeone asked to reset the password of your account. To choose a new one, "
              f"open:\n\n{link}\n\nThe link works once and expires in {_hours(expires_in)}. If it was not "
              "you, ignore this message: your password stays unchanged.\n"),
    )
