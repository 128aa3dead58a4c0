-- One-time links no longer travel in events (the events name a link id; notifications derives the token).
-- Links issued before this change were readable by anyone with access to Kafka or the outbox, so every
-- unused one stops working now (customers ask for a new mail), and the tokens are removed from the outbox.
UPDATE one_time_tokens SET used_at = now() WHERE used_at IS NULL;

UPDATE outbox
   SET payload = payload #- '{data,activation_token}' #- '{data,reset_token}'
 WHERE topic IN ('user.registered', 'user.password_reset_requested')
   AND (payload -> 'data' ? 'activation_token' OR payload -> 'data' ? 'reset_token');
