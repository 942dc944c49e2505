"""Regional analytics for bureaus: the dashboard summary table, scoped aggregates with
k-suppression, and their downloads. Core only: no streamlit (pages render what this returns)."""
