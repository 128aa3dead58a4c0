// Next steps of the empty states (src/components/States.tsx EmptyState), Russian and English.
export const sessionsRu = {
  "states.next.transfer": "Сделать перевод",
  "states.next.templates": "Создайте первый шаблон в форме ниже.",
  "states.next.autopay": "Настройте первый автоплатёж в форме ниже.",
  "states.noAccountsToPay": "Счетов пока нет — откройте счёт, чтобы переводить и обменивать деньги.",
  "states.noSavings": "Откройте накопительный счёт на главной странице.",
  "states.clearSearch": "Сбросить поиск",
};

export const sessionsEn: Record<keyof typeof sessionsRu, string> = {
  "states.next.transfer": "Make a transfer",
  "states.next.templates": "Create your first template in the form below.",
  "states.next.autopay": "Set up your first standing order in the form below.",
  "states.noAccountsToPay": "No accounts yet: open one to transfer and exchange money.",
  "states.noSavings": "Open a savings account on the main page.",
  "states.clearSearch": "Clear the search",
};
