-- Interest on a savings account closed before its month is capitalized (docs/products.md): the days whose
-- interest was paid into the account when it was being closed carry the last day of that settlement, so the
-- month's capitalization later pays only the rest.

ALTER TABLE savings_accruals ADD COLUMN settled_through date;
