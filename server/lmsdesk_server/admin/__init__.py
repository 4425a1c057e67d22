"""The admin console's domain: users, grants, refunds, categories, archiving, the audit."""
