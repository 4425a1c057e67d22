"""The wire protocol, defined once: the server's response models and the client's parsers.

Only the standard library and pydantic may be imported here (enforced by import-linter).
"""

API_PREFIX = "/api/v1"
