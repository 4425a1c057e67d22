"""Commerce: checkout, orders, the payment webhooks and their ledger."""
