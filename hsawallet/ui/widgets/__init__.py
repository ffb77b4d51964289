"""Reusable widgets of the record views (document viewer, field form, bar chart)."""
