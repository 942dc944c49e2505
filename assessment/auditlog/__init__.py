"""The audit log made readable: action ids in words (both languages), targets by name, details
as fields, China Standard Time, search by words, and a CSV that spreadsheets cannot execute."""
