"""Security headers (a CSP with a per-request nonce), CSRF protection, a request size cap.

Sign-in throttling lives in ``engine.signin.throttle`` (database counters shared by workers).
"""

from __future__ import annotations

import secrets

from flask import Flask, abort, g, request
from flask_wtf.csrf import CSRFProtect

from .params import has_nul

csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """CSRF on every form and security headers on every response."""
    csrf.init_app(app)

    @app.before_request
    def _nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.before_request
    def _size() -> None:
        # Werkzeug enforces MAX_CONTENT_LENGTH only when a view reads the body; refuse early.
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and request.content_length and request.content_length > limit:
            abort(413)

    @app.before_request
    def _no_nul() -> None:
        # PostgreSQL text cannot hold NUL: refuse it in the URL and form before any query.
        texts, fields = [request.path], [request.args]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            fields.append(request.form)
            texts += [part.filename or "" for _, parts in request.files.lists() for part in parts]
        for key, values in (pair for multi in fields for pair in multi.lists()):
            texts += [key, *values]
        if has_nul(*texts):
            abort(400, "Text sent must not contain NUL characters")

    @app.context_processor
    def _template_nonce() -> dict:
        return {"cspNonce": g.get("csp_nonce", "")}

    @app.after_request
    def _headers(response):
        nonce = g.get("csp_nonce", "")
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
            "form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
