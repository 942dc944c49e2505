"""Streamlit-only helpers shared by the pages. May import assessment and indicators."""
