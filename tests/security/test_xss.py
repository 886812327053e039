"""XSS: markup in a user's message, in knowledge content and in a staff member's name is shown
as text on every inbox and admin page (Jinja autoescape), never as markup."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

from markupsafe import escape
from sqlalchemy import select
from starlette.convertors import IntegerConvertor
from starlette.routing import Route

from bot.inbox import add_staff
from bot.storage import kb_repo
from bot.storage.models import Case
from tests.admin.conftest import PASSWORD, login_as
from tests.channels.conftest import run
from tests.channels.test_journeys import LANGS, Channel

SCRIPT = '<script>alert("xss")</script>'
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
PAYLOAD = f"{SCRIPT} {IMG} {SVG}"
RAW = ("<script>alert", "<img src=x", "<svg onload")
ENTRY = "registration.bsn"
PARAMS = {"case_id": 1, "entry_id": ENTRY}


def plant_in_knowledge(h) -> None:
    """Every language of one entry gets the payload in its question, phrasings and answer."""
    live = h.app.state.live
    entry = live.engine.kb.entries[ENTRY]
    translations = {
        lang: dataclasses.replace(
            tr,
            question=f"{tr.question} {PAYLOAD}",
            alternates=(*tr.alternates, PAYLOAD),
            answer=f"{tr.answer or ''}\n{PAYLOAD}",
        )
        for lang, tr in entry.translations.items()
    }
    with h.app.state.service.sessions() as s:
        kb_repo.save_entry(
            s,
            dataclasses.replace(entry, translations=translations),
            author="mallory",
            now=h.now,
            note=PAYLOAD,
        )
        s.commit()
    assert live.refresh()  # the running app now answers from the planted entry


def pages(app) -> list[str]:
    """Every GET page under /inbox and /admin, path parameters filled with real objects."""
    out = []
    for route in app.routes:
        if not isinstance(route, Route) or "GET" not in (route.methods or ()):
            continue
        if not route.path.startswith(("/inbox", "/admin")) or route.path.endswith(".csv"):
            continue
        names = route.param_convertors
        if any(n not in PARAMS and not isinstance(c, IntegerConvertor) for n, c in names.items()):
            continue
        values = {n: PARAMS.get(n, 1) for n in names}
        out.append(route.path_format.format(**values))
    return sorted(set(out))


class Elements(HTMLParser):
    """The page's elements as a browser would build them: (tag, attributes)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def assert_escaped(html: str, where: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{raw!r} unescaped on {where}"
    for tag, attrs in Elements(html).found:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, f"<{tag} {handlers}> on {where}"
        if tag == "script":  # only our files, or a JSON data block
            assert attrs.get("src") or attrs.get("type") == "application/json", (
                f"an inline <script> on {where}: the Content-Security-Policy blocks it; "
                "move it to a file in /static"
            )


def test_markup_from_users_knowledge_and_staff_is_shown_as_text(admin_harness):
    h = admin_harness
    plant_in_knowledge(h)
    with h.app.state.service.sessions() as s:
        add_staff(
            s,
            username="mallory",
            name=PAYLOAD[:100],
            password=PASSWORD,
            role="worker",
            languages=["pl"],
            municipalities=[],
            now=h.now,
        )
        s.commit()

    async def scenario() -> list[str]:
        async with h.client() as user_http, h.client() as mallory, h.client() as ada:
            user = Channel("telegram", h, user_http)
            await user.onboard("pl")
            # the bot's answer from the planted entry reaches Telegram escaped (HTML parse mode)
            await user.say("co to jest bsn numer i jak go dostac")
            sent = h.telegram.named("sendMessage")[-1]["text"]
            assert "&lt;script&gt;" in sent and "<script>" not in sent, sent[:300]
            await user.say(LANGS["pl"]["danger"])
            await user.say(PAYLOAD)
            await login_as(mallory, "mallory")
            await login_as(ada, "ada")
            # the colleague's name and a note with markup show up on the case page too
            assert (await mallory.get("/inbox/case/1")).status_code == 200
            mallory_token = re.search(
                r'name="csrf" value="([^"]+)"', (await mallory.get("/inbox")).text
            )
            assert mallory_token
            for action, data in (("assign", {}), ("note", {"text": PAYLOAD})):
                res = await mallory.post(
                    f"/inbox/case/1/{action}", data={"csrf": mallory_token.group(1), **data}
                )
                assert res.status_code == 303
            checked = []
            for page in pages(h.app):
                res = await ada.get(page)
                assert res.status_code < 500, page
                if "html" in res.headers.get("content-type", ""):
                    assert_escaped(res.text, page)
                    checked.append(page)
            case = (await ada.get("/inbox/case/1")).text
            shown = str(escape(PAYLOAD))  # as Jinja escapes it
            assert f'<div class="text">{shown}</div>' in case  # the user's message, as text
            assert re.search(rf'<option value="{ENTRY}">[^<]*&lt;script&gt;', case)  # knowledge
            assert f"</strong>: {shown}" in case  # the note
            assert f"assigned to {shown}" in case  # the colleague's name
        return checked

    checked = run(scenario(), h)
    with h.app.state.service.sessions() as s:
        assert s.scalars(select(Case)).one().id == 1
    assert "/inbox/case/1" in checked and "/inbox" in checked
    print(f"xss: payloads escaped on {len(checked)} pages: {', '.join(checked)}")
