-- KYC data of a customer, kept by the back office (issue 15 item 3). The identity document's number rests
-- sealed (bank_shared.crypto, KMS envelope encryption, context naming the user: a value copied to another
-- user's row does not open); its last four characters are kept apart for the masked view.
CREATE TABLE customer_kyc (
    user_id          uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    legal_name       text        NOT NULL,
    date_of_birth    date        NOT NULL,
    document_type    text        NOT NULL CHECK (document_type IN ('passport_ru', 'passport_foreign',
                                                                   'residence_permit')),
    document_number  bytea       NOT NULL CHECK (get_byte(document_number, 0) = 1),
    document_last4   text        NOT NULL,
    address          text        NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
