"""Events and office: office publishes none of its own and consumes none.

It orchestrates; the services it calls publish the domain events in their own transactions (accounts:
`account.opened`, `account.closed`, `card.issued`; ledger: the top-up's postings; auth: `user.activated`
and the password-link mail request for a customer created here). Office's own record is its audit log.
"""

PUBLISHES: tuple[str, ...] = ()
CONSUMES: tuple[str, ...] = ()
