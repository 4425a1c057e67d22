"""LMSDesk: offline-first learning and course authoring."""

__version__ = "0.1.0"
