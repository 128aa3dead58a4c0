-- How many one-time-link mails (activation, password reset) each address asked for per clock hour. Every
-- request is counted, for known and unknown addresses alike, so the count reveals nothing and one mailbox
-- cannot be flooded; rows older than a day are pruned by the auth function's schedule.

CREATE TABLE link_mail_quota (
    address_hash text        NOT NULL,
    window_start timestamptz NOT NULL,
    requests     integer     NOT NULL CHECK (requests > 0),
    PRIMARY KEY (address_hash, window_start)
);
CREATE INDEX link_mail_quota_window_idx ON link_mail_quota (window_start);
