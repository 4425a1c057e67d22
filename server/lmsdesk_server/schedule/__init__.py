"""Cohorts, weekly release, prerequisites and programs (DESIGN.md section 11.4)."""
