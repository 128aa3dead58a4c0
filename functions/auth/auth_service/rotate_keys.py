"""Signing-key rotation: `python -m auth_service.rotate_keys`.

The current key becomes the previous one (still published in the JWKS, so tokens it signed stay valid
until they expire) and a new key becomes current. Run it with the auth function's environment.
"""

from __future__ import annotations

import sys

from auth_service.keys import rotate


def main() -> int:
    kids = rotate()
    print(f"signing key rotated: current={kids['current']} previous={kids['previous']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
