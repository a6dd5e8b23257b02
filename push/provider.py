"""The FCM sender for this process, or None when no Firebase credentials are configured."""
from __future__ import annotations

import functools

from core.config import get_settings
from push.fcm_client import FcmSender, make_fcm_app


@functools.cache
def _sender(credentials_path: str, fcm_api_base: str) -> FcmSender:
    return FcmSender(make_fcm_app(credentials_path, fcm_api_base))


def fcm_sender() -> FcmSender | None:
    settings = get_settings()
    if not settings.firebase_credentials:
        return None
    return _sender(settings.firebase_credentials, settings.fcm_api_base)
