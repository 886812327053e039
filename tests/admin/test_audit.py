"""/admin/audit: every login, case view, reply, note, resolve, staff change, export and deletion
leaves a row; admins read and filter them and export them as CSV; nobody edits them."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.audit import record
from bot.storage.models import AuditLog, Contact, Staff
from tests.admin.conftest import PASSWORD, csrf, login_as
from tests.channels.conftest import run
from tests.channels.test_journeys import Channel

OFFICE = ZoneInfo("Europe/Amsterdam")  # the default BRUG_TIMEZONE: days are its days
DANGER = "szef zabral mi paszport i mowi ze nie oddam dopoki nie splace dlugu"


def ids(h) -> dict[str, int]:
    with h.app.state.service.sessions() as s:
        return dict(s.execute(select(Staff.username, Staff.id)).all())  # type: ignore[arg-type]


def log(h) -> list[tuple[str, int | None, str]]:
    with h.app.state.service.sessions() as s:
        rows = s.scalars(select(AuditLog).order_by(AuditLog.id)).all()
        return [(a.action, a.staff_id, a.target) for a in rows]


def table(page_text: str) -> list[tuple[str, str, str, str]]:
    """The audit page's rows: (when, who, action, target)."""
    return re.findall(
        r'<td class="small nowrap">([^<]*)</td>\s*<td>([^<]*)</td>\s*'
        r"<td><code>([^<]*)</code></td>\s*<td class=\"small\">([^<]*)</td>",
        page_text,
    )


def test_logins_case_work_logouts_exports_and_erasures_are_all_audited(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as user_http, h.client() as wim, h.client() as ada:
            user = Channel("telegram", h, user_http)
            await user.onboard("pl")
            await user.say(DANGER)
            with h.app.state.service.sessions() as s:
                pseudonym = s.scalars(select(Contact.pseudonym)).one()

            token = csrf(await wim.get("/inbox/login"))
            res = await wim.post(
                "/inbox/login", data={"csrf": token, "username": "wim", "password": "nope"}
            )
            assert res.status_code == 401
            token = await login_as(wim, "wim")
            assert (await wim.get("/inbox/case/1")).status_code == 200
            for kind, text in [
                ("reply", "Dzień dobry, tu Wim."),
                ("note", "a private note about the passport"),
                ("resolve", ""),
            ]:
                res = await wim.post(f"/inbox/case/1/{kind}", data={"csrf": token, "text": text})
                assert res.status_code == 303, kind
            assert (await wim.post("/inbox/logout", data={"csrf": token})).status_code == 303

            await login_as(ada, "ada")
            export = await ada.get("/admin/audit.csv?action=case")
            assert export.status_code == 200

            await user.say("/delete")
            await user.press("del:yes")

        staff = ids(h)
        rows = log(h)
        by_wim = [(a, t) for a, who, t in rows if who == staff["wim"]]
        assert by_wim == [
            ("login.failed", "wim"),
            ("login", "wim"),
            ("case.view", "1"),  # one per page shown, not one per action
            ("case.reply", "1"),
            ("case.note", "1"),
            ("case.resolve", "1"),
            ("logout", "wim"),
        ]
        assert ("audit.export", staff["ada"], "action=case") in rows
        assert ("user.erase", None, pseudonym) in rows
        for _, _, target in rows:  # targets name things, never what anyone wrote
            assert "Dzień" not in target and "note" not in target and "paszport" not in target

    run(scenario(), h)


def test_an_admin_erasing_a_user_is_audited_under_their_name(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as user_http:
            user = Channel("telegram", h, user_http)
            await user.onboard("pl")
        service = h.app.state.service
        with service.sessions() as s:
            contact = s.scalars(select(Contact)).one()
            channel, external_id, pseudonym = (
                contact.channel,
                contact.external_id,
                contact.pseudonym,
            )
        ada = ids(h)["ada"]
        assert service.erase_contact(channel, external_id, now=h.now, staff_id=ada)
        assert not service.erase_contact(channel, external_id, now=h.now, staff_id=ada)
        assert [r for r in log(h) if r[0] == "user.erase"] == [("user.erase", ada, pseudonym)]

    run(scenario(), h)


def test_the_audit_page_lists_newest_first_with_names_and_filters(admin_harness):
    h = admin_harness
    start = h.now

    async def scenario():
        async with h.client() as ada, h.client() as wim, h.client() as eddie:
            h.now = start + timedelta(days=1)
            await login_as(wim, "wim")
            h.now = start + timedelta(days=3)
            await login_as(eddie, "eddie")
            token = csrf(await eddie.get("/inbox/login"))
            await eddie.post(
                "/inbox/login", data={"csrf": token, "username": "eddie", "password": "wrong"}
            )
            h.now = start + timedelta(days=4)
            await login_as(ada, "ada")

            page = await ada.get("/admin/audit")
            assert page.status_code == 200
            rows = table(page.text)
            assert [r[1:3] for r in rows[:4]] == [
                ("Ada", "login"),
                ("Eddie", "login.failed"),
                ("Eddie", "login"),
                ("Wim", "login"),
            ]
            assert rows == sorted(rows, key=lambda r: r[0], reverse=True)
            assert ("system", "staff.add") in [r[1:3] for r in rows]  # the personas' set-up

            only = await ada.get("/admin/audit?action=login.failed")
            assert [r[1:3] for r in table(only.text)] == [("Eddie", "login.failed")]
            logins = table((await ada.get("/admin/audit?action=login")).text)
            assert {r[2] for r in logins} == {"login", "login.failed"}
            eddies = table((await ada.get(f"/admin/audit?staff={ids(h)['eddie']}")).text)
            assert [r[2] for r in eddies] == ["login.failed", "login"]
            day = (start + timedelta(days=1)).astimezone(OFFICE).strftime("%Y-%m-%d")
            that_day = table((await ada.get(f"/admin/audit?from={day}&until={day}")).text)
            assert [r[1:3] for r in that_day] == [("Wim", "login")]
            since = (start + timedelta(days=3)).astimezone(OFFICE).strftime("%Y-%m-%d")
            recent = table((await ada.get(f"/admin/audit?from={since}&action=login")).text)
            assert {r[1] for r in recent} == {"Ada", "Eddie"}
            nothing = await ada.get("/admin/audit?action=case")
            assert "Nothing matches." in nothing.text and "0 entries" in nothing.text

    run(scenario(), h)


def test_the_audit_page_is_paginated(admin_harness):
    h = admin_harness
    with h.app.state.service.sessions() as s:
        for i in range(120):
            record(s, h.now + timedelta(seconds=i), None, "case.view", str(i))
        s.commit()

    async def scenario():
        async with h.client() as ada:
            await login_as(ada, "ada")
            first = await ada.get("/admin/audit?action=case.view")
            rows = table(first.text)
            assert len(rows) == 50 and rows[0][3] == "119" and rows[-1][3] == "70"
            assert "120 entries" in first.text and "page 1 of 3" in first.text
            assert 'href="/admin/audit?action=case.view&amp;page=2" rel="next"' in first.text
            last = await ada.get("/admin/audit?action=case.view&page=3")
            assert [r[3] for r in table(last.text)] == [str(i) for i in range(19, -1, -1)]
            assert 'rel="next"' not in last.text and 'rel="prev"' in last.text
            beyond = await ada.get("/admin/audit?action=case.view&page=9")
            assert table(beyond.text) == [] and beyond.status_code == 200

    run(scenario(), h)


def test_the_csv_export_has_the_filtered_rows_and_is_itself_audited(admin_harness):
    h = admin_harness
    with h.app.state.service.sessions() as s:
        wim = s.scalars(select(Staff).where(Staff.username == "wim")).one()
        wim.name = "=HYPERLINK(1)"
        s.commit()

    async def scenario():
        async with h.client() as ada, h.client() as wim:
            await login_as(wim, "wim")
            await login_as(ada, "ada")
            res = await ada.get(f"/admin/audit.csv?action=login&staff={ids(h)['wim']}")
            assert res.status_code == 200
            assert res.headers["content-type"].startswith("text/csv")
            assert res.headers["content-disposition"].startswith('attachment; filename="audit-')
            rows = list(csv.reader(io.StringIO(res.text)))
            assert rows[0] == ["at_utc", "username", "name", "action", "target"]
            assert [r[1:] for r in rows[1:]] == [["wim", "'=HYPERLINK(1)", "login", "wim"]]
            assert rows[1][0].startswith(h.now.strftime("%Y-%m-%dT"))
            everything = list(csv.reader(io.StringIO((await ada.get("/admin/audit.csv")).text)))
            assert len(everything) == 1 + len(log(h))  # its own row included
        exports = [r for r in log(h) if r[0] == "audit.export"]
        assert exports == [
            ("audit.export", ids(h)["ada"], f"action=login staff={ids(h)['wim']}"),
            ("audit.export", ids(h)["ada"], "all"),
        ]

    run(scenario(), h)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=yesterday", "expected a date like 2026-11-25"),
        ("until=2026-13-01", "expected a date like 2026-11-25"),
        ("staff=ada", "expected a staff member from the list"),
        ("from=2026-11-25&until=2026-11-24", "the range ends before it starts"),
    ],
)
def test_bad_filters_get_a_clear_400(admin_harness, query, message):
    h = admin_harness

    async def scenario():
        async with h.client() as ada:
            await login_as(ada, "ada")
            for path in ("/admin/audit", "/admin/audit.csv"):
                res = await ada.get(f"{path}?{query}")
                assert res.status_code == 400 and message in res.text, path
        assert not [r for r in log(h) if r[0] == "audit.export"]

    run(scenario(), h)


