-- Maker-checker for the money staff move (issue 15 item 1, F3): every staff top-up and reversal is a row
-- here. A top-up under the approval threshold is executed at once; one at or above it, and every reversal,
-- waits as `pending` until a DIFFERENT employee approves (then executes once) or rejects it, or it expires.
--
--   pending --approve--> approved --ledger--> executed | failed      pending --> rejected | expired
--
-- The ledger call of a request always uses the request's own `ledger_key` as its Idempotency-Key, so
-- approving twice, two approvers racing, or the schedule retrying after an outage moves the money once.
-- The database itself refuses an approval by the maker.

CREATE TABLE money_requests (
    id              uuid PRIMARY KEY,
    kind            text        NOT NULL CHECK (kind IN ('topup', 'reversal')),
    maker_id        text        NOT NULL,
    maker_key       text        NOT NULL,      -- the maker's Idempotency-Key (a replay answers this request)
    request_hash    text        NOT NULL,
    account_id      uuid,                      -- topup: the account credited
    transaction_id  uuid,                      -- reversal: the ledger transaction undone
    amount_minor    bigint      NOT NULL CHECK (amount_minor > 0),
    currency        char(3)     NOT NULL,
    description     text        NOT NULL DEFAULT '',
    details         jsonb       NOT NULL DEFAULT '{}'::jsonb,  -- what the approver is shown (account, customer)
    needs_approval  boolean     NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'approved', 'executed', 'failed',
                                                           'rejected', 'expired')),
    decided_by      text,
    decided_at      timestamptz,
    decision_reason text,
    ledger_key      text        NOT NULL UNIQUE,
    result_status   integer,
    result_body     jsonb,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires_at      timestamptz NOT NULL,
    executed_at     timestamptz,
    UNIQUE (maker_id, maker_key),
    CHECK ((kind = 'topup') = (account_id IS NOT NULL)),
    CHECK ((kind = 'reversal') = (transaction_id IS NOT NULL)),
    CONSTRAINT every_reversal_needs_approval CHECK (kind = 'topup' OR needs_approval),
    CONSTRAINT checker_is_not_maker CHECK (
        NOT needs_approval OR status IN ('pending', 'rejected', 'expired')
        OR (decided_by IS NOT NULL AND decided_by <> maker_id)),
    CHECK ((status IN ('executed', 'failed')) = (result_status IS NOT NULL))
);
CREATE INDEX money_requests_queue_idx ON money_requests (created_at DESC, id DESC);
CREATE INDEX money_requests_pending_idx ON money_requests (expires_at) WHERE status = 'pending';
CREATE INDEX money_requests_maker_day_idx ON money_requests (maker_id, currency, created_at) WHERE kind = 'topup';
-- One open or done reversal per ledger transaction (rejected or failed ones may be asked for again).
CREATE UNIQUE INDEX money_requests_one_reversal_idx ON money_requests (transaction_id)
    WHERE kind = 'reversal' AND status IN ('pending', 'approved', 'executed');
