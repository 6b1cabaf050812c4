"""The security tests that need a served app use the browser tests' uvicorn subprocess."""

from tests.browser.conftest import live_server  # noqa: F401  - a fixture, re-exported for tests/security
