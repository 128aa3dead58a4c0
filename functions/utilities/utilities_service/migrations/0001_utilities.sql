-- Utility (ЖКХ) providers and the payments customers make to them.
--
-- Providers are reference data: who the provider is, the category, the provider's settlement account at
-- the bank (its 20-digit number, and the id of the ledger account that receives the money: registered in
-- the ledger by this service's seed through the ledger's internal API), the format of the payer's account
-- number at the provider (лицевой счёт) and the amount limits of one payment.
--
-- A payment is a saga over the ledger (see service.py): pending → held (the customer's money reserved by a
-- ledger hold) → completed (the hold captured into the provider's account) or failed (refused; any hold
-- voided). The customer's Idempotency-Key is unique per payer, so one key is one payment at most.

CREATE TABLE providers (
    id                        uuid        PRIMARY KEY,
    code                      text        NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9_]{2,40}$'),
    name                      text        NOT NULL,
    category                  text        NOT NULL
                                          CHECK (category IN ('electricity', 'water', 'heating', 'gas', 'internet')),
    inn                       text        NOT NULL CHECK (inn ~ '^[0-9]{10}$'),
    settlement_account_number char(20)    NOT NULL UNIQUE CHECK (settlement_account_number ~ '^[0-9]{20}$'),
    ledger_account_id         uuid        NOT NULL UNIQUE,
    currency                  char(3)     NOT NULL DEFAULT 'RUB' CHECK (currency ~ '^[A-Z]{3}$'),
    payer_account_label       text        NOT NULL,
    payer_account_pattern     text        NOT NULL,
    payer_account_hint        text        NOT NULL,
    min_amount                bigint      NOT NULL CHECK (min_amount > 0),
    max_amount                bigint      NOT NULL,
    active                    boolean     NOT NULL DEFAULT true,
    created_at                timestamptz NOT NULL DEFAULT now(),
    CHECK (max_amount >= min_amount)
);
CREATE INDEX providers_category_idx ON providers (category, code);

INSERT INTO providers (id, code, name, category, inn, settlement_account_number, ledger_account_id,
                       payer_account_label, payer_account_pattern, payer_account_hint, min_amount, max_amount)
VALUES
    ('5b0f6a1e-0001-4c6e-9a51-000000000001', 'mosenergosbyt', 'Мосэнергосбыт', 'electricity', '7736520080',
     '40702810900000000001', 'c1ea0000-0001-4c6e-9a51-000000000001',
     'Лицевой счёт', '^[0-9]{10}$', '10 цифр, например 1234567890', 100, 10000000),
    ('5b0f6a1e-0002-4c6e-9a51-000000000002', 'mosvodokanal', 'Мосводоканал', 'water', '7701984274',
     '40702810900000000002', 'c1ea0000-0002-4c6e-9a51-000000000002',
     'Лицевой счёт', '^[0-9]{8}$', '8 цифр, например 12345678', 100, 5000000),
    ('5b0f6a1e-0003-4c6e-9a51-000000000003', 'moek', 'МОЭК', 'heating', '7720518494',
     '40702810900000000003', 'c1ea0000-0003-4c6e-9a51-000000000003',
     'Лицевой счёт', '^[0-9]{10}$', '10 цифр', 100, 10000000),
    ('5b0f6a1e-0004-4c6e-9a51-000000000004', 'mosgaz', 'Газпром межрегионгаз Москва', 'gas', '7709455110',
     '40702810900000000004', 'c1ea0000-0004-4c6e-9a51-000000000004',
     'Лицевой счёт', '^[0-9]{12}$', '12 цифр', 100, 5000000),
    ('5b0f6a1e-0005-4c6e-9a51-000000000005', 'mgts', 'МГТС (домашний интернет)', 'internet', '7710016640',
     '40702810900000000005', 'c1ea0000-0005-4c6e-9a51-000000000005',
     'Номер договора', '^[0-9]{9,12}$', 'от 9 до 12 цифр', 100, 3000000);

CREATE TABLE payments (
    id                    uuid        PRIMARY KEY,
    payer_id              uuid        NOT NULL,
    provider_id           uuid        NOT NULL REFERENCES providers (id),
    from_account_id       uuid        NOT NULL,
    payer_account         text        NOT NULL,
    amount                bigint      NOT NULL CHECK (amount > 0),
    currency              char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    status                text        NOT NULL DEFAULT 'pending'
                                      CHECK (status IN ('pending', 'held', 'completed', 'failed')),
    idempotency_scope     text        NOT NULL,
    idempotency_key       text        NOT NULL,
    request_hash          text        NOT NULL,
    hold_id               uuid,
    ledger_transaction_id uuid,
    result_status         integer,
    result_body           jsonb,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    finished_at           timestamptz,
    UNIQUE (idempotency_scope, idempotency_key),
    CHECK ((status = 'held') <= (hold_id IS NOT NULL)),
    CHECK ((status = 'completed') = (ledger_transaction_id IS NOT NULL)),
    CHECK ((status IN ('completed', 'failed')) = (result_status IS NOT NULL AND finished_at IS NOT NULL))
);
CREATE INDEX payments_payer_idx ON payments (payer_id, created_at DESC, id DESC);
CREATE INDEX payments_unfinished_idx ON payments (updated_at) WHERE status IN ('pending', 'held');
