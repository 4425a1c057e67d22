"""Analytics (DESIGN.md section 11.6): each enrollment's progress kept as progress arrives, the
daily table per course recomputed idempotently by a background job, and the reports drawn from
them (instructor metrics and funnel, the admin overview)."""
