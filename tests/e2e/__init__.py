"""End-to-end tests (a package, so module names such as test_contracts do not clash with unit tests)."""
