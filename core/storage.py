"""Where uploaded documents live. A small interface, so S3 (or any object store) can replace
the local folder without touching the cases code."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Protocol

from core.config import get_settings

# Type is decided by content (magic bytes), never by the file name or the client's claim.
MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def sniff_content_type(head: bytes) -> str | None:
    for magic, content_type in MAGIC:
        if head.startswith(magic):
            return content_type
    return None


class DocumentStore(Protocol):
    def put(self, data: bytes, content_type: str) -> str: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...


class LocalStore:
    """instance/uploads/<2 chars>/<random name>: unguessable names, no user input in paths."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, key: str) -> Path:
        if not key.replace("/", "").isalnum():
            raise ValueError("bad storage key")
        return self.root / key

    def put(self, data: bytes, content_type: str) -> str:
        name = secrets.token_hex(16)
        key = f"{name[:2]}/{name}"
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return key

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def document_store() -> DocumentStore:
    return LocalStore(get_settings().instance_dir / "uploads")
