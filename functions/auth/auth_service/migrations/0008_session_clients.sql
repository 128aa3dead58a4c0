-- Active sessions (issue 14): the customer sees each live session (refresh-token family) with the device it
-- was used from. Each refresh token records a short summary of the client's User-Agent ("Chrome, Windows")
-- and the network prefix of its address (IPv4 /24, IPv6 /48), never the full address nor the raw header;
-- the newest token of a family describes the session. Rows written before this migration leave both empty.
ALTER TABLE refresh_tokens
    ADD COLUMN client    text CHECK (length(client) <= 80),
    ADD COLUMN ip_prefix text CHECK (length(ip_prefix) <= 50);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
