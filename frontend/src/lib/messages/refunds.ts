// Card top-ups the ledger refused and the bank returned to the card (issue 14 item 4; docs/payments.md "Money in").
export const refundsRu = {
  "topup.return.refunding": "Зачислить на счёт не удалось: {reason}. Возвращаем платёж на карту {card}…",
  "topup.return.refunded": "Платёж возвращён на карту {card}.",
  "topup.return.refundedWhy": "Зачислить {amount} на счёт не удалось: {reason}. Деньги поступят на карту в срок, который устанавливает банк карты.",
  "topup.refused.account_closed": "счёт закрыт",
  "topup.refused.balance_limit_exceeded": "остаток превысил бы предельный остаток счёта",
  "topup.refused.currency_mismatch": "валюта счёта не совпадает с валютой платежа",
  "topup.refused.other": "банк не принял зачисление",
  "notice.card_topup_refunded": "Платёж возвращён на карту",
};

export const refundsEn: Record<keyof typeof refundsRu, string> = {
  "topup.return.refunding": "The money could not be credited to the account: {reason}. Returning the payment to the card {card}…",
  "topup.return.refunded": "The payment was returned to the card {card}.",
  "topup.return.refundedWhy": "{amount} could not be credited to the account: {reason}. The card's bank decides when the money shows on the card.",
  "topup.refused.account_closed": "the account is closed",
  "topup.refused.balance_limit_exceeded": "the balance would pass the account's ceiling",
  "topup.refused.currency_mismatch": "the account's currency is not the payment's",
  "topup.refused.other": "the bank did not accept the credit",
  "notice.card_topup_refunded": "Payment returned to the card",
};
