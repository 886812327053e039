"""Security headers on every response, and pages that fit the Content-Security-Policy: no
inline scripts or event handlers anywhere in the templates."""

from __future__ import annotations

import re
from pathlib import Path

from bot.web.app import Deps, create_app
from bot.web.security import CSP
from tests.admin.conftest import login_as
from tests.channels.conftest import run
from tests.conftest import ROOT, make_settings

TEMPLATES = ROOT / "bot" / "web" / "templates"
EXPECTED = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


def test_every_kind_of_response_carries_the_security_headers(admin_harness):
    h = admin_harness

    async def scenario() -> int:
        async with h.client() as c:
            await login_as(c, "ada")
            responses = [
                await c.get("/chat"),
                await c.get("/inbox/login"),
                await c.get("/inbox"),
                await c.get("/inbox/case/999"),  # a 404
                await c.get("/static/chat.js"),
                await c.get("/healthz"),
                await c.post("/chat/ask", json={"text": "bsn"}),
                await c.post("/chat/ask", content=b"not json"),  # a 400
                await c.post("/telegram/webhook", json={}),  # a 403
            ]
            for res in responses:
                for name, value in EXPECTED.items():
                    assert res.headers.get(name) == value, (res.request.url, name)
                assert "strict-transport-security" not in res.headers  # not over plain HTTP
            return len(responses)

    assert run(scenario(), h) >= 9


def test_the_policy_allows_only_this_sites_own_scripts_and_no_framing():
    directives = dict(d.split(" ", 1) for d in CSP.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives["style-src"]
    assert all("unsafe-eval" not in v and "*" not in v for v in directives.values())


def test_production_adds_hsts(tmp_path: Path, engine):
    settings = make_settings(tmp_path, BRUG_ENV="production", SECRET_KEY="k" * 40)
    app = create_app(settings, Deps(engine=engine))

    async def scenario() -> str:
        import httpx

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://brug.test") as c:
            return (await c.get("/healthz")).headers.get("strict-transport-security", "")

    assert run(scenario()).startswith("max-age=")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.DOTALL)


def test_templates_have_no_inline_scripts_or_handlers_the_policy_would_block():
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern, what in (
            (INLINE_SCRIPT, "an inline <script>: move it to a file in /static"),
            (HANDLER, "an on…= handler: attach it from a file in /static"),
            (re.compile(r"javascript:"), "a javascript: URL"),
        ):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not problems, "\n".join(problems)
