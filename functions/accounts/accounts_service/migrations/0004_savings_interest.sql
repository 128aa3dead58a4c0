-- Interest on savings accounts (issue 17 item 3; docs/products.md): yearly rates per product with the date each
-- takes effect, one accrual per account per day, one capitalization per account per month.

CREATE TABLE savings_rates (
    product_code   text          NOT NULL REFERENCES products (code),
    effective_from date          NOT NULL,
    annual_rate    numeric(8, 6) NOT NULL CHECK (annual_rate >= 0 AND annual_rate < 1),
    set_by         text          NOT NULL,
    created_at     timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (product_code, effective_from)
);
INSERT INTO savings_rates (product_code, effective_from, annual_rate, set_by)
VALUES ('savings', DATE '2000-01-01', 0.050000, 'migration');

CREATE TABLE savings_accruals (
    account_id     uuid          NOT NULL REFERENCES accounts (id),
    day            date          NOT NULL,
    balance        bigint        NOT NULL,
    annual_rate    numeric(8, 6) NOT NULL,
    amount         bigint        NOT NULL CHECK (amount >= 0),
    transaction_id text,
    created_at     timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, day)
);

CREATE TABLE savings_capitalizations (
    account_id     uuid          NOT NULL REFERENCES accounts (id),
    month          date          NOT NULL CHECK (extract(day FROM month) = 1),
    amount         bigint        NOT NULL CHECK (amount >= 0),
    transaction_id text,
    created_at     timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, month)
);
