"""Security headers on every response.

The pages load scripts and styles only from /static (no inline ``<script>`` or ``on…=``
handlers; a ``<script type="application/json">`` data block is not a script), so the
Content-Security-Policy allows this site's own files and nothing else: an injected
``<script>`` or ``onerror=`` would not run even if escaping ever failed. Inline ``style=``
attributes stay allowed (``style-src-attr``): they cannot run code. Nothing may frame the
pages (clickjacking), browsers must not guess content types, and other sites see no paths in
the Referer.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000"  # production is served over HTTPS only


class SecurityHeaders:
    """ASGI middleware: adds :data:`HEADERS` (and HSTS when ``hsts``) unless a view set one."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.headers = {**HEADERS, **({"Strict-Transport-Security": HSTS} if hsts else {})}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
