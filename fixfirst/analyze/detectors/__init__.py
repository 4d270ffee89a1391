"""Built-in detectors, one module per label. They are registered explicitly in ``registrations.py``."""
