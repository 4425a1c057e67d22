"""Admin decisions, each a sync mutation handler and the REST door's rule (DESIGN.md 11.1)."""
