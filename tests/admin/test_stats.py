"""/admin/stats: numbers from real conversations and stored rows, on the page and as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.storage.models import ArrivalStat, AuditLog, Case, Contact, DecisionStat, Feedback
from tests.admin.conftest import login_as
from tests.channels.conftest import Harness, run
from tests.channels.test_journeys import LANGS, Channel

DAY1 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
DAY2 = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
OLD = datetime(2026, 1, 2, 10, 0, tzinfo=UTC)  # outside the last 30 days: never counted
SAID = {
    "ro_question": "unde ma inregistrez la primarie si ce documente iau",
    "ro_nonsense": "qwrt zxcvb plmk",
    "pl_question": "gdzie mam sie zameldowac w gemeente i co zabrac",
    "pl_nonsense": "xkcd blorp fnord",
}


def cells(page: str, section: str) -> list[list[str]]:
    """The rows of the table in the page's section ``id``, as the text of their cells."""
    part = page.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        ]
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", part, re.S)
    ]


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


async def talk(h: Harness) -> None:
    """A Romanian on WhatsApp on day 1, a Pole on Telegram on day 2 who then blocks the bot."""
    h.now = DAY1
    async with h.client() as c:
        wa = Channel("whatsapp", h, c)
        await wa.onboard("ro")
        await wa.say(SAID["ro_question"])  # answer
        await wa.say(LANGS["ro"]["ambiguous"])  # clarify
        await wa.say(SAID["ro_nonsense"])  # fallback
        await wa.say(LANGS["ro"]["danger"])  # escalate: an urgent case
        h.now = DAY2
        tg = Channel("telegram", h, c)
        await tg.onboard("pl")
        await tg.say(SAID["pl_question"])  # answer
        await tg.press("fb:+:registration.brp")  # 👍
        await tg.say(LANGS["pl"]["ambiguous"])  # clarify
        h.telegram.fail_next(
            403,
            {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            },
        )
        await tg.say(SAID["pl_nonsense"])  # fallback; its reply finds the bot blocked


def store(h: Harness) -> None:
    """What other parts of Brug write: cases worked in the inbox, votes, arrivals by link."""
    with h.app.state.service.sessions() as s:
        pole = s.scalars(select(Contact).where(Contact.channel == "telegram")).one().id
        opened = datetime(2026, 3, 8, 8, 0, tzinfo=UTC)
        for i in range(1, 5):  # first reply after 10..40 minutes, resolved after 1..4 hours
            s.add(case(pole, "pl", opened, timedelta(minutes=10 * i), timedelta(hours=i)))
        s.add(case(pole, "pl", OLD, timedelta(days=5), timedelta(days=10)))
        votes = [("registration.brp", True, DAY1), ("registration.brp", False, DAY2)]
        votes += [("registration.brp", False, DAY2), ("insurance.health-mandatory", False, DAY2)]
        votes += [("registration.brp", True, OLD)]
        for entry, helpful, at in votes:
            s.add(Feedback(entry=entry, helpful=helpful, lang="pl", created_at=at))
        links = [("poster-utrecht", "telegram", DAY1)] * 3 + [("poster-utrecht", "whatsapp", DAY2)]
        links += [("flyer-gent", "telegram", DAY2)] * 2 + [("=1+2", "whatsapp", DAY2)]
        links += [("poster-utrecht", "telegram", OLD)]
        for source, channel, at in links:
            s.add(ArrivalStat(day=at.date(), source=source, channel=channel))
        s.add(
            DecisionStat(
                day=OLD.date(),
                channel="telegram",
                lang="pl",
                action="answer",
                entry="registration.brp",
            )
        )
        s.commit()


def case(contact: int, lang: str, at: datetime, reply: timedelta, resolve: timedelta) -> Case:
    return Case(
        contact_id=contact,
        status="resolved",
        priority="normal",
        reason="explicit",
        lang=lang,
        first_reply_at=at + reply,
        resolved_at=at + resolve,
        created_at=at,
        updated_at=at + resolve,
    )


