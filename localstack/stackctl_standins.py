"""The local stack's stand-ins for what cannot run here (Frankfurter, Splunk HEC, a push service, a card network,
an acquirer), built to the real protocols, and the whole line-up `up` starts: the infrastructure pieces of
stackctl_pieces.py, then these."""

from __future__ import annotations

from pathlib import Path

from stackctl_common import DATA, REPO, http_json, port
from stackctl_config import ACQUIRER_SHOP_ID, acquirer_port, card_network_port
from stackctl_kafka_connect import KAFKA_CONNECT
from stackctl_pieces import (
    GATEWAY,
    KAFKA,
    LOCALSTACK,
    REDIS,
    REDIS_COMMANDER_PIECE,
    Piece,
    _http_ok,
    _project_env,
    _project_python,
    _secret,
    hec_token,
    nothing_missing,
    piece_url,
)


def _frankfurter_missing() -> str | None:
    if not (REPO / "localstack" / "frankfurter_standin" / "__main__.py").is_file() and \
            not (REPO / "localstack" / "frankfurter_standin.py").is_file():
        return "localstack/frankfurter_standin not written yet"
    return None


def _frankfurter_command(cfg: dict[str, str]) -> tuple[list[str], dict[str, str], Path]:
    cmd = [_project_python(), "-m", "frankfurter_standin", "--host", "127.0.0.1",
           "--port", str(port(cfg, "FRANKFURTER_PORT"))]
    return cmd, _project_env(), REPO


def _hec_command(cfg: dict[str, str]) -> tuple[list[str], dict[str, str], Path]:
    cmd = [_project_python(), "-m", "hec_standin", "--host", "127.0.0.1", "--port", str(port(cfg, "HEC_PORT")),
           "--store", str(DATA / "hec" / "events.jsonl")]
    env = _project_env()
    env["HEC_TOKEN"] = hec_token()
    return cmd, env, REPO


def _push_command(cfg: dict[str, str]) -> tuple[list[str], dict[str, str], Path]:
    cmd = [_project_python(), "-m", "push_standin", "--host", "127.0.0.1", "--port", str(port(cfg, "PUSH_PORT"))]
    return cmd, _project_env(), REPO


def _card_network_command(cfg: dict[str, str]) -> tuple[list[str], dict[str, str], Path]:
    """The card-network stand-in signs what it sends the bank (through this stack's gateway) with the shared key."""
    cmd = [_project_python(), "-m", "card_network", "serve", "--host", "127.0.0.1",
           "--port", card_network_port(cfg),
           "--bank-url", f"http://127.0.0.1:{port(cfg, 'GATEWAY_PORT')}/api/accounts/network/messages"]
    env = _project_env()
    env["CARD_NETWORK_KEY"] = _secret("card_network_key")
    return cmd, env, REPO


def _acquirer_command(cfg: dict[str, str]) -> tuple[list[str], dict[str, str], Path]:
    """The acquirer stand-in sends its signed webhooks to the bank through this stack's gateway."""
    cmd = [_project_python(), "-m", "acquirer", "--host", "127.0.0.1", "--port", acquirer_port(cfg),
           "--webhook-url", f"http://127.0.0.1:{port(cfg, 'GATEWAY_PORT')}/api/accounts/acquiring/webhook"]
    env = _project_env()
    env.update({"ACQUIRER_SHOP_ID": ACQUIRER_SHOP_ID, "ACQUIRER_SECRET_KEY": _secret("acquirer_secret_key"),
                "ACQUIRER_WEBHOOK_KEY": _secret("acquirer_webhook_key")})
    return cmd, env, REPO


FRANKFURTER = Piece("frankfurter", "frankfurter_standin", "FRANKFURTER_PORT", 30, _frankfurter_command,
                    _http_ok("FRANKFURTER_PORT", "/health"), _frankfurter_missing,
                    piece_url("http", "FRANKFURTER_PORT"))
# Health is the stand-in's own /__stats, not Splunk's health route, which answers 503 while a test switched the
# stand-in unavailable (that must not make `make up` restart it).
HEC = Piece("hec", "hec_standin", "HEC_PORT", 30, _hec_command, _http_ok("HEC_PORT", "/__stats"), nothing_missing,
            piece_url("http", "HEC_PORT", "/services/collector/event"))
PUSH = Piece("push", "push_standin", "PUSH_PORT", 30, _push_command, _http_ok("PUSH_PORT", "/health"),
             nothing_missing, piece_url("http", "PUSH_PORT", "/push/<token>"))
CARD_NETWORK = Piece("card-network", "card_network", "CARD_NETWORK_PORT", 30, _card_network_command,
                     lambda cfg: http_json(f"http://127.0.0.1:{card_network_port(cfg)}/health", timeout=2.0)
                     is not None, nothing_missing,
                     lambda cfg: f"http://127.0.0.1:{card_network_port(cfg)}/purchase")
ACQUIRER = Piece("acquirer", "acquirer", "ACQUIRER_PORT", 30, _acquirer_command,
                 lambda cfg: http_json(f"http://127.0.0.1:{acquirer_port(cfg)}/health", timeout=2.0) is not None,
                 nothing_missing, lambda cfg: f"http://127.0.0.1:{acquirer_port(cfg)}/v3/payments")
BACKGROUND: tuple[Piece, ...] = (REDIS, KAFKA, LOCALSTACK, FRANKFURTER, REDIS_COMMANDER_PIECE, HEC, PUSH,
                                 CARD_NETWORK, ACQUIRER, KAFKA_CONNECT, GATEWAY)
# Started once Kafka (and its topics) are up: the Connect worker looks the cluster up at start.
LATE: tuple[Piece, ...] = (KAFKA_CONNECT, GATEWAY)
