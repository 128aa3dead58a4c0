-- The bank's contract templates, each with its version 1: reference data every environment needs (locally and
-- in AWS alike, where no seed runs). A template is found by its code
-- and version 1 is added only to a template without versions, so a database seeded before this revision, or
-- one where an administrator has published newer versions, is left as it is.

INSERT INTO contract_templates (id, code, name, self_service, created_by)
VALUES (gen_random_uuid(), 'kbo', $name$Договор комплексного банковского обслуживания$name$, false, 'migration')
ON CONFLICT (code) DO NOTHING;

INSERT INTO template_versions (template_id, version, title, body, effective_from, published_by)
SELECT t.id, 1, $title$Договор комплексного банковского обслуживания$title$, $body$Договор комплексного банковского обслуживания № {{contract_number}}

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
$body$, DATE '2025-01-01', 'migration'
FROM contract_templates t
WHERE t.code = 'kbo' AND NOT EXISTS (SELECT 1 FROM template_versions v WHERE v.template_id = t.id);

INSERT INTO contract_templates (id, code, name, self_service, created_by)
VALUES (gen_random_uuid(), 'bank_account', $name$Договор банковского счёта$name$, true, 'migration')
ON CONFLICT (code) DO NOTHING;

INSERT INTO template_versions (template_id, version, title, body, effective_from, published_by)
SELECT t.id, 1, $title$Договор банковского счёта$title$, $body$Договор банковского счёта № {{contract_number}}

г. Москва, {{contract_date}}

АО «Банк» (далее — Банк) и {{full_name}} (далее — Клиент) заключили настоящий договор.

1. Банк открывает Клиенту текущий счёт № {{account_number}} и обязуется принимать и зачислять
   поступающие на счёт денежные средства, выполнять распоряжения Клиента о перечислении и выдаче
   средств и проведении других операций по счёту.
2. Операции по счёту проводятся в соответствии с Тарифами Банка.
3. Договор вступает в силу с момента подписания Клиентом и заключён на неопределённый срок.

Идентификатор клиента: {{customer_id}}
$body$, DATE '2025-01-01', 'migration'
FROM contract_templates t
WHERE t.code = 'bank_account' AND NOT EXISTS (SELECT 1 FROM template_versions v WHERE v.template_id = t.id);

INSERT INTO contract_templates (id, code, name, self_service, created_by)
VALUES (gen_random_uuid(), 'card_issue', $name$Договор о выпуске карты$name$, true, 'migration')
ON CONFLICT (code) DO NOTHING;

INSERT INTO template_versions (template_id, version, title, body, effective_from, published_by)
SELECT t.id, 1, $title$Договор о выпуске и обслуживании банковской карты$title$, $body$Договор о выпуске и обслуживании банковской карты № {{contract_number}}

г. Москва, {{contract_date}}

АО «Банк» (далее — Банк) и {{full_name}} (далее — Держатель) заключили настоящий договор.

1. Банк выпускает Держателю расчётную (дебетовую) карту к счёту № {{account_number}}.
2. Держатель обязуется хранить ПИН-код в тайне и незамедлительно сообщать Банку об утрате карты.
3. Обслуживание карты осуществляется в соответствии с Тарифами Банка.
4. Договор вступает в силу с момента подписания Держателем.

Идентификатор клиента: {{customer_id}}
$body$, DATE '2025-01-01', 'migration'
FROM contract_templates t
WHERE t.code = 'card_issue' AND NOT EXISTS (SELECT 1 FROM template_versions v WHERE v.template_id = t.id);
