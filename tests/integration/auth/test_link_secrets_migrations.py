"""The F1 clean-up migrations against the real databases: links issued while tokens travelled in events stop
working, tokens leave the outbox, and stored mail bodies keep no live token (run in a rolled-back transaction)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg

from tests.support.stack import REPO_ROOT, database_url

AUTH_SQL = REPO_ROOT / "functions/auth/auth_service/migrations/0003_links_without_secrets.sql"
NOTIFICATIONS_SQL = (REPO_ROOT / "functions/notifications/notifications_service/migrations"
                     / "0003_mail_bodies_without_tokens.sql")


def run_file(conn: psycopg.Connection, path: Path) -> None:
    conn.execute(path.read_text().encode())


def test_old_links_are_revoked_and_outbox_tokens_removed() -> None:
    user_id, event_id = uuid.uuid4(), uuid.uuid4()
    payload = {"type": "user.registered", "data": {"user_id": str(user_id), "activation_token": "live-token",
                                                    "email": "old@example.com"}}
    with psycopg.connect(database_url("auth")) as conn:
        conn.execute("INSERT INTO users (id, email, password_hash, full_name) VALUES (%s, %s, 'x', 'Old')",
                     (user_id, f"old-{user_id}@example.com"))
        conn.execute("INSERT INTO one_time_tokens (token_hash, user_id, purpose, expires_at) "
                     "VALUES (%s, %s, 'activation', now() + interval '1 day')", (f"h-{user_id}", user_id))
        conn.execute("INSERT INTO outbox (id, topic, message_key, payload) VALUES (%s, 'user.registered', %s, %s)",
                     (event_id, str(user_id), json.dumps(payload)))
        run_file(conn, AUTH_SQL)
        used = conn.execute("SELECT used_at IS NOT NULL FROM one_time_tokens WHERE user_id = %s", (user_id,))
        assert used.fetchone() == (True,)
        data = conn.execute("SELECT payload -> 'data' FROM outbox WHERE id = %s", (event_id,)).fetchone()
        assert data is not None and "activation_token" not in data[0] and data[0]["email"] == "old@example.com"
        conn.rollback()


def test_stored_mail_bodies_lose_their_tokens() -> None:
    notification_id = uuid.uuid4()
    body = "Open http://127.0.0.1:3000/banking-service/activate?token=AbC-123_x to activate."
    with psycopg.connect(database_url("notifications")) as conn:
        conn.execute("INSERT INTO notifications (id, channel, recipient, subject, body, requested_by) "
                     "VALUES (%s, 'email', 'a@example.com', 'Activate', %s, 'test')", (notification_id, body))
        run_file(conn, NOTIFICATIONS_SQL)
        row = conn.execute("SELECT body FROM notifications WHERE id = %s", (notification_id,)).fetchone()
        assert row == ("Open http://127.0.0.1:3000/banking-service/activate?token=[redacted] to activate.",)
        conn.rollback()
