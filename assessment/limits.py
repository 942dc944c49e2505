"""What one input may cost: file size, expanded size, rows, JSON size and depth.

One set of limits for every way in (``ronghe score``, ``ronghe load``, ``ronghe penalty``, the
app's uploads and the import), checked *before* a file is parsed. Each can be set in the
environment (``RONGHE_MAX_FILE_BYTES=...``) or ``.env``; a refusal names the limit and the
variable that changes it.

Text lengths are not here: they come from the database schema (``assessment.length_checks``),
so the checks and the CHECK constraints cannot disagree.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MIB = 1024 * 1024


class Limits(BaseSettings):
    """Input limits; each field is read from ``RONGHE_<FIELD>`` (upper case)."""

    model_config = SettingsConfigDict(
        env_prefix="RONGHE_", env_file=".env", extra="ignore", case_sensitive=False
    )

    max_file_bytes: int = Field(default=1024 * MIB, ge=1)  # any table file on disk
    max_upload_bytes: int = Field(default=100 * MIB, ge=1)  # a file uploaded in the app
    max_expanded_bytes: int = Field(default=200 * MIB, ge=1)  # XLSX unzipped, Parquet decoded
    max_rows: int = Field(default=10_000_000, ge=1)  # records per table
    max_json_bytes: int = Field(default=1 * MIB, ge=1)  # a penalty case
    max_json_depth: int = Field(default=32, ge=2)  # nesting of a penalty case

    @staticmethod
    def variable(field: str) -> str:
        """The environment variable that sets ``field``."""
        return f"RONGHE_{field.upper()}"


def get_limits() -> Limits:
    """Read the limits afresh (cheap; tests change the environment between calls)."""
    return Limits()
