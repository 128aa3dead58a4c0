"""Domain events: CloudEvents envelope, transactional outbox, Kafka producer, idempotent consumers."""
