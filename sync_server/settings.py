"""Server settings, from the environment (prefix AUTHORWORKS_SERVER_) or arguments.

The embedded default needs nothing: SQLite and blobs on local disk under the data folder.
Production mode refuses to start with the development secret.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me-before-deploying"


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
    # Object storage: S3 when a bucket is named, else blobs on local disk under data_dir.
    s3_bucket: str = ""
    s3_endpoint_url: str = ""
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_region: str = "us-east-1"
    # Accounts and tokens.
    access_token_minutes: int = 15
    refresh_token_days: int = 60
    # A refresh token presented again this soon after its rotation is a retry (a lost answer,
    # two processes of one device), not theft: it gets a new pair instead of revoking all.
    refresh_reuse_grace_seconds: int = 30
    auth_rate_limit: int = 20  # requests per minute per client address, per auth route
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19456  # the OWASP minimum for argon2id
    # Limits.
    max_request_bytes: int = 32 * 1024 * 1024
    max_upload_bytes: int = 200 * 1024 * 1024
    storage_quota_bytes: int = 2 * 1024 * 1024 * 1024
    # A document's updates are squashed into one once it has this many.
    compact_after: int = 100
    # Email for invitations: smtp://host:port, smtp+starttls://user:pass@host:587 or
    # smtps://user:pass@host:465. Empty: invitations are made, and no email goes out.
    smtp_url: str = ""
    mail_from: str = "AuthorWorks <no-reply@localhost>"
    # The address people reach this server at, for the links in emails.
    public_url: str = ""
    invitation_days: int = 14
    json_logs: bool = True

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if self.data_dir == Path():
            self.data_dir = _default_data_dir()
        if not self.database_url:
            import os

            self.database_url = os.environ.get("DATABASE_URL") or (
                f"sqlite:///{self.data_dir / 'server.sqlite3'}"
            )
        if self.smtp_url:
            from sync_server.services.mail import parse_smtp_url

            parse_smtp_url(self.smtp_url)  # a mistyped address fails at start, not per email
        if not self.public_url:
            self.public_url = f"http://{self.host}:{self.port}"
        self.public_url = self.public_url.rstrip("/")
        if self.production and (self.secret_key == DEV_SECRET or len(self.secret_key) < 32):
            raise ValueError(
                "production mode refuses the development secret: set AUTHORWORKS_SERVER_SECRET_KEY "
                "to a random string of 32 characters or more"
            )
        return self
