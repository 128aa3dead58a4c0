"""CLI: ``python -m local_gateway --template template.yaml --port 3000 ...``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from .app import Options, create_app
from .template import load_model


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="local_gateway", description=__doc__)
    parser.add_argument("--template", default="template.yaml", help="SAM template path")
    parser.add_argument("--env-vars", default=None, help="SAM --env-vars JSON file (optional)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--static-dir", default=None, help="SPA build (Next.js static export)")
    parser.add_argument("--kafka-bootstrap", default="127.0.0.1:19092")
    parser.add_argument("--no-kafka", action="store_true", help="disable MSK event source mappings")
    parser.add_argument("--no-log-shipping", action="store_true", help="do not forward worker logs to logs.app")
    parser.add_argument("--no-schedules", action="store_true", help="do not fire rate() schedules")
    parser.add_argument("--repo-root", default=".", help="CodeUri/ContentUri are relative to this")
    parser.add_argument("--max-workers", type=int, default=4, help="concurrent workers per function")
    parser.add_argument("--preload", action="store_true", help="start one worker per function at boot")
    parser.add_argument("--python", default=None, help="interpreter for workers (default: this one)")
    parser.add_argument("--region", default=None, help="default: $AWS_REGION/$AWS_DEFAULT_REGION")
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    model = load_model(args.template, args.env_vars, args.repo_root, region)
    options = Options(
        host=args.host,
        port=args.port,
        static_dir=Path(args.static_dir) if args.static_dir else None,
        kafka_bootstrap=None if args.no_kafka else args.kafka_bootstrap,
        region=region,
        max_workers=args.max_workers,
        python=args.python,
        preload=args.preload,
        schedules=not args.no_schedules,
        ship_logs=not args.no_log_shipping,
    )
    import uvicorn

    config = uvicorn.Config(create_app(model, options), host=args.host, port=args.port, log_level="warning",
                            access_log=False, lifespan="on", timeout_graceful_shutdown=5)
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
