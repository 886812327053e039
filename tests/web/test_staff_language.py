"""The staff's web pages in Dutch (BRUG_STAFF_LANGUAGE=nl): the inbox and admin pages render in
Dutch, and every string the templates and views pass to _() has a Dutch entry."""

from __future__ import annotations

import ast
import collections
import re
import string
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import staffi18n
from bot.admin.unanswered import KINDS
from bot.inbox import ROLES, add_staff
from bot.staffing import StaffError
from bot.storage import kb_repo
from tests.admin.conftest import add_personas, login_as
from tests.channels.conftest import build_harness, run
from tests.channels.test_journeys import Channel
from tests.web.test_inbox import PASSWORD, csrf, login

ROOT = Path(__file__).parents[2]
TEMPLATES = sorted((ROOT / "bot/web/templates/inbox").glob("*.html")) + sorted(
    (ROOT / "bot/web/templates/admin").glob("*.html")
)
VIEWS = sorted((ROOT / "bot/web").glob("*.py")) + sorted((ROOT / "bot/web/admin").glob("*.py"))
ERRORS = [ROOT / "bot/staffing.py", ROOT / "bot/teams.py", ROOT / "bot/admin/period.py"]
IN_TEMPLATE = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
# words the templates translate as data: _(case.status), _(staff.role), _(m.delivery), …
DATA_WORDS = [
    *ROLES,
    *("new", "assigned", "waiting", "resolved", "closed"),  # case status
    *("urgent", "normal"),  # case priority
    *("user", "bot", "worker"),  # who wrote a transcript line
    *("queued", "sent", "delivered", "failed", "held"),  # delivery
    *("reviewed", "draft", "machine", "stale", "missing"),  # a translation's status
    *KINDS.values(),
    *("answer", "clarify", "fallback", "escalate"),  # the bot's decisions
]


def template_strings() -> set[str]:
    found = set()
    for path in TEMPLATES:
        for m in IN_TEMPLATE.finditer(path.read_text(encoding="utf-8")):
            found.add(m.group(1) if m.group(1) is not None else m.group(2))
    return found


def python_strings(paths: list[Path], called: tuple[str, ...]) -> set[str]:
    """The literal first argument of every call to one of ``called`` (``_``, ``ctx._``, …)."""
    found = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name in called and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


def fields(text: str) -> collections.Counter[str]:
    return collections.Counter(
        f"{name}!{conv}" if conv else name
        for _, name, _, conv in string.Formatter().parse(text)
        if name is not None
    )


def dutch() -> dict[str, str]:
    class Strict(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
        keys = [loader.construct_object(k) for k, _ in node.value]
        twice = [k for k, n in collections.Counter(keys).items() if n > 1]
        assert not twice, f"entries given twice in nl.yaml: {twice}"
        return dict(loader.construct_pairs(node))

    Strict.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    data = yaml.load(
        (staffi18n.CATALOGUE_DIR / "nl.yaml").read_text(encoding="utf-8"),
        Strict,
    )
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in data.items())
    return data


def test_every_string_the_templates_and_views_pass_to_underscore_has_a_dutch_entry():
    wanted = (
        template_strings()
        | python_strings(VIEWS, ("_",))  # _() and ctx._()
        | python_strings(ERRORS, ("StaffError", "TeamError", "PeriodError"))
        | set(DATA_WORDS)
    )
    assert len(template_strings()) > 250  # the regex still finds them
    assert dutch()["Assign to me"] == "Toewijzen aan mij"
    missing = sorted(wanted - set(dutch()))
    assert not missing, f"no Dutch in bot/locales/staff/nl.yaml for: {missing}"


def test_placeholders_are_the_same_in_english_and_dutch():
    wrong = {en: nl for en, nl in dutch().items() if fields(en) != fields(nl)}
    assert not wrong


def test_an_untranslated_string_stays_english_and_values_fill_in():
    _ = staffi18n.words("nl")
    assert _("Case #{id}", id=7) == "Casus #7"
    assert _("something nobody translated {x}", x=1) == "something nobody translated 1"
    assert staffi18n.words("en")("Case #{id}", id=7) == "Case #7"
    assert _("Your text: {text}", text="Goedendag") == "Jouw tekst: Goedendag"  # any value name


def test_an_error_is_shown_in_dutch_with_its_values_and_stays_english_in_str():
    exc = StaffError("the new password must have at least {n} characters", n=10)
    assert str(exc) == "the new password must have at least 10 characters"
    assert staffi18n.error_text(staffi18n.words("nl"), exc) == (
        "het nieuwe wachtwoord moet minstens 10 tekens hebben"
    )
    odd = StaffError("an error nobody translated")
    assert staffi18n.error_text(staffi18n.words("nl"), odd) == "an error nobody translated"


def add_pieter(h: Any) -> None:
    with h.app.state.service.sessions() as s:
        add_staff(
            s,
            username="pieter",
            name="Pieter",
            password=PASSWORD,
            role="worker",
            languages=["nl"],
            municipalities=[],
            now=h.now,
        )
        s.commit()


