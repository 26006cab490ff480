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
    account_rate_limit: int = 10  # sign-in attempts per minute per account, from anywhere
    # Redis (redis://host:6379/0), read from REDIS_URL too: rate limits shared across workers
    # and hosts, and live rooms spread over workers. Empty: each worker on its own (then run
    # one worker for live co-editing).
    redis_url: str = ""
    redis_prefix: str = "authorworks"  # names this deployment's keys and channels in Redis
    # Proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
    trusted_proxies: str = ""
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19456  # the OWASP minimum for argon2id
    # Limits.
    # A push is at most 4 MiB of updates from the client (base64 in JSON: ~5.5 MB), or one
    # document's state up to 12 MB of base64.
    max_request_bytes: int = 16 * 1024 * 1024
    # Writes of one account whose bodies are being read at once (per worker): with the cap
    # above, what one account can make the server hold stays small.
    max_writes_per_account: int = 4
    max_upload_bytes: int = 200 * 1024 * 1024
    storage_quota_bytes: int = 2 * 1024 * 1024 * 1024
    # An upload that sends nothing for this long is dropped; uploads at once per account.
    upload_read_timeout: float = 30.0
    max_uploads_per_account: int = 4
    # A document's updates are squashed into one once it has this many.
    compact_after: int = 100
    # Email for invitations: smtp://host:port, smtp+starttls://user:pass@host:587 or
    # smtps://user:pass@host:465. Empty: invitations are made, and no email goes out.
    smtp_url: str = ""
    smtp_ca_file: str = ""  # a CA file to trust for the relay's certificate, besides the system's
    mail_from: str = "AuthorWorks <no-reply@localhost>"
    # The address people reach this server at, for the links in emails.
    public_url: str = ""
    invitation_days: int = 14
    # Sign-in with an OpenID Connect provider (its issuer URL, this server's client there);
    # the provider must allow {public_url}/api/v1/auth/oidc/callback as a redirect.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_name: str = ""
    json_logs: bool = True
    # /metrics: open to all unless a token is set (then it takes Authorization: Bearer TOKEN);
    # in production mode it is not served at all without one.
    metrics_token: str = ""
    # Live co-editing rooms (/api/v1/collab/{document_id}).
    collab_flush_seconds: float = 0.5  # what is typed reaches the feed this soon
    collab_idle_seconds: float = 30.0  # a room nobody is in is unloaded after this long
    collab_recheck_seconds: float = 30.0  # every connection's access is read again this often
    collab_max_queue: int = 1024  # messages a slow client may lag behind before it is dropped
    collab_max_connections: int = 64  # live connections of one account, per worker

    # Plans and billing. The plan table (JSON overrides of the defaults, see
    # sync_server.billing.plans) is enforced when Stripe is set up, or when enforce_plans says
    # so (a team's own server without billing enforces nothing unless told to).
    plans: str = ""
    enforce_plans: bool | None = None
    stripe_secret_key: str = ""
    stripe_webhook_secret: str = ""
    # The official stripe library talks to this (a local fake in tests).
    stripe_api_base: str = "https://api.stripe.com"
    stripe_price_basic: str = ""
    stripe_price_pro: str = ""
    stripe_price_enterprise: str = ""
    # A failed payment keeps the plan this long (with emails), then it drops to free.
    billing_grace_days: int = 7
    # Webhooks signed longer ago than this, or this far in the future, are refused.
    stripe_webhook_tolerance_seconds: int = 300
    # Hosted AI: the server's own Anthropic key, and where it calls (a fake in tests).
    anthropic_api_key: str = ""
    anthropic_base_url: str = "https://api.anthropic.com"
    # Publishing: how often scheduled chapters are released (and their followers told), and
    # how often trending is worked out again.
    release_check_seconds: float = 15.0
    trending_refresh_seconds: float = 300.0
    reader_comment_limit: int = 5  # comments per minute per reader

    @property
    def plans_enforced(self) -> bool:
        return bool(self.stripe_secret_key) if self.enforce_plans is None else self.enforce_plans

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if self.data_dir == Path():
            self.data_dir = _default_data_dir()
        if not self.database_url:
            import os

            self.database_url = os.environ.get("DATABASE_URL") or (
                f"sqlite:///{self.data_dir / 'server.sqlite3'}"
            )
        if not self.redis_url:
            import os

            self.redis_url = os.environ.get("REDIS_URL", "")
        if self.smtp_url:
            from sync_server.services.mail import parse_smtp_url

            parse_smtp_url(self.smtp_url)  # a mistyped address fails at start, not per email
        from sync_server.billing.plans import plan_table

        plan_table(self.plans, self.stripe_prices())  # a mistyped plan table fails at start
        if not self.public_url:
            self.public_url = f"http://{self.host}:{self.port}"
        self.public_url = self.public_url.rstrip("/")
        if self.production:
            if self.secret_key == DEV_SECRET or weak_secret(self.secret_key):
                raise ValueError(
                    "production mode refuses a weak secret: set AUTHORWORKS_SERVER_SECRET_KEY "
                    "to a random string of 32 characters or more (e.g. the output of "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
                )
        elif self.secret_key == DEV_SECRET:
            # Never the secret in the source: one made at random for this data folder, kept
            # with the data, so tokens survive a restart and no one else can sign them.
            self.secret_key = data_folder_secret(self.data_dir)
        return self

    def stripe_prices(self) -> dict[str, str]:
        return {
            "basic": self.stripe_price_basic,
            "pro": self.stripe_price_pro,
            "enterprise": self.stripe_price_enterprise,
        }


def weak_secret(secret: str) -> bool:
    """Too short, or too little variety to be random (``"a" * 32`` is refused)."""
    return len(secret) < 32 or len(set(secret)) < 12


SECRET_FILE = "secret_key"


def data_folder_secret(data_dir: Path) -> str:
    """The signing secret of ``data_dir``, made on first start (readable by the owner alone).

    Several workers start at once: the first to create the file writes it, the others read it.
    """
    import os
    import secrets

    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            value = path.read_text(encoding="ascii").strip()
            if value:
                return value
            import time

            time.sleep(0.02)  # the worker that made it is still writing
        raise ValueError(f"{path} is empty: delete it to make a new secret") from None
    value = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(value + "\n")
    return value
