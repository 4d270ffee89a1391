"""FixFirst stage package."""
