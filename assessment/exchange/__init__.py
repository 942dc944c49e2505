"""Exchange of data with people and other instances: Excel templates, validated imports,
exports and the JSON interchange roll-up. Core only: never imports streamlit."""
