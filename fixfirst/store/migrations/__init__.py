"""Alembic migrations for the FixFirst store (a package so installs ship them; see fixfirst.store.migrate)."""
