"""Moderation: the review queue and its decisions."""
