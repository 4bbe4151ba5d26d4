"""The one settings object. Nothing else in botsieve reads the environment."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "test", "production"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BOTSIEVE_", env_file=".env", extra="ignore")

    env: Environment = "development"
    data_dir: Path = Path("data")
    database_url: str = ""
    redis_url: str | None = None
    # One pool per process serves the rate limiter, live updates and health checks. A command
    # past redis_max_connections waits for a free connection (a burst queues instead of failing);
    # waiting and Redis' answer together take at most redis_timeout_seconds, past which the
    # request is a 503 with Retry-After (kit/redispool.py).
    redis_max_connections: int = Field(default=100, ge=2)
    redis_timeout_seconds: float = Field(default=5.0, gt=0)
    # Behind PgBouncer in transaction mode one server connection serves many clients in turn, so
    # a statement prepared and cached by name on it is not there next time: turn this off there
    # (asyncpg's statement cache off, each prepared statement uniquely named).
    database_statement_cache: bool = True
    # `botsieve serve` applies migrations before it listens. With several instances, run
    # `botsieve migrate` once per deploy, straight to PostgreSQL (a Kubernetes Job in
    # deploy/kubernetes/), and turn this off.
    migrate_on_start: bool = True

    # Signs per-session write tokens and derives the per-install IP salt. Outside development it
    # must be set explicitly; in development a random one is made once and kept in data_dir.
    secret_key: SecretStr | None = None
    # Encrypts platform tokens and signing secrets at rest (kit/encryption.py); unset, a key is
    # derived from secret_key. To rotate: move the old value to encryption_previous_keys (a JSON
    # list), set a new one, restart, run `botsieve rotate-encryption-key`, then drop the old.
    encryption_key: SecretStr | None = None
    encryption_previous_keys: list[SecretStr] = Field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    # With several workers, uvicorn pings each one and kills a worker that does not answer in
    # this time. Its default (5 s) kills workers still starting on a busy host, over and over.
    worker_healthcheck_seconds: int = Field(default=60, gt=0)
    log_level: str = "info"
    log_json: bool = True
    # /metrics is open in development; elsewhere it needs this bearer token or a secret API key.
    metrics_token: SecretStr | None = None
    # One JSON line per request; about 60 µs each, so very high-volume installs may turn it off.
    access_log: bool = True
    # Exempt what start-up builds from the garbage collector's full passes (app.py,
    # _settle_the_heap). For a serving process; test suites that start many apps turn it off.
    freeze_startup_heap: bool = True

    session_ttl_hours: float = Field(default=24.0, gt=0)
    retention_days: float = Field(default=90.0, gt=0)
    purge_interval_seconds: float = Field(default=3600.0, gt=0)
    # PostgreSQL only: the event table's time partitions (maintenance/partitions.py), their
    # length, how many are made ahead, and how often the job checks (under a lease).
    event_partition_days: int = Field(default=7, ge=1)
    event_partitions_ahead: int = Field(default=4, ge=1)
    event_partition_interval_seconds: float = Field(default=3600.0, gt=0)

    max_batch_events: int = 5000
    max_body_bytes: int = 1_000_000
    # Limits at the edge (kit/limits.py), by route class: ingestion takes max_body_bytes above,
    # logins a few fields, every other route a modest JSON document. Bodies over the limit are
    # refused as they stream in, never buffered whole.
    max_body_bytes_auth: int = Field(default=16_384, gt=0)
    max_body_bytes_default: int = Field(default=262_144, gt=0)
    max_url_bytes: int = Field(default=8_192, gt=0)
    max_header_bytes: int = Field(default=16_384, gt=0)
    max_header_count: int = Field(default=100, gt=0)
    # Clients whose X-Forwarded-For is believed: addresses or CIDR ranges of reverse proxies.
    trusted_proxies: list[str] = Field(default_factory=list)
    cors_max_age_seconds: int = 600
    # CSP, frame-ancestors, nosniff, Referrer-Policy (kit/security_headers.py): on unless
    # development, when unset; HSTS is sent in production only.
    security_headers: bool | None = None

    # Rate limits in the `limits` library's notation. Browser traffic (publishable keys) is
    # limited per key and per client IP; server traffic (secret keys) per key. A publishable
    # key carries a whole survey (1,000 requests/s: thousands of respondents, a batch every few
    # seconds each); a secret key is one server's integration (500/s). One key at its limit
    # still leaves a 2-core server room for the others (docs/service.md, "Rate limits").
    rate_limit_enabled: bool = True
    rate_limit_publishable_per_ip: str = "1200/minute"
    rate_limit_publishable_per_key: str = "60000/minute"
    rate_limit_secret_per_key: str = "30000/minute"
    # Wrong API keys per client address; past it the address is refused before any lookup.
    rate_limit_failed_auth_per_ip: str = "60/minute"
    key_cache_seconds: float = Field(default=5.0, ge=0)

    # Dashboard logins: a signed, HTTP-only session cookie (Secure unless development, when
    # unset), its lifetime, and the limit on login attempts per client address and per email.
    cookie_secure: bool | None = None
    login_session_hours: float = Field(default=12.0, gt=0)
    rate_limit_login: str = "10/minute"

    # The demo survey at /demo: on in development unless turned off.
    demo_enabled: bool | None = None
    analysis_min_events: int = 20

    # Integrations (docs/integrations/): the outbox worker that calls survey platforms and
    # customer webhooks, retrying with exponential backoff until give-up.
    integrations_worker_enabled: bool = True
    integrations_poll_seconds: float = Field(default=1.0, gt=0)
    integrations_http_timeout_seconds: float = Field(default=10.0, gt=0)
    integrations_retry_base_seconds: float = Field(default=10.0, gt=0)
    integrations_retry_max_seconds: float = Field(default=3600.0, gt=0)
    integrations_give_up_hours: float = Field(default=24.0, gt=0)
    # Forgetting finished jobs and refused posts past retention: one turn per interval in all.
    integrations_cleanup_interval_seconds: float = Field(default=3600.0, gt=0)
    # Outbound calls to private and loopback addresses: refused in production unless allowed.
    integrations_allow_private_urls: bool | None = None
    # The score call and the entry check read the stored analysis (analysis/background.py
    # makes it once a session's batches pause); with this on, they analyse when none covers the
    # session's events yet, and wait for it (costs ~30 ms of CPU a call; one at a time per core).
    integrations_inline_analysis: bool = False
    # Otherwise a call that finds no analysis waits up to this long for the queue to make it,
    # when few sessions are queued before it (0: answer ``provisional`` at once).
    integrations_call_wait_seconds: float = Field(default=1.0, ge=0)
    # A session of a survey platform is analysed once its batches pause this long, and at the
    # latest this long after its first batch not yet analysed.
    analysis_quiet_seconds: float = Field(default=1.0, ge=0)
    analysis_max_wait_seconds: float = Field(default=30.0, ge=0)
    # Worker processes that run the engine for those analyses (0: on the event loop, which
    # then holds up the requests arriving meanwhile for the ~30 ms of each analysis).
    analysis_processes: int = Field(default=1, ge=0)

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> Settings:
        if self.env != "development" and self.secret_key is None:
            raise ValueError(
                "BOTSIEVE_SECRET_KEY must be set outside development "
                '(generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))")'
            )
        if self.secret_key is not None and len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("BOTSIEVE_SECRET_KEY must be at least 32 characters")
        if self.env == "production" and self.secret_key is not None:
            _refuse_low_entropy(self.secret_key.get_secret_value())
        if self.encryption_key is not None:
            _refuse_weak_encryption_key(self.encryption_key.get_secret_value(), self.env)
        if self.env == "production" and self.cookie_secure is False:
            raise ValueError("BOTSIEVE_COOKIE_SECURE may be off only in development")
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+inline:///{(self.data_dir / 'botsieve.db').resolve()}"

    @property
    def demo_is_enabled(self) -> bool:
        return self.env == "development" if self.demo_enabled is None else self.demo_enabled

    @cached_property
    def secret(self) -> bytes:
        """The install's secret; made once and kept in data_dir during development."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip().encode()

    @property
    def security_headers_on(self) -> bool:
        return self.env != "development" if self.security_headers is None else self.security_headers

    @property
    def cookies_are_secure(self) -> bool:
        return self.env != "development" if self.cookie_secure is None else self.cookie_secure

    @cached_property
    def ip_salt(self) -> bytes:
        """The per-install salt for hashing client addresses, derived from the secret."""
        return hmac.new(self.secret, b"ip-salt", hashlib.sha256).digest()


# By the estimate below, secrets.token_hex(24) scores about 175 bits, token_urlsafe(32) about
# 200, "password" * 4 scores 88 and "x" * 32 scores 0.
MIN_SECRET_BITS = 90


def _refuse_low_entropy(secret: str, name: str = "BOTSIEVE_SECRET_KEY") -> None:
    """Refuse a secret whose characters carry too little information to be a random one.

    The estimate is the length times the Shannon entropy of the characters' frequencies: a
    repeated character, a short word or a dictionary phrase fall far below, a random string
    made by ``secrets.token_urlsafe(32)`` far above.
    """
    counts = [secret.count(c) for c in set(secret)]
    per_char = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts)
    if per_char * len(secret) < MIN_SECRET_BITS:
        raise ValueError(
            f"{name} looks made by hand (too little entropy); "
            'generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )


def _refuse_weak_encryption_key(key: str, env: Environment) -> None:
    if len(key) < 32:
        raise ValueError("BOTSIEVE_ENCRYPTION_KEY must be at least 32 characters")
    if env == "production":
        _refuse_low_entropy(key, "BOTSIEVE_ENCRYPTION_KEY")


def get_settings() -> Settings:
    return Settings()
