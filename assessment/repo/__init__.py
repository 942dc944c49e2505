"""Persistence functions (CRUD, access scope, accounts, audit); no streamlit; every read or write of
enterprise data takes the acting user. ``assessment.repository`` re-exports the public API."""
