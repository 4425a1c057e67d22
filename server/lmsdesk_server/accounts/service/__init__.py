"""Accounts: sessions (register, sign in, tokens, sign out), mailed codes (verify an email,
reset a password), the profile, and two-factor sign-in."""

from lmsdesk_server.accounts.service.sessions import AccountService

__all__ = ["AccountService"]