def test_the_page_and_the_csv_count_real_traffic_and_show_nobody(admin_harness):
    h = admin_harness
    run(talk(h), h)
    store(h)
    with h.app.state.service.sessions() as s:
        escalated = s.scalar(select(DecisionStat.entry).where(DecisionStat.action == "escalate"))
        private = [c.pseudonym for c in s.scalars(select(Contact))]
    private += [
        *SAID.values(),
        LANGS["ro"]["danger"],
        LANGS["pl"]["ambiguous"],
        "555001",
        "40712345678",
    ]

    async def scenario() -> dict[str, Any]:
        async with h.client() as c:
            await login_as(c, "ada")
            page = await c.get("/admin/stats")
            exports = {
                t: await c.get(f"/admin/stats.csv?table={t}&days=30")
                for t in ("daily", "actions", "entries", "cases", "arrivals")
            }
            narrow = await c.get("/admin/stats?from=2026-03-10&to=2026-03-10")
            return {"page": page, "csv": exports, "narrow": narrow}

    got = run(scenario(), h)
    page = got["page"].text
    assert got["page"].status_code == 200
    assert '<span class="big">7</span> messages handled' in page
    assert '<span class="big">28.6 %</span> answered' in page
    assert '<span class="big">5</span> cases opened' in page
    assert '<span class="big">1</span> people unreachable' in page
    assert cells(page, "daily") == [
        ["Language", "telegram", "whatsapp", "Total"],
        ["ro", "0", "4", "4"],
        ["pl", "3", "0", "3"],
    ]
    assert cells(page, "actions")[1:] == [
        ["all", "7", "28.6 % (2)", "28.6 % (2)", "28.6 % (2)", "14.3 % (1)"],
        ["ro", "4", "25.0 % (1)", "25.0 % (1)", "25.0 % (1)", "25.0 % (1)"],
        ["pl", "3", "33.3 % (1)", "33.3 % (1)", "33.3 % (1)", "0.0 % (0)"],
    ]
    assert cells(page, "entries")[1:] == [
        ["registration.brp", "2", "2", "2", "50.0 %"],
        [escalated, "1", "0", "0", "—"],
        ["insurance.health-mandatory", "0", "0", "1", "0.0 %"],
    ]
    assert cells(page, "cases")[1:] == [
        ["all", "5", "1", "4", "25 min", "37 min", "2 h 30 min", "3 h 42 min"],
        ["pl", "4", "0", "4", "25 min", "37 min", "2 h 30 min", "3 h 42 min"],
        ["ro", "1", "1", "0", "—", "—", "—", "—"],
    ]
    assert "explicit: 4" in page and "danger: 1" in page
    assert cells(page, "arrivals") == [
        ["Link", "telegram", "whatsapp", "Total"],
        ["poster-utrecht", "3", "1", "4"],
        ["flyer-gent", "2", "0", "2"],
        ["=1+2", "0", "1", "1"],
    ]
    assert "telegram: 1" in cells_text(page, "unreachable")
    assert page.count('<svg class="chart"') == 3 and 'role="img"' in page

    exports = got["csv"]
    assert all(r.status_code == 200 for r in exports.values())
    assert exports["daily"].headers["content-disposition"] == (
        'attachment; filename="brug-daily-2026-02-09-2026-03-10.csv"'
    )
    assert exports["daily"].headers["content-type"] == "text/csv; charset=utf-8"
    assert read_csv(exports["daily"].text) == [
        ["day", "channel", "lang", "messages"],
        ["2026-03-09", "whatsapp", "ro", "4"],
        ["2026-03-10", "telegram", "pl", "3"],
    ]
    assert read_csv(exports["actions"].text)[1:] == [
        ["all", "7", "2", "2", "2", "1", "0.2857", "0.2857", "0.2857", "0.1429"],
        ["ro", "4", "1", "1", "1", "1", "0.25", "0.25", "0.25", "0.25"],
        ["pl", "3", "1", "1", "1", "0", "0.3333", "0.3333", "0.3333", "0.0"],
    ]
    assert read_csv(exports["entries"].text) == [
        ["entry", "answered", "helpful", "unhelpful", "helpful_ratio"],
        ["registration.brp", "2", "2", "2", "0.5"],
        [escalated, "1", "0", "0", ""],
        ["insurance.health-mandatory", "0", "0", "1", "0.0"],
    ]
    assert read_csv(exports["cases"].text) == [
        [
            "lang",
            "opened",
            "urgent",
            "replied",
            "resolved",
            "first_reply_p50_s",
            "first_reply_p90_s",
            "resolution_p50_s",
            "resolution_p90_s",
        ],
        ["all", "5", "1", "4", "4", "1500", "2220", "9000", "13320"],
        ["pl", "4", "0", "4", "4", "1500", "2220", "9000", "13320"],
        ["ro", "1", "1", "0", "0", "", "", "", ""],
    ]
    assert read_csv(exports["arrivals"].text) == [
        ["day", "source", "channel", "arrivals"],
        ["2026-03-09", "poster-utrecht", "telegram", "3"],
        ["2026-03-10", "'=1+2", "whatsapp", "1"],  # not a formula for a spreadsheet
        ["2026-03-10", "flyer-gent", "telegram", "2"],
        ["2026-03-10", "poster-utrecht", "whatsapp", "1"],
    ]
    for text in private:
        assert text not in page
        assert all(text not in r.text for r in exports.values()), text

    narrow = got["narrow"].text
    assert cells(narrow, "daily")[1:] == [["pl", "3", "3"]]
    assert '<span class="big">0</span> cases opened' in narrow
    with h.app.state.service.sessions() as s:
        audit = s.execute(select(AuditLog.action, AuditLog.target).order_by(AuditLog.id)).all()
    exported = [target for action, target in audit if action == "stats.export"]
    assert exported == [
        f"{t} 2026-02-09..2026-03-10" for t in ("daily", "actions", "entries", "cases", "arrivals")
    ]


