"""Mail: messages are written to an outbox table in the transaction that causes them (a reset
requested, an account registered) and a background job delivers them, over SMTP when
LMSDESK_SMTP_URL is set, else as .eml files in the server data dir (DESIGN.md section 11.1)."""
