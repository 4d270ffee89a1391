"""Migration scripts, applied in order by fixfirst.store.migrate.upgrade_to_head()."""
