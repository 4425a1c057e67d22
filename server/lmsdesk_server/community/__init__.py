"""A course's community: Q&A, discussions, votes, reports (DESIGN.md section 11.2)."""
