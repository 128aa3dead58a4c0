-- Phone lookup for P2P transfers (customer service → auth `GET /internal/users/by-phone`): phones are
-- stored as typed ("+7 (999) 123-45-67"), looked up by their digits only.
CREATE INDEX users_phone_digits_idx ON users ((regexp_replace(phone, '[^0-9]', '', 'g')))
    WHERE phone IS NOT NULL;
