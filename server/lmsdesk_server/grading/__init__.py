"""Assignments and hand grading (DESIGN.md section 11.3)."""
