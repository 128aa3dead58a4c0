"""Events the auth service publishes (it consumes none)."""


from bank_shared.events.topics import (
    LOGS_APP,
    USER_ACTIVATED,
    USER_LOCKED,
    USER_PASSWORD_CHANGED,
    USER_PASSWORD_RESET_REQUESTED,
    USER_REGISTERED,
)

# logs.app carries auth's security records (sign-in refused, tokens revoked) to Splunk.
PUBLISHES = (USER_REGISTERED, USER_ACTIVATED, USER_LOCKED, USER_PASSWORD_RESET_REQUESTED, USER_PASSWORD_CHANGED,
             LOGS_APP)
CONSUMES: tuple[str, ...] = ()
