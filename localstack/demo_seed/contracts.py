# ruff: noqa: RUF001 - the templates are Russian text (Cyrillic letters are intended)
"""Reference data (idempotent): the bank's three contract templates, each with its version 1.

A template is found by its code; version 1 is published only when the template has no versions, so
re-running changes nothing and never touches versions an administrator published since.
"""

from __future__ import annotations

import sys
import uuid
from datetime import date

from bank_shared.db import UnitOfWork
from contracts_service.repository import ContractsRepository
from demo_seed.common import run

SEEDED_BY = "seed"
EFFECTIVE_FROM = date(2025, 1, 1)

KBO = """Договор комплексного банковского обслуживания № {{contract_number}}

г. Москва, {{contract_date}}

АО «Банк» (далее — Банк) и {{full_name}} (далее — Клиент) заключили настоящий договор о нижеследующем.

1. Банк предоставляет Клиенту комплексное банковское обслуживание: открытие и ведение счетов, выпуск
   карт, дистанционное банковское обслуживание через интернет-банк и мобильное приложение.
2. Клиент присоединяется к Правилам комплексного банковского обслуживания и Тарифам Банка, действующим
   на дату подписания договора.
3. Договор вступает в силу с момента его активации Банком и заключён на неопределённый срок.
4. Клиент вправе расторгнуть договор, направив Банку заявление; Банк вправе расторгнуть договор в
   случаях, предусмотренных законодательством Российской Федерации.

Идентификатор клиента: {{customer_id}}
"""

ACCOUNT = """Договор банковского счёта № {{contract_number}}

г. Москва, {{contract_date}}

АО «Банк» (далее — Банк) и {{full_name}} (далее — Клиент) заключили настоящий договор.

1. Банк открывает Клиенту текущий счёт № {{account_number}} и обязуется принимать и зачислять
   поступающие на счёт денежные средства, выполнять распоряжения Клиента о перечислении и выдаче
   средств и проведении других операций по счёту.
2. Операции по счёту проводятся в соответствии с Тарифами Банка.
3. Договор вступает в силу с момента подписания Клиентом и заключён на неопределённый срок.

Идентификатор клиента: {{customer_id}}
"""

CARD = """Договор о выпуске и обслуживании банковской карты № {{contract_number}}

г. Москва, {{contract_date}}

АО «Банк» (далее — Банк) и {{full_name}} (далее — Держатель) заключили настоящий договор.

1. Банк выпускает Держателю расчётную (дебетовую) карту к счёту № {{account_number}}.
2. Держатель обязуется хранить ПИН-код в тайне и незамедлительно сообщать Банку об утрате карты.
3. Обслуживание карты осуществляется в соответствии с Тарифами Банка.
4. Договор вступает в силу с момента подписания Держателем.

Идентификатор клиента: {{customer_id}}
"""

# code, name, self-service, version 1 title, body
TEMPLATES = (
    ("kbo", "Договор комплексного банковского обслуживания", False,
     "Договор комплексного банковского обслуживания", KBO),
    ("bank_account", "Договор банковского счёта", True, "Договор банковского счёта", ACCOUNT),
    ("card_issue", "Договор о выпуске карты", True, "Договор о выпуске и обслуживании банковской карты", CARD),
)


def seed_templates(uow: UnitOfWork) -> list[tuple[str, str]]:
    """(code, "created" | "found") for every template."""
    repository = ContractsRepository(uow.connection)
    outcome = []
    for code, name, self_service, title, body in TEMPLATES:
        created = repository.insert_template(uuid.uuid4(), code, name, self_service, SEEDED_BY) is not None
        template = repository.template_by_code(code)
        assert template is not None
        repository.template(template["id"], lock=True)
        if not repository.versions(template["id"]):
            repository.insert_version(template["id"], title, body, EFFECTIVE_FROM, SEEDED_BY)
            created = True
        outcome.append((code, "created" if created else "found"))
    return outcome


def main() -> int:
    with UnitOfWork() as uow:
        for code, state in seed_templates(uow):
            print(f"  contracts template {code} (version 1): {state}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run(main, "contracts"))
