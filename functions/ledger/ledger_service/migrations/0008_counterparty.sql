-- The counterparty of every operation (issue 14 item 6; docs/money.md#counterparty): per account of the
-- transaction, who the other side is as that account's holder sees it — {"<account id>": {"kind": "person",
-- "name": "Иван И."}}. Written with the transaction, in the same statement; older rows have none (NULL).
ALTER TABLE ledger_transactions ADD COLUMN counterparties jsonb
    CHECK (counterparties IS NULL OR jsonb_typeof(counterparties) = 'object');
