"""Signing-key rotation: `python -m auth_service.rotate_keys [status|prepare|promote|rotate] [--force]`.

Run it with the auth function's environment (JWT_SIGNING_KEY_ID must be an alias) and credentials that
may create keys and move aliases (an operator, not the function's role). `rotate` (the default) does
both steps and waits in between:

1. prepare — a new RSA_2048 key with the current key's policy and tags, named by `<alias>-next`: auth
   publishes it in the JWKS, but nothing signs with it yet;
2. wait until every auth execution environment and HTTP cache has re-read the JWKS (twice the public-key
   cache age, plus a margin), so no verifier ever meets a token whose kid it has not seen;
3. promote — `<alias>-previous` → the current key (still published: the tokens it signed verify until
   they expire), `<alias>` → the new key, `<alias>-next` removed. The key that was previous drops out of
   the JWKS and is disabled, which is refused unless every token it signed has expired (`--force` skips
   the checks, for an emergency such as a leaked key).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from auth_service.keys import KeyAliases, KmsCall, kid_of
from auth_service.settings import AuthSettings, get_auth_settings
from bank_shared.kms import call, error_code

PROMOTED_TAG = "bank:jwt-promoted-at"
MARGIN_SECONDS = 5


class RotationRefused(Exception):
    """The rotation would break tokens or has nothing to do; the message says why."""


@dataclass(frozen=True)
class KeyInfo:
    arn: str
    created: datetime
    promoted: datetime | None

    @property
    def kid(self) -> str:
        return kid_of(self.arn)

    @property
    def signing_since(self) -> datetime:
        return self.promoted or self.created


@dataclass
class Rotation:
    settings: AuthSettings
    kms: KmsCall = call
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    say: Callable[[str], None] = field(default=lambda line: print(f"rotate_keys: {line}", flush=True))
    sleep: Callable[[float], None] = time.sleep

    @property
    def aliases(self) -> KeyAliases:
        aliases = KeyAliases.of(self.settings.jwt_signing_key_id)
        if aliases.previous is None or aliases.next is None:
            raise RotationRefused("JWT_SIGNING_KEY_ID must be an alias (alias/…) for keys to rotate")
        return aliases

    @property
    def publish_delay_seconds(self) -> int:
        # auth's public-key cache, then the JWKS response's own max-age in any HTTP cache on the way.
        return 2 * self.settings.signing_keys_cache_seconds + MARGIN_SECONDS

    @property
    def retire_after_seconds(self) -> int:
        # The replaced key may still sign for one cache age after its promotion; its tokens then live on.
        return self.settings.signing_keys_cache_seconds + self.settings.longest_token_ttl_seconds + MARGIN_SECONDS

    # --- reading ------------------------------------------------------------------------------

    def key(self, alias: str | None) -> KeyInfo | None:
        from botocore.exceptions import ClientError

        if alias is None:
            return None
        try:
            metadata = self.kms("describe_key", KeyId=alias)["KeyMetadata"]
        except ClientError as error:
            if error_code(error) == "NotFoundException":
                return None
            raise
        tags = {t["TagKey"]: t["TagValue"] for t in self.kms("list_resource_tags", KeyId=metadata["Arn"])["Tags"]}
        promoted = datetime.fromisoformat(tags[PROMOTED_TAG]) if PROMOTED_TAG in tags else None
        return KeyInfo(arn=metadata["Arn"], created=metadata["CreationDate"], promoted=promoted)

    def status(self) -> dict[str, KeyInfo | None]:
        aliases = self.aliases
        return {slot: self.key(aliases.slot(slot)) for slot in ("current", "previous", "next")}

    def _age(self, since: datetime) -> float:
        return (self.now() - since).total_seconds()

    # --- steps --------------------------------------------------------------------------------

    def check_retirement(self, keys: dict[str, KeyInfo | None]) -> None:
        """Refuse to drop the previous key while tokens it signed may still be valid."""
        current, previous = keys["current"], keys["previous"]
        if previous is None or current is None:
            return
        wait = self.retire_after_seconds - self._age(current.signing_since)
        if wait > 0:
            raise RotationRefused(
                f"key {previous.kid} may still have signed tokens that are valid for {int(wait) + 1} s; "
                "rotate later (or --force after a key leak)")

    def prepare(self) -> KeyInfo:
        """A new key behind `<alias>-next` (idempotent: an already prepared key is kept)."""
        aliases = self.aliases
        keys = self.status()
        if keys["next"] is not None:
            self.say(f"key {keys['next'].kid} is already prepared as {aliases.next}")
            return keys["next"]
        current = keys["current"]
        if current is None:
            raise RotationRefused(f"{aliases.current} does not exist")
        policy = self.kms("get_key_policy", KeyId=current.arn, PolicyName="default")["Policy"]
        tags = [t for t in self.kms("list_resource_tags", KeyId=current.arn)["Tags"]
                if t["TagKey"] != PROMOTED_TAG and not t["TagKey"].startswith("aws:")]
        created = self.kms("create_key", KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY", Policy=policy, Tags=tags,
                           Description=f"JWT signing key (RS256), rotated in by auth_service.rotate_keys "
                                       f"after {current.kid}")["KeyMetadata"]
        if kid_of(created["Arn"]) == current.kid:
            raise RuntimeError("KMS returned the current key as the new one")
        self._point(aliases.next, kid_of(created["Arn"]), exists=False)
        self.say(f"prepared key {kid_of(created['Arn'])} as {aliases.next} (published, not signing yet)")
        return KeyInfo(arn=created["Arn"], created=created["CreationDate"], promoted=None)

    def promote(self, *, force: bool = False) -> dict[str, str | None]:
        aliases = self.aliases
        keys = self.status()
        current, previous, upcoming = keys["current"], keys["previous"], keys["next"]
        if upcoming is None or current is None:
            raise RotationRefused(f"nothing to promote: {aliases.next} does not exist (run prepare first)")
        if not force:
            unpublished = self.publish_delay_seconds - self._age(upcoming.created)
            if unpublished > 0:
                raise RotationRefused(
                    f"key {upcoming.kid} is not yet in every JWKS; promote in {int(unpublished) + 1} s")
            self.check_retirement(keys)
        self._point(aliases.previous, current.kid, exists=previous is not None)
        self._point(aliases.current, upcoming.kid, exists=True)
        self.kms("delete_alias", AliasName=aliases.next)
        self.kms("tag_resource", KeyId=upcoming.arn,
                 Tags=[{"TagKey": PROMOTED_TAG, "TagValue": self.now().isoformat()}])
        if previous is not None and previous.arn not in (current.arn, upcoming.arn):
            self.kms("disable_key", KeyId=previous.kid)
            self.say(f"retired key {previous.kid} (disabled, no longer published)")
        self.say(f"signing with {upcoming.kid}; {current.kid} stays published as {aliases.previous}")
        return {"current": upcoming.kid, "previous": current.kid, "retired": previous.kid if previous else None}

    def _point(self, alias: str | None, key_id: str, *, exists: bool) -> None:
        # A key id, not an ARN: LocalStack 4.9.2's UpdateAlias keeps an ARN target verbatim and then cannot
        # resolve the alias (AWS accepts both).
        operation = "update_alias" if exists else "create_alias"
        self.kms(operation, AliasName=alias, TargetKeyId=key_id)

    def rotate(self, *, force: bool = False) -> dict[str, str | None]:
        """prepare → wait until the new key is published everywhere → promote."""
        if not force:
            self.check_retirement(self.status())
        prepared = self.prepare()
        remaining = self.publish_delay_seconds - self._age(prepared.created)
        while remaining > 0 and not force:
            self.say(f"waiting for every JWKS to publish {prepared.kid}: {int(remaining) + 1} s left")
            self.sleep(min(remaining, 10.0))
            remaining = self.publish_delay_seconds - self._age(prepared.created)
        return self.promote(force=force)


def _describe(keys: dict[str, KeyInfo | None]) -> list[str]:
    lines = []
    for slot, key in keys.items():
        if key is None:
            lines.append(f"{slot:>8}: -")
        else:
            since = key.promoted.isoformat() if key.promoted else "-"
            lines.append(f"{slot:>8}: {key.kid} (created {key.created.isoformat()}, signing since {since})")
    return lines


def main(argv: list[str] | None = None, rotation: Rotation | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m auth_service.rotate_keys", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", nargs="?", default="rotate", choices=("status", "prepare", "promote", "rotate"))
    parser.add_argument("--force", action="store_true", help="skip the publication and retirement checks")
    args = parser.parse_args(argv)
    rotation = rotation or Rotation(get_auth_settings())
    try:
        result: Any
        if args.step == "status":
            for line in _describe(rotation.status()):
                print(line, flush=True)
            return 0
        if args.step == "prepare":
            result = rotation.prepare().kid
        elif args.step == "promote":
            result = rotation.promote(force=args.force)
        else:
            result = rotation.rotate(force=args.force)
    except RotationRefused as refused:
        print(f"rotate_keys: refused: {refused}", file=sys.stderr, flush=True)
        return 1
    rotation.say(f"done: {result}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
