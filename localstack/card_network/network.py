"""The card network's side of a card payment: it builds the messages an acquirer/network sends to the issuing
bank and posts them, signed, to the bank's network endpoint.

Messages are ISO 8583-like, as JSON (field numbers in brackets):

* ``0100`` authorization request: ``stan`` [11], ``rrn`` [37], ``transmitted_at`` [7], ``card_ref`` (the
  issuer's card reference in place of the PAN [2]: the bank stores no PAN), ``processing_code`` [3]
  (``000000`` purchase, ``010000`` cash), ``amount`` [4] and ``currency`` [49] of the transaction, ``mcc`` [18],
  ``channel`` [22] (``pos``, ``online``, ``atm``), ``merchant`` [41-43] (name, city, country, terminal id).
  The bank answers ``0110`` with ``response_code`` [39] and, when approved, ``auth_code`` [38].
* ``0220`` clearing (capture advice) for an earlier authorization: its ``rrn``, the final ``amount`` and
  ``currency`` (possibly smaller or larger than authorized); answered ``0230``.
* ``0400`` reversal of an authorization: its ``rrn``; answered ``0410``.

Every message is signed (``bank_shared.card_network``) with the key the bank keeps in Secrets Manager.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any

from bank_shared.card_network import SIGNATURE_HEADER, sign

PROCESSING_CODES = {"pos": "000000", "online": "000000", "atm": "010000"}


class Network:
    """Builds, signs, sends and remembers messages (in memory: a restart forgets them)."""

    def __init__(self, bank_url: str, key: str, timeout: float = 10.0) -> None:
        self.bank_url, self.key, self.timeout = bank_url, key, timeout
        self._stan = itertools.count(random.randint(1, 400000))  # noqa: S311 - a trace number, not a secret
        self._lock = threading.Lock()
        self.authorizations: dict[str, dict[str, Any]] = {}  # rrn -> the 0100 sent
        self.log: list[dict[str, Any]] = []

    def _trace(self) -> tuple[str, str]:
        with self._lock:
            stan = next(self._stan) % 1000000
        now = datetime.now(UTC)
        rrn = f"{now.year % 10}{now.timetuple().tm_yday:03d}{now:%H}{stan:06d}"  # YDDDHH + STAN: 12 digits
        return f"{stan:06d}", rrn

    def send(self, message: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(message).encode()
        request = urllib.request.Request(self.bank_url, data=body, method="POST", headers={  # noqa: S310
            "Content-Type": "application/json", SIGNATURE_HEADER: sign(self.key, body)})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - the bank's URL
                status, answer = response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            status, answer = exc.code, json.loads(exc.read() or b"{}")
        entry = {"request": message, "status": status, "response": answer}
        with self._lock:
            self.log.append(entry)
        return entry

    def purchase(self, card_ref: str, amount: str, currency: str, merchant: str, mcc: str = "5411",
                 channel: str = "pos", city: str = "Moscow", country: str = "RU") -> dict[str, Any]:
        stan, rrn = self._trace()
        message = {
            "mti": "0100", "stan": stan, "rrn": rrn,
            "transmitted_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "card_ref": card_ref, "processing_code": PROCESSING_CODES.get(channel, "000000"),
            "amount": amount, "currency": currency, "mcc": mcc, "channel": channel,
            "merchant": {"name": merchant, "city": city, "country": country, "terminal_id": f"T{stan}"},
        }
        self.authorizations[rrn] = message
        return self.send(message)

    def _follow_up(self, mti: str, rrn: str, amount: str | None) -> dict[str, Any]:
        original = self.authorizations.get(rrn)
        if original is None:
            raise KeyError(rrn)
        stan, _ = self._trace()
        return self.send({"mti": mti, "stan": stan, "rrn": rrn,
                          "transmitted_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
                          "amount": amount or original["amount"], "currency": original["currency"]})

    def clearing(self, rrn: str, amount: str | None = None) -> dict[str, Any]:
        return self._follow_up("0220", rrn, amount)

    def reversal(self, rrn: str) -> dict[str, Any]:
        return self._follow_up("0400", rrn, None)

    def resend(self, rrn: str, mti: str) -> dict[str, Any]:
        """The last message of `mti` for `rrn` again, unchanged (a network retry: same STAN and RRN)."""
        for entry in reversed(self.log):
            if entry["request"]["rrn"] == rrn and entry["request"]["mti"] == mti:
                return self.send(entry["request"])
        raise KeyError(rrn)
