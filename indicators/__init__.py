"""Indicator frameworks as versioned data: schema, loader, catalogue. Pure: imports neither
streamlit, sqlmodel nor assessment."""
