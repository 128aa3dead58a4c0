"""Payment templates' rules in the fast tier, over an in-memory repository: names unique per customer, a cap per
customer, another customer's template is not found (never forbidden), rename and delete. Each test names the bug
that makes it fail."""

from __future__ import annotations

import uuid
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg.errors
import pytest

from accounts_service import payment_templates
from accounts_service.payment_templates import TemplateDraft, TemplateNameTaken, TemplateNotFound, TooManyTemplates
from accounts_service.templates_repository import NewTemplate, Template
from tests.support.fake_db import fake_unit_of_work

ANN, BOB = uuid.uuid4(), uuid.uuid4()


class InMemoryTemplates:
    rows: dict[UUID, Template] = {}

    def __init__(self, _connection: Any) -> None:
        pass

    def count(self, owner_id: UUID) -> int:
        return sum(1 for row in self.rows.values() if row.owner_id == owner_id)

    def _taken(self, owner_id: UUID, name: str) -> bool:
        return any(r.owner_id == owner_id and r.name == name for r in self.rows.values())

    def insert(self, template: NewTemplate) -> Template | None:
        if self._taken(template.owner_id, template.name):
            return None
        self.rows[template.id] = Template(**asdict(template), created_at=datetime.now(UTC))
        return self.rows[template.id]

    def by_owner(self, owner_id: UUID) -> list[Template]:
        return sorted((r for r in self.rows.values() if r.owner_id == owner_id), key=lambda r: r.name)

    def get(self, template_id: UUID) -> Template | None:
        return self.rows.get(template_id)

    def rename(self, template_id: UUID, name: str) -> Template:
        if self._taken(self.rows[template_id].owner_id, name):
            raise psycopg.errors.UniqueViolation("payment_templates_owner_id_name_key")
        self.rows[template_id] = replace(self.rows[template_id], name=name)
        return self.rows[template_id]

    def delete(self, template_id: UUID) -> None:
        del self.rows[template_id]


@pytest.fixture(autouse=True)
def templates(monkeypatch: pytest.MonkeyPatch) -> None:
    InMemoryTemplates.rows = {}
    monkeypatch.setattr(payment_templates, "TemplatesRepository", InMemoryTemplates)


def run(use_case: Any, *args: Any) -> Any:
    with fake_unit_of_work() as uow:
        return use_case(uow, *args)


def draft(owner: UUID = ANN, name: str = "Маме") -> TemplateDraft:
    return TemplateDraft(owner, name, "phone", "RUB", to_phone="+79001234567", amount=30_000, description="на продукты")


def test_a_template_is_saved_and_shown_with_its_amount() -> None:
    saved = run(payment_templates.create, draft())
    assert saved["amount"] == {"amount": "300.00", "currency": "RUB"} and saved["to_phone"] == "+79001234567"
    assert [t["id"] for t in run(payment_templates.list_templates, ANN)] == [saved["id"]]
    assert run(payment_templates.list_templates, BOB) == []  # bug: listing ignores the owner


def test_names_are_unique_per_customer_only() -> None:
    run(payment_templates.create, draft())
    with pytest.raises(TemplateNameTaken):
        run(payment_templates.create, draft())
    run(payment_templates.create, draft(owner=BOB))  # another customer may use the same name


def test_a_customer_has_at_most_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(payment_templates, "MAX_TEMPLATES", 2)
    run(payment_templates.create, draft(name="a"))
    run(payment_templates.create, draft(name="b"))
    with pytest.raises(TooManyTemplates):
        run(payment_templates.create, draft(name="c"))


def test_another_customers_template_is_not_found_for_every_use() -> None:
    template = UUID(run(payment_templates.create, draft())["id"])
    with pytest.raises(TemplateNotFound):
        run(payment_templates.get_template, BOB, template)
    with pytest.raises(TemplateNotFound):
        run(payment_templates.rename, BOB, template, "mine now")
    with pytest.raises(TemplateNotFound):
        run(payment_templates.delete, BOB, template)
    assert run(payment_templates.get_template, ANN, template)["name"] == "Маме"  # nothing changed


def test_rename_refuses_a_taken_name_and_delete_removes() -> None:
    first = UUID(run(payment_templates.create, draft(name="Маме"))["id"])
    run(payment_templates.create, draft(name="Папе"))
    with pytest.raises(TemplateNameTaken):
        run(payment_templates.rename, ANN, first, "Папе")
    assert run(payment_templates.rename, ANN, first, "Маме на продукты")["name"] == "Маме на продукты"
    run(payment_templates.delete, ANN, first)
    assert [t["name"] for t in run(payment_templates.list_templates, ANN)] == ["Папе"]
