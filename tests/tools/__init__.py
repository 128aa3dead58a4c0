"""Tests that run tools `make install` installs beside the project venv (the SAM CLI venv, the SPA's
node_modules): `make test` runs them; the unit tier stays runnable with the project venv alone."""
