-- Stored mail bodies keep no live one-time token: the link's token is replaced by a marker (the mail that
-- went out carried it; what stays at rest is for support and audit, not a second copy of the key).
UPDATE notifications
   SET body = regexp_replace(body, '([?&]token=)[A-Za-z0-9_%-]+', '\1[redacted]', 'g')
 WHERE body ~ '[?&]token=[A-Za-z0-9_%-]';
