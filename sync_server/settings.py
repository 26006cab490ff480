"""Server settings, from the environment (prefix AUTHORWORKS_SERVER_) or arguments.

The embedded default needs nothing: SQLite and blobs on local disk under the data folder.
Production mode refuses to start with the development secret.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me"


def _default_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path("AuthorWorks", appauthor=False) / "Server"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AUTHORWORKS_SERVER_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path()
    # DATABASE_URL (no prefix) is the usual name in deployments, so both are read.
    database_url: str = ""
    secret_key: str = DEV_SECRET
    production: bool = False

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if self.data_dir == Path():
            self.data_dir = _default_data_dir()
        if not self.database_url:
            import os

            self.database_url = os.environ.get("DATABASE_URL") or (
                f"sqlite:///{self.data_dir / 'server.sqlite3'}"
            )
        if self.production and self.secret_key == DEV_SECRET:
            raise ValueError(
                "production mode refuses the development secret: set AUTHORWORKS_SERVER_SECRET_KEY"
            )
        return self
