"""What card top-ups ask of others (docs/payments.md "Money in"):

* the card acquirer, over HTTPS (locally the stand-in, localstack/acquirer): ``POST /v3/payments`` under an
  ``Idempotence-Key`` (the top-up's id, so a retried request never opens a second payment), ``GET
  /v3/payments/{id}`` and ``POST /v3/refunds`` (under ``card-topup-refund-<id>``: one refund per top-up), with
  HTTP Basic ``shop_id:secret_key`` from the Secrets Manager secret;
* the ledger, invoked directly: ``POST /internal/topups`` from the settlement account under the Idempotency-Key
  ``card-topup-<id>``, so a webhook delivered twice, or a webhook and the schedule, credit once.

The acquirer being unreachable or answering 5xx raises AcquirerUnavailable (503); tests swap in fakes.
"""

from __future__ import annotations

from typing import Any, Protocol

from accounts_service.settings import get_accounts_settings, ledger_timeout
from bank_shared.acquiring import IDEMPOTENCE_HEADER
from bank_shared.aws import secret_json
from bank_shared.errors import DependencyUnavailable
from bank_shared.http import Answer, Invoker, ServiceClient
from bank_shared.swappable import Swappable
from bank_shared.transaction_guard import network_call


class AcquirerUnavailable(DependencyUnavailable):
    code, title = "acquirer_unavailable", "The card acquirer is unavailable; try again later"


class PaymentUnknown(AcquirerUnavailable):
    """The acquirer answers 404 for a payment we opened with it: a fault to look into (credentials of another shop,
    a wiped sandbox), not an outage; the sweep skips that top-up and goes on with the rest."""


class Acquirer(Protocol):
    def create_payment(self, key: str, body: dict[str, Any]) -> dict[str, Any]: ...
    def get_payment(self, payment_id: str) -> dict[str, Any]: ...
    def refund(self, key: str, body: dict[str, Any]) -> dict[str, Any]: ...


class HttpAcquirer:
    def _call(self, method: str, path: str, *, key: str | None = None,
              body: dict[str, Any] | None = None) -> dict[str, Any]:
        import httpx

        settings = get_accounts_settings()
        credentials = secret_json(settings.acquirer_secret_id)
        network_call("acquirer")
        headers = {IDEMPOTENCE_HEADER: key} if key else {}
        try:
            response = httpx.request(method, f"{settings.acquirer_url.rstrip('/')}{path}", json=body,
                                     headers=headers, timeout=settings.acquirer_timeout_seconds,
                                     auth=(str(credentials.get("shop_id", "")),
                                           str(credentials.get("secret_key", ""))))
        except httpx.HTTPError as exc:
            raise AcquirerUnavailable(f"acquirer: {type(exc).__name__}", dependency="acquirer") from exc
        if response.status_code == 404 and method == "GET":
            raise PaymentUnknown(f"acquirer does not know {path}", dependency="acquirer")
        if response.status_code != 200:
            raise AcquirerUnavailable(f"acquirer answered {response.status_code}", dependency="acquirer")
        answer: dict[str, Any] = response.json()
        return answer

    def create_payment(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/v3/payments", key=key, body=body)

    def get_payment(self, payment_id: str) -> dict[str, Any]:
        return self._call("GET", f"/v3/payments/{payment_id}")

    def refund(self, key: str, body: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/v3/refunds", key=key, body=body)


class CreditLedger(Protocol):
    def topup(self, key: str, body: dict[str, Any]) -> Answer: ...


class HttpCreditLedger:
    def __init__(self, invoker: Invoker | None = None) -> None:
        self._client = ServiceClient("ledger", retries=1, timeout=ledger_timeout, invoker=invoker)

    def topup(self, key: str, body: dict[str, Any]) -> Answer:
        return self._client.call_with_key("/internal/topups", key, body)


_acquirer = Swappable[Acquirer](HttpAcquirer)
get_acquirer, set_acquirer = _acquirer.get, _acquirer.set
_credit_ledger = Swappable[CreditLedger](HttpCreditLedger)
get_credit_ledger, set_credit_ledger = _credit_ledger.get, _credit_ledger.set
