"""Cross-cutting code shared by every bank service: settings, database, errors, events, auth, observability."""
