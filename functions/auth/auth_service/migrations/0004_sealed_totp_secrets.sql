-- TOTP secrets rest envelope-encrypted with the KMS data key (bank_shared.crypto): the columns hold the
-- sealed bytes, bound to their user. A migration cannot call KMS, so rows written before this change keep
-- their base32 text (converted to bytes here, unchanged) until `python -m auth_service.seal_secrets`
-- seals them; auth reads both forms meanwhile and writes only the sealed one (docs/keys.md).
ALTER TABLE users
    ALTER COLUMN mfa_secret TYPE bytea USING convert_to(mfa_secret, 'UTF8'),
    ALTER COLUMN mfa_pending_secret TYPE bytea USING convert_to(mfa_pending_secret, 'UTF8');

COMMENT ON COLUMN users.mfa_secret IS
    'TOTP secret sealed by bank_shared.crypto (context: purpose auth.users.totp_secret + user_id)';
COMMENT ON COLUMN users.mfa_pending_secret IS
    'TOTP secret awaiting its first code, sealed like mfa_secret';
