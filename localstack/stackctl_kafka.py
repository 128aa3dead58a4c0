"""A tiny Kafka wire-protocol client (stdlib only) for health checks and topic creation.

Why: the broker's own CLI tools are not in the runtime jars and each JVM start costs seconds on this
machine; the Python Kafka client only exists once the project venv is built. Only the non-flexible
versions of ApiVersions, Metadata and CreateTopics are spoken here.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass, field
from typing import Self

API_METADATA = 3
API_VERSIONS = 18
API_CREATE_TOPICS = 19
ERROR_TOPIC_EXISTS = 36
# Non-flexible version ranges this module can encode/decode.
_OUR_METADATA = (4, 8)
_OUR_CREATE_TOPICS = (2, 4)


class KafkaProtocolError(Exception):
    pass


@dataclass
class ClusterMetadata:
    brokers: list[tuple[int, str, int]]
    controller_id: int
    topics: dict[str, int] = field(default_factory=dict)  # name -> partition count


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> int:
        (value,) = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += struct.calcsize(fmt)
        return int(value)

    def int16(self) -> int:
        return self.take(">h")

    def int32(self) -> int:
        return self.take(">i")

    def boolean(self) -> bool:
        return bool(self.take(">b"))

    def string(self) -> str | None:
        length = self.int16()
        if length < 0:
            return None
        raw = self.data[self.pos:self.pos + length]
        self.pos += length
        return raw.decode()

    def int32_array(self) -> list[int]:
        return [self.int32() for _ in range(max(0, self.int32()))]


def _string(value: str | None) -> bytes:
    if value is None:
        return struct.pack(">h", -1)
    raw = value.encode()
    return struct.pack(">h", len(raw)) + raw


class KafkaConnection:
    """One TCP connection speaking request header v1 / response header v0."""

    def __init__(self, host: str, port: int, timeout: float = 3.0) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.correlation = 0
        self.versions: dict[int, tuple[int, int]] = {}

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, api_key: int, version: int, body: bytes) -> _Reader:
        self.correlation += 1
        header = struct.pack(">hhi", api_key, version, self.correlation) + _string("bank-stackctl")
        payload = header + body
        self.sock.sendall(struct.pack(">i", len(payload)) + payload)
        size = struct.unpack(">i", self._recv(4))[0]
        reader = _Reader(self._recv(size))
        if reader.int32() != self.correlation:
            raise KafkaProtocolError("correlation id mismatch")
        return reader

    def _recv(self, size: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < size:
            chunk = self.sock.recv(size - len(chunks))
            if not chunk:
                raise KafkaProtocolError("connection closed by broker")
            chunks.extend(chunk)
        return bytes(chunks)

    def api_versions(self) -> dict[int, tuple[int, int]]:
        reader = self.request(API_VERSIONS, 0, b"")
        error = reader.int16()
        if error:
            raise KafkaProtocolError(f"ApiVersions error {error}")
        for _ in range(reader.int32()):
            key, low, high = reader.int16(), reader.int16(), reader.int16()
            self.versions[key] = (low, high)
        return self.versions

    def pick(self, api_key: int, ours: tuple[int, int]) -> int:
        if not self.versions:
            self.api_versions()
        low, high = self.versions.get(api_key, (-1, -1))
        best = min(high, ours[1])
        if best < max(low, ours[0]):
            raise KafkaProtocolError(f"no common version for api {api_key} (broker {low}-{high})")
        return best

    def metadata(self) -> ClusterMetadata:
        version = self.pick(API_METADATA, _OUR_METADATA)
        body = struct.pack(">i", -1) + struct.pack(">b", 0)  # all topics, no auto-create
        if version >= 8:
            body += struct.pack(">bb", 0, 0)
        return _parse_metadata(self.request(API_METADATA, version, body), version)

    def create_topics(self, topics: list[tuple[str, int]], timeout_ms: int = 15000) -> dict[str, int]:
        """Create topics (replication factor 1); returns name -> error code (0 or 36 = fine)."""
        version = self.pick(API_CREATE_TOPICS, _OUR_CREATE_TOPICS)
        body = struct.pack(">i", len(topics))
        for name, partitions in topics:
            body += _string(name) + struct.pack(">ih", partitions, 1)
            body += struct.pack(">i", 0) + struct.pack(">i", 0)  # no assignments, no configs
        body += struct.pack(">ib", timeout_ms, 0)
        reader = self.request(API_CREATE_TOPICS, version, body)
        reader.int32()  # throttle
        result = {}
        for _ in range(reader.int32()):
            name = reader.string() or ""
            result[name] = reader.int16()
            reader.string()  # error message
        return result


def _parse_metadata(reader: _Reader, version: int) -> ClusterMetadata:
    reader.int32()  # throttle
    brokers = []
    for _ in range(reader.int32()):
        node, host, port = reader.int32(), reader.string() or "", reader.int32()
        reader.string()  # rack
        brokers.append((node, host, port))
    reader.string()  # cluster id
    controller = reader.int32()
    topics: dict[str, int] = {}
    for _ in range(reader.int32()):
        error, name = reader.int16(), reader.string() or ""
        reader.boolean()  # internal
        count = reader.int32()
        for _ in range(count):
            reader.int16()
            reader.int32()
            reader.int32()  # error, partition, leader
            if version >= 7:
                reader.int32()  # leader epoch
            reader.int32_array()
            reader.int32_array()  # replicas, isr
            if version >= 5:
                reader.int32_array()  # offline replicas
        if version >= 8:
            reader.int32()  # topic authorized operations
        if error == 0:
            topics[name] = count
    return ClusterMetadata(brokers=brokers, controller_id=controller, topics=topics)


def cluster_metadata(host: str, port: int, timeout: float = 3.0) -> ClusterMetadata | None:
    """Metadata from the broker, or None when it is not answering (yet)."""
    try:
        with KafkaConnection(host, port, timeout) as conn:
            return conn.metadata()
    except (OSError, KafkaProtocolError, struct.error):
        return None


def ensure_topics(host: str, port: int, wanted: dict[str, int]) -> list[str]:
    """Create the topics that do not exist yet; returns the names created."""
    with KafkaConnection(host, port, timeout=20.0) as conn:
        existing = conn.metadata().topics
        missing = [(name, parts) for name, parts in wanted.items() if name not in existing]
        if not missing:
            return []
        errors = conn.create_topics(missing)
    failed = {n: e for n, e in errors.items() if e not in (0, ERROR_TOPIC_EXISTS)}
    if failed:
        raise KafkaProtocolError(f"could not create topics (error codes): {failed}")
    return [name for name, _ in missing]
