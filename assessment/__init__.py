"""Scoring, persistence, exports and the command line. May import indicators; never streamlit."""
