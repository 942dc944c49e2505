"""Environment configuration of the core: one ``Settings`` object read from the environment.

``DATABASE_URL`` picks the database (SQLite file by default, PostgreSQL by
``postgresql+psycopg://...``); nothing else chooses it.
"""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///data/local/ronghe.db"


class Settings(BaseSettings):
    """Deployment settings; every field can be set by an environment variable of the same name."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    DATABASE_URL: str = DEFAULT_DATABASE_URL
    k_anonymity: int = Field(default=5, ge=1)
    lockout_attempts: int = Field(default=5, ge=1)
    lockout_minutes: int = Field(default=15, ge=1)
    demo_accounts_file: str = "data/local/demo-accounts.txt"
    # how long a sign-in lasts (docs/sessions.md); the cookie and the stored session expire together
    session_hours: float = Field(default=12, gt=0, le=24 * 30)
    # send the session cookie with Secure: None = when the request came over HTTPS
    session_cookie_secure: bool | None = None

    @field_validator("DATABASE_URL")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        return normalise_url(value)


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for bare ``postgres://`` / ``postgresql://`` URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def get_settings() -> Settings:
    """Read the settings afresh (cheap; tests change the environment between calls)."""
    return Settings()
