"""The hosted payment page: a plain HTML form (no script), bilingual, accessible (labels, landmarks, contrast),
and the 3-D Secure step. The card number never leaves this page except masked."""

from __future__ import annotations

from html import escape

from acquirer.payments import Payment

PROBLEMS = {
    "number": ("Проверьте номер карты", "Check the card number"),
    "expiry": ("Срок действия — в виде месяц/год (12/30)", "Expiry must be MM/YY"),
    "expired": ("Срок действия карты истёк", "The card has expired"),
    "cvc": ("CVC — три или четыре цифры", "CVC is three or four digits"),
    "holder": ("Укажите имя владельца", "Enter the cardholder's name"),
}

STYLE = """body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1a1a1a;margin:0}
main{max-width:26rem;margin:2rem auto;background:#fff;padding:1.5rem;border-radius:.75rem}
label{display:block;margin-top:.75rem;font-weight:600}input{width:100%;padding:.5rem;font-size:1rem;
box-sizing:border-box;border:1px solid #595959;border-radius:.25rem}.row{display:flex;gap:.75rem}
button{margin-top:1rem;padding:.6rem 1rem;font-size:1rem;border:0;border-radius:.25rem;background:#0b57d0;
color:#fff;cursor:pointer}button.secondary{background:#fff;color:#0b57d0;border:1px solid #0b57d0}
.error{color:#a50e0e;font-weight:600}.muted{color:#4a4a4a}"""


def _document(title: str, body: str) -> bytes:
    return (f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{escape(title)}</title><style>{STYLE}</style>'
            f"</head><body><main>{body}</main></body></html>").encode()


def _summary(payment: Payment) -> str:
    return (f"<h1>Оплата картой / Card payment</h1><p class=\"muted\">{escape(payment.description)}</p>"
            f'<p>Сумма / Amount: <strong data-testid="amount">{escape(payment.amount)} '
            f"{escape(payment.currency)}</strong></p>")


def form_page(payment: Payment, problem: str | None = None, holder: str = "") -> bytes:
    error = ""
    if problem:
        ru, en = PROBLEMS.get(problem, ("Проверьте данные карты", "Check the card details"))
        error = f'<p class="error" role="alert">{escape(ru)} / {escape(en)}</p>'
    body = (f"{_summary(payment)}{error}"
            f'<form method="post" action="/pay/{escape(payment.id)}">'
            '<label for="number">Номер карты / Card number</label>'
            '<input id="number" name="number" inputmode="numeric" autocomplete="cc-number" required>'
            '<div class="row"><div><label for="expiry">Срок / Expiry (MM/YY)</label>'
            '<input id="expiry" name="expiry" placeholder="12/30" autocomplete="cc-exp" required></div>'
            '<div><label for="cvc">CVC</label><input id="cvc" name="cvc" inputmode="numeric" '
            'autocomplete="cc-csc" required></div></div>'
            '<label for="holder">Владелец / Cardholder</label>'
            f'<input id="holder" name="holder" autocomplete="cc-name" value="{escape(holder)}" required>'
            '<button type="submit">Оплатить / Pay</button></form>'
            '<p class="muted">Тестовая среда эквайера / Acquirer test environment</p>')
    return _document("Оплата картой / Card payment", body)


def three_ds_page(payment: Payment) -> bytes:
    body = (f"{_summary(payment)}<h2>3-D Secure</h2>"
            f"<p>Банк карты {escape(payment.masked_card or '')} просит подтвердить платёж. / The card's bank asks "
            "you to confirm the payment.</p>"
            f'<form method="post" action="/pay/{escape(payment.id)}/3ds">'
            '<button type="submit" name="decision" value="confirm">Подтвердить / Confirm</button> '
            '<button type="submit" name="decision" value="cancel" class="secondary">Отменить / Cancel</button>'
            "</form>")
    return _document("3-D Secure", body)


def done_page(payment: Payment) -> bytes:
    word = "Оплачено / Paid" if payment.status == "succeeded" else "Платёж отклонён / Payment declined"
    body = (f"{_summary(payment)}<p role=\"status\">{word}</p>"
            f'<p><a href="{escape(payment.return_url)}">Вернуться в магазин / Back to the shop</a></p>')
    return _document(word, body)
