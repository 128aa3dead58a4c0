"""Topic names (one per event type, as the specification names them)."""

USER_REGISTERED = "user.registered"
USER_ACTIVATED = "user.activated"
USER_LOCKED = "user.locked"
USER_PASSWORD_RESET_REQUESTED = "user.password_reset_requested"
USER_PASSWORD_CHANGED = "user.password_changed"
ACCOUNT_OPENED = "account.opened"
ACCOUNT_CLOSED = "account.closed"
CARD_ISSUED = "card.issued"
CARD_TOPUP_REFUNDED = "card_topup.refunded"
PAYMENT_EXECUTED = "payment.executed"
PAYMENT_FAILED = "payment.failed"
UTILITY_PAID = "utility.paid"
UTILITY_PROVIDER_CHANGED = "utility.provider_changed"
FX_EXCHANGED = "fx.exchanged"
CONTRACT_SIGNED = "contract.signed"
CONTRACT_ACTIVATED = "contract.activated"
CONTRACT_TERMINATED = "contract.terminated"
NOTIFICATION_REQUESTED = "notification.requested"
LOGS_APP = "logs.app"

ALL_TOPICS = (
    USER_REGISTERED, USER_ACTIVATED, USER_LOCKED, USER_PASSWORD_RESET_REQUESTED, USER_PASSWORD_CHANGED,
    ACCOUNT_OPENED, ACCOUNT_CLOSED, CARD_ISSUED, PAYMENT_EXECUTED, PAYMENT_FAILED, UTILITY_PAID, FX_EXCHANGED,
    CONTRACT_SIGNED, CONTRACT_ACTIVATED, CONTRACT_TERMINATED, NOTIFICATION_REQUESTED, LOGS_APP,
    UTILITY_PROVIDER_CHANGED, CARD_TOPUP_REFUNDED,
)
