"""Settings read from the environment only (12-factor); `.env.example` lists every variable."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(env: dict[str, str], name: str, default: str = "") -> str:
    return env.get(name, default).strip()


@dataclass(frozen=True)
class Settings:
    instance_dir: Path
    database_url: str
    redis_url: str  # "" means: start/reuse the embedded Redis under instance/
    secret_key: str
    public_base_url: str
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from: str = ""
    twilio_messaging_service_sid: str = ""
    twilio_api_base: str = "https://api.twilio.com"
    twilio_mps: int = 30  # Twilio's messages-per-second allowance for our sender
    firebase_credentials: str = ""
    fcm_api_base: str = "https://fcm.googleapis.com"
    ussd_shared_secret: str = ""
    catalog_refresh_seconds: float = 5.0
    log_level: str = "INFO"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def uses_embedded_redis(self) -> bool:
        return not self.redis_url

    @property
    def twilio_configured(self) -> bool:
        has_sender = bool(self.twilio_from or self.twilio_messaging_service_sid)
        return bool(self.twilio_account_sid and self.twilio_auth_token and has_sender)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        instance = Path(_env(env, "BAWABA_INSTANCE_DIR") or REPO_ROOT / "instance").resolve()
        database_url = _env(env, "DATABASE_URL") or f"sqlite:///{instance / 'bawaba.db'}"
        return cls(
            instance_dir=instance,
            database_url=_normalise_database_url(database_url),
            redis_url=_env(env, "REDIS_URL"),
            secret_key=_env(env, "SECRET_KEY") or "dev-only-insecure-secret-change-me",
            public_base_url=_env(env, "PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
            twilio_account_sid=_env(env, "TWILIO_ACCOUNT_SID"),
            twilio_auth_token=_env(env, "TWILIO_AUTH_TOKEN"),
            twilio_from=_env(env, "TWILIO_FROM"),
            twilio_messaging_service_sid=_env(env, "TWILIO_MESSAGING_SERVICE_SID"),
            twilio_api_base=_env(env, "TWILIO_API_BASE", "https://api.twilio.com").rstrip("/"),
            twilio_mps=int(_env(env, "TWILIO_MPS", "30")),
            firebase_credentials=_env(env, "FIREBASE_CREDENTIALS"),
            fcm_api_base=_env(env, "FCM_API_BASE", "https://fcm.googleapis.com").rstrip("/"),
            ussd_shared_secret=_env(env, "USSD_SHARED_SECRET"),
            catalog_refresh_seconds=float(_env(env, "CATALOG_REFRESH_SECONDS", "5")),
            log_level=_env(env, "LOG_LEVEL", "INFO").upper(),
        )


def _normalise_database_url(url: str) -> str:
    # Platforms hand out postgres:// URLs; SQLAlchemy wants an explicit driver (psycopg 3).
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


_settings: Settings | None = None


def get_settings() -> Settings:
    """Process-wide settings, read once."""
    global _settings
    if _settings is None:
        _settings = Settings.from_env()
    return _settings


def override_settings(settings: Settings | None) -> None:
    """Replace the process-wide settings (tests and CLI entry points)."""
    global _settings
    _settings = settings
