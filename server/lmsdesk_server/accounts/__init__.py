"""Accounts: registration, sign-in, token rotation, sign-out."""
