"""Local AWS Lambda runtime + API Gateway HTTP API emulator for the SAM template (no Docker)."""