def cells_text(page: str, section: str) -> str:
    part = page.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", part).split())


def test_editors_see_the_stats_workers_are_refused_and_strangers_must_log_in(admin_harness):
    async def scenario() -> None:
        async with admin_harness.client() as anonymous:
            res = await anonymous.get("/admin/stats")
            assert res.status_code == 303
            assert res.headers["location"] == "/inbox/login?next=/admin/stats"
            res = await anonymous.get("/admin/stats.csv?table=daily")
            assert res.status_code == 303
        async with admin_harness.client() as editor:
            await login_as(editor, "eddie")
            res = await editor.get("/admin/stats")
            assert res.status_code == 200 and "<h1>Stats</h1>" in res.text
            assert (await editor.get("/admin/stats.csv?table=daily")).status_code == 200
        async with admin_harness.client() as worker:
            await login_as(worker, "wim")
            assert (await worker.get("/admin/stats")).status_code == 403
            assert (await worker.get("/admin/stats.csv?table=daily")).status_code == 403

    run(scenario(), admin_harness)


def test_an_unknown_table_or_an_unreadable_period_is_a_400(admin_harness):
    async def scenario() -> None:
        async with admin_harness.client() as c:
            await login_as(c, "eddie")
            for url in ("/admin/stats.csv?table=contacts", "/admin/stats.csv"):
                res = await c.get(url)
                assert res.status_code == 400 and "daily, actions, entries" in res.text
            res = await c.get("/admin/stats.csv?table=daily&from=2026-03-10&to=2026-03-01")
            assert res.status_code == 400 and "starts after it ends" in res.text
            for query, says in [
                ("days=0", "from 1 to 366"),
                ("days=abc", "from 1 to 366"),
                ("from=10.03.2026", "YYYY-MM-DD"),
                ("from=2024-01-01&to=2026-01-01", "at most 366 days"),
            ]:
                res = await c.get(f"/admin/stats?{query}")
                assert res.status_code == 400 and says in res.text, query
                assert 'name="from"' in res.text  # the period form, to try again
        with admin_harness.app.state.service.sessions() as s:
            assert not s.scalars(select(AuditLog).where(AuditLog.action == "stats.export")).all()

    run(scenario(), admin_harness)


def test_without_data_the_page_says_so_and_draws_no_chart(admin_harness):
    async def scenario() -> str:
        async with admin_harness.client() as c:
            await login_as(c, "ada")
            res = await c.get("/admin/stats?days=7")
            assert res.status_code == 200
            return res.text

    page = run(scenario(), admin_harness)
    assert "No messages in this period." in page
    assert "No case was opened in this period." in page
    assert "Nobody arrived through a link or QR code in this period." in page
    assert "Every contact can still be reached." in page
    assert "<svg" not in page
    assert 'href="/admin/stats?days=7" class="on"' in page
    assert 'href="/admin/stats.csv?table=daily&amp;days=7"' in page


def test_days_are_utc_days_ending_today(admin_harness):
    admin_harness.now = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    with admin_harness.app.state.service.sessions() as s:
        for day in (date(2026, 3, 4), date(2026, 3, 3), date(2026, 3, 10)):
            s.add(DecisionStat(day=day, channel="web", lang="bg", action="answer", entry=None))
        s.commit()

    async def scenario() -> str:
        async with admin_harness.client() as c:
            await login_as(c, "ada")
            return (await c.get("/admin/stats?days=7")).text

    page = run(scenario(), admin_harness)
    assert cells(page, "daily")[1:] == [["bg", "2", "2"]]  # 4 to 10 March
    assert "04 Mar 2026 – 10 Mar 2026" in page
