"""Authoring: instructors' drafts, edited offline and merged field by field."""
