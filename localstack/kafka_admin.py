"""Kafka health and topic creation for the launcher, on confluent_kafka's AdminClient.

Runs under the project venv's Python (.local/venv) (the launcher itself is standard-library only and calls this as a
subprocess): `python kafka_admin.py health HOST:PORT` exits 0 when a broker and the controller answer;
`python kafka_admin.py ensure-topics HOST:PORT NAME=PARTITIONS ...` creates the missing topics and prints the
names it created, one per line.
"""

from __future__ import annotations

import sys

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic

EXIT_DOWN = 1
EXIT_FAILED = 2


def _admin(bootstrap: str, timeout_s: float) -> AdminClient:
    # log_level 0: librdkafka's "connection refused" chatter while the broker starts is not news.
    return AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": int(timeout_s * 1000),
                        "log_level": 0})


def healthy(bootstrap: str, timeout_s: float = 2.0) -> bool:
    try:
        meta = _admin(bootstrap, timeout_s).list_topics(timeout=timeout_s)
    except KafkaException:
        return False
    return bool(meta.brokers) and meta.controller_id >= 0


def ensure_topics(bootstrap: str, wanted: dict[str, int], timeout_s: float = 20.0) -> list[str]:
    """Create the topics that do not exist yet (replication factor 1); returns the names created."""
    admin = _admin(bootstrap, timeout_s)
    existing = admin.list_topics(timeout=timeout_s).topics
    missing = [NewTopic(name, num_partitions=parts, replication_factor=1)
               for name, parts in wanted.items() if name not in existing]
    if not missing:
        return []
    created = []
    for name, future in admin.create_topics(missing, operation_timeout=timeout_s).items():
        try:
            future.result()
            created.append(name)
        except KafkaException as exc:
            if exc.args[0].name() != "TOPIC_ALREADY_EXISTS":  # another `up` raced us: fine
                raise
    return created


def _parse_topics(args: list[str]) -> dict[str, int]:
    return {name: int(parts) for name, parts in (arg.split("=", 1) for arg in args)}


def main(argv: list[str]) -> int:
    command, bootstrap, *rest = argv
    if command == "health":
        return 0 if healthy(bootstrap) else EXIT_DOWN
    if command == "ensure-topics":
        try:
            created = ensure_topics(bootstrap, _parse_topics(rest))
        except KafkaException as exc:
            print(f"could not create topics: {exc}", file=sys.stderr)
            return EXIT_FAILED
        print("\n".join(created))
        return 0
    print(f"unknown command {command!r}", file=sys.stderr)
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
