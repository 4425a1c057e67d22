"""Certificates: issued on completion, signed, verifiable by anyone."""
