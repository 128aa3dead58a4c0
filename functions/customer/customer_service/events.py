"""Events and customer: the cabinet's back end publishes none of its own and consumes none.

It composes the other services' answers (dashboard) and calls them to move money; the services it calls
publish the domain events (`payment.executed`, `fx.exchanged`, `utility.paid`) in their own transactions.
"""

PUBLISHES: tuple[str, ...] = ()
CONSUMES: tuple[str, ...] = ()
