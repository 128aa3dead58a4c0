"""Events the contracts service publishes (through its outbox) and consumes."""

from bank_shared.events.topics import ACCOUNT_OPENED, CONTRACT_ACTIVATED, CONTRACT_SIGNED, CONTRACT_TERMINATED

PUBLISHES = (CONTRACT_SIGNED, CONTRACT_ACTIVATED, CONTRACT_TERMINATED)
# account.opened: the account agreement is concluded (service.conclude_account_agreement).
CONSUMES = (ACCOUNT_OPENED,)