def test_pieter_answers_a_romanian_case_in_a_dutch_inbox(tmp_path, engine):
    with build_harness(tmp_path, engine, BRUG_STAFF_LANGUAGE="nl") as h:
        add_pieter(h)

        async def scenario():
            async with h.client() as user_http, h.client() as staff:
                login_page = await staff.get("/inbox/login")
                assert '<html lang="nl">' in login_page.text
                assert "Gebruikersnaam" in login_page.text and "Wachtwoord" in login_page.text
                assert "Username" not in login_page.text and "Log in<" not in login_page.text
                wrong = await login(staff, "pieter", "wrong password!")
                assert wrong.status_code == 401 and "Verkeerde gebruikersnaam" in wrong.text

                user = Channel("telegram", h, user_http)
                await user.onboard("ro")
                await user.say("/human")
                assert (await login(staff, "pieter")).status_code == 303
                listing = await staff.get("/inbox")
                for word in ("Casussen", "Wacht op gebruiker", "Afgehandeld", "Van mij", "#1"):
                    assert word in listing.text, word
                assert "nieuw" in listing.text and "vroeg om een mens" in listing.text
                for english in ("Waiting for user", "Unassigned", "No cases here", "Log out"):
                    assert english not in listing.text, english

                page = await staff.get("/inbox/case/1")
                for word in (
                    "Casus #1",
                    "Toewijzen aan mij",
                    "Afgehandeld — terug naar de bot",
                    "Interne notitie",
                    "Antwoord versturen",
                    "niet beschikbaar (geen model geïnstalleerd)",
                    "gebruiker",
                ):
                    assert word in page.text, word
                for english in ("Assign to me", "Send reply", "Internal note", "reason:"):
                    assert english not in page.text, english
                token = csrf(page)
                empty = await staff.post(
                    "/inbox/case/1/reply", data={"csrf": token, "text": " ", "action": "send"}
                )
                assert empty.status_code == 400 and empty.text == "het antwoord is leeg"
                await staff.post("/inbox/case/1/assign", data={"csrf": token})
                page = await staff.get("/inbox/case/1")
                assert "toegewezen aan Pieter" in page.text

                password = await staff.post(
                    "/inbox/password",
                    data={"csrf": token, "current": PASSWORD, "new": "x" * 12, "repeat": "y" * 12},
                )
                assert "de twee nieuwe wachtwoorden zijn niet gelijk" in password.text

        run(scenario(), h)


def test_the_admin_pages_render_in_dutch(tmp_path, engine, shipped_kb):
    with build_harness(tmp_path, engine, BRUG_STAFF_LANGUAGE="nl") as h:
        with h.app.state.service.sessions() as s:
            kb_repo.replace_all(s, shipped_kb, author="import", now=h.now)
            s.commit()
        h.app.state.live.revision = h.app.state.live._read_revision()
        add_personas(h)

        async def scenario():
            async with h.client() as client:
                token = await login_as(client, "ada")
                knowledge = await client.get("/admin")
                assert '<html lang="nl">' in knowledge.text
                for word in ("Kennisbank", "Onbeantwoord", "Medewerkers", "Auditlog"):
                    assert word in knowledge.text, word
                assert "Gebruikersgegevens" in knowledge.text and "Nieuw item" in knowledge.text
                assert "Knowledge base" not in knowledge.text and "User data" not in knowledge.text

                staff = await client.get("/admin/staff")
                assert "Medewerker toevoegen" in staff.text and "beheerder" in staff.text
                assert "Add a staff member" not in staff.text and "Last login" not in staff.text

                teams = await client.get("/admin/teams")
                assert "Team toevoegen" in teams.text and "Openingstijden" in teams.text
                bad = await client.post(
                    "/admin/teams/new",
                    data={"csrf": token, "name": "Zuid", "country": "FR", "office_hours": "x"},
                )
                assert bad.status_code == 400
                assert "het land moet een van deze zijn: NL, BE, of leeg" in bad.text

                unanswered = await client.get("/admin/unanswered")
                assert "Onbeantwoorde vragen" in unanswered.text
                stats = await client.get("/admin/stats")
                assert "Statistieken" in stats.text and "Berichten per dag" in stats.text
                bad_period = await client.get("/admin/stats?days=9999")
                assert "het aantal dagen moet een geheel getal" in bad_period.text

        run(scenario(), h)


@pytest.mark.parametrize("path", ["/inbox/login"])
def test_english_stays_the_default(harness, path):
    async def scenario():
        async with harness.client() as client:
            page = await client.get(path)
            assert '<html lang="en">' in page.text and "Username" in page.text

    run(scenario(), harness)


def test_dates_on_staff_pages_name_the_month_in_the_staff_language():
    at = datetime(2026, 10, 27, 9, 5)
    assert staffi18n.format_date("nl", at, "%d %b %H:%M") == "27 okt 09:05"
    assert staffi18n.format_date("nl", date(2026, 3, 1), "%d %b %Y") == "01 mrt 2026"
    assert staffi18n.format_date("en", at, "%d %b %Y") == "27 Oct 2026"
