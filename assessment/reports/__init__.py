"""Client reports of one assessment: the content gathered from the core, rendered as PDF and as
an Excel workbook. Core only: never imports streamlit."""