def test_no_route_edits_or_deletes_audit_rows(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as ada:
            token = await login_as(ada, "ada")
            before = log(h)
            for method in ("POST", "PUT", "PATCH", "DELETE"):
                for path in ("/admin/audit", "/admin/audit.csv", "/admin/audit/1"):
                    res = await ada.request(method, path, data={"csrf": token})
                    assert res.status_code in (404, 405), (method, path)
            assert log(h) == before

    run(scenario(), h)


def test_lockout_is_audited_when_it_starts_and_while_it_lasts(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as c:
            token = csrf(await c.get("/inbox/login"))
            for password in ["wrong"] * 5 + [PASSWORD]:
                await c.post(
                    "/inbox/login", data={"csrf": token, "username": "wim", "password": password}
                )
        wim = ids(h)["wim"]
        mine = [a for a, who, _ in log(h) if who == wim]
        assert mine == ["login.failed"] * 5 + ["login.lockout", "login.locked"]

    run(scenario(), h)


def test_a_password_typed_into_the_username_field_is_not_written_to_the_audit_log(
    admin_harness,
):
    async def scenario():
        async with admin_harness.client() as client:
            token = csrf(await client.get("/inbox/login"))
            res = await client.post(
                "/inbox/login",
                data={"csrf": token, "username": "Hunter2-secret!", "password": "x"},
            )
            assert res.status_code == 401
        with admin_harness.app.state.service.sessions() as s:
            rows = s.scalars(select(AuditLog).where(AuditLog.action == "login.failed")).all()
        assert [r.target for r in rows] == ["unknown or inactive account"]

    run(scenario(), admin_harness)
