"""The security tests use the web tests' database and clients."""

from tests.web.conftest import read_app, web_db, writable_db, write_app  # noqa: F401
