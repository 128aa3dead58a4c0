// Texts shared by every back-office screen (the section menu, the confirm-with-reason dialog), Russian and English.
export const officeRu = {
  "office.nav.label": "Разделы бэк-офиса",
  "office.nav.customers": "Клиенты",
  "office.reason.label": "Причина",
  "office.reason.hint": "От 3 до 500 символов; попадёт в журнал аудита",
  "office.reason.tooShort": "Укажите причину: не меньше 3 символов",
};

export const officeEn: Record<keyof typeof officeRu, string> = {
  "office.nav.label": "Back-office sections",
  "office.nav.customers": "Customers",
  "office.reason.label": "Reason",
  "office.reason.hint": "3 to 500 characters; it goes into the audit log",
  "office.reason.tooShort": "Give a reason of at least 3 characters",
};
