"""The key that signs session cookies: required in production, generated once for development.

Production sets ``JOINEDUP_SECRET_KEY``. For ``make run`` and local trials only,
``JOINEDUP_DEV_SECRET_FILE`` names a file that is created once with a random key (mode 0600)
and read on later runs, so sessions survive a restart. Without either the app refuses to start.
"""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from pathlib import Path

from flask import Flask

MIN_LENGTH = 32
# The key this app used to fall back to; it is public, so cookies signed with it are forgeable.
PUBLISHED_KEYS = frozenset({"dev-only-change-me"})
MISSING = (
    "JOINEDUP_SECRET_KEY is not set. Set it to a long random value, for example\n"
    "  export JOINEDUP_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')\n"
    "or, on a development machine only, set JOINEDUP_DEV_SECRET_FILE=instance/secret_key "
    "to keep a generated key in that file."
)


class SecretKeyError(RuntimeError):
    """The app has no usable secret key; the message says what to set."""


def configure(app: Flask) -> None:
    """Settle ``SECRET_KEY`` from the config, or the development key file; refuse otherwise."""
    key = app.config.get("SECRET_KEY")
    if not key and app.config.get("JOINEDUP_DEV_SECRET_FILE"):
        key = development_key(Path(app.config["JOINEDUP_DEV_SECRET_FILE"]))
    if not key:
        raise SecretKeyError(MISSING)
    if key in PUBLISHED_KEYS or len(key) < MIN_LENGTH:
        raise SecretKeyError(
            f"JOINEDUP_SECRET_KEY must be a private random value of at least {MIN_LENGTH} "
            "characters (the old development default is public). " + MISSING.split("\n", 1)[1]
        )
    app.config["SECRET_KEY"] = key


def development_key(path: Path) -> str:
    """The key in ``path``, creating the file (mode 0600) with a random key if it is missing."""
    if not path.exists():
        _create(path)
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode) or mode & 0o077:
        raise SecretKeyError(f"{path} must be a file only its owner can read: chmod 600 {path}")
    return path.read_text(encoding="utf-8").strip()


def _create(path: Path) -> None:
    """Write a new key atomically; if another process got there first, keep theirs."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor, draft = tempfile.mkstemp(dir=path.parent, prefix=".secret-")  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secrets.token_hex(32) + "\n")
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(draft)
