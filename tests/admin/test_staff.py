"""/admin/staff and /inbox/password: admins manage accounts; sessions end when they should."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from bot.storage.models import AuditLog, Staff
from tests.admin.conftest import PASSWORD, csrf, login_as
from tests.channels.conftest import run

NEW_WORKER = {
    "username": "krystyna",
    "name": "Krystyna Nowak",
    "role": "worker",
    "lang_nl": "1",
    "lang_pl": "1",
    "muni_den-haag": "1",
    "telegram_id": "424242",
    "active": "1",
}


def staff_id(h, username: str) -> int:
    with h.app.state.service.sessions() as s:
        return s.scalars(select(Staff.id).where(Staff.username == username)).one()


def staff_row(h, username: str) -> Staff:
    with h.app.state.service.sessions() as s:
        return s.scalars(select(Staff).where(Staff.username == username)).one()


def actions(h) -> list[tuple[str, int | None, str]]:
    with h.app.state.service.sessions() as s:
        rows = s.scalars(select(AuditLog).order_by(AuditLog.id)).all()
        return [(a.action, a.staff_id, a.target) for a in rows]


def staff_changes(h) -> list[tuple[str, int | None, str]]:
    """Audited staff changes and exports made by someone (the personas were added by nobody)."""
    return [a for a in actions(h) if a[0].startswith(("staff.", "audit.")) and a[1] is not None]


def shown_password(page: httpx.Response) -> str:
    match = re.search(r'<code class="password">([^<]+)</code>', page.text)
    assert match, page.text[:2000]
    return match.group(1)


async def login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    token = csrf(await client.get("/inbox/login"))
    return await client.post(
        "/inbox/login", data={"csrf": token, "username": username, "password": password}
    )


async def signed_in(client: httpx.AsyncClient) -> bool:
    res = await client.get("/inbox")
    assert res.status_code in (200, 303)
    return res.status_code == 200


def edit_form(person: Staff, **changes: str | None) -> dict[str, str]:
    """The edit form as the page would post it, with ``changes`` (None: leave unticked)."""
    form = {
        "name": person.name,
        "role": person.role,
        "telegram_id": person.telegram_id or "",
        **{f"lang_{c}": "1" for c in person.languages},
        **{f"muni_{m}": "1" for m in person.municipalities},
    }
    if person.active:
        form["active"] = "1"
    for key, value in changes.items():
        if value is None:
            form.pop(key, None)
        else:
            form[key] = value
    return form


def test_an_admin_creates_a_worker_who_chooses_a_password_and_then_works(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as ada, h.client() as newcomer:
            token = await login_as(ada, "ada")
            page = await ada.get("/admin/staff/new")
            assert page.status_code == 200 and 'name="lang_pl"' in page.text
            assert 'name="muni_den-haag"' in page.text and 'name="muni_ninove"' in page.text
            created = await ada.post("/admin/staff/new", data={"csrf": token, **NEW_WORKER})
            assert created.status_code == 200, created.text
            assert created.headers["cache-control"] == "no-store"
            one_time = shown_password(created)
            assert len(one_time) >= 16

            # the first login leads to the password page only
            res = await login(newcomer, "krystyna", one_time)
            assert res.status_code == 303
            assert res.headers["location"] == "/inbox/password?next=/inbox"
            assert not await signed_in(newcomer)
            page = await newcomer.get("/inbox/password")
            assert page.status_code == 200 and "Choose your password" in page.text
            res = await newcomer.post(
                "/inbox/password",
                data={
                    "csrf": csrf(page),
                    "current": one_time,
                    "new": "my own secret words",
                    "repeat": "my own secret words",
                    "next": "/inbox",
                },
            )
            assert res.status_code == 303 and res.headers["location"] == "/inbox"
            assert await signed_in(newcomer)
            # the admin's password no longer works; her own does, straight into the inbox
            async with h.client() as again:
                assert (await login(again, "krystyna", one_time)).status_code == 401
                res = await login(again, "krystyna", "my own secret words")
                assert res.status_code == 303 and res.headers["location"] == "/inbox"

        person = staff_row(h, "krystyna")
        assert (person.name, person.role, person.telegram_id) == (
            "Krystyna Nowak",
            "worker",
            "424242",
        )
        assert person.languages == ["pl", "nl"] and person.municipalities == ["den-haag"]
        assert not person.must_change_password and person.last_login_at is not None
        ada_id, krystyna_id = staff_id(h, "ada"), person.id
        log = actions(h)
        assert ("staff.add", ada_id, "krystyna") in log
        assert ("password.change", krystyna_id, "krystyna") in log
        assert ("login.failed", krystyna_id, "krystyna") in log

    run(scenario(), h)


def test_an_admin_may_type_the_first_password_and_it_is_still_to_be_replaced(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as ada, h.client() as newcomer:
            token = await login_as(ada, "ada")
            form = {"csrf": token, **NEW_WORKER, "password": "typed by ada 123"}
            created = await ada.post("/admin/staff/new", data=form)
            assert shown_password(created) == "typed by ada 123"
            res = await login(newcomer, "krystyna", "typed by ada 123")
            assert res.headers["location"].startswith("/inbox/password")
            form.update(password="short", username="other", telegram_id="")
            res = await ada.post("/admin/staff/new", data=form)
            assert res.status_code == 400 and "at least 10 characters" in res.text

    run(scenario(), h)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"username": "Bad Name!"}, "the username needs"),
        ({"username": "wim"}, "exists already"),
        ({"name": "   "}, "the name is empty"),
        ({"role": "root"}, "the role must be one of"),
        ({"telegram_id": "12a45"}, "digits only"),
        ({"muni_atlantis": "1"}, "no local information for municipality"),
    ],
)
def test_bad_input_when_creating_gets_a_clear_400_and_the_form_back(admin_harness, change, message):
    h = admin_harness

    async def scenario():
        async with h.client() as ada:
            token = await login_as(ada, "ada")
            res = await ada.post("/admin/staff/new", data={"csrf": token, **NEW_WORKER, **change})
            assert res.status_code == 400 and message in res.text
            assert 'value="Krystyna Nowak"' in res.text or change.get("name")  # kept for fixing
        with h.app.state.service.sessions() as s:
            assert s.scalar(select(Staff).where(Staff.username == "krystyna")) is None

    run(scenario(), h)


def test_the_list_shows_roles_languages_places_telegram_last_login_and_locks(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as ada, h.client() as wim:
            token = await login_as(ada, "ada")
            for _ in range(5):
                assert (await login(wim, "wim", "not the password")).status_code == 401
            page = await ada.get("/admin/staff")
            assert page.status_code == 200
            rows = dict(re.findall(r'<a href="/admin/staff/(\d+)">([^<]+)</a>', page.text))
            assert set(rows.values()) == {"Ada", "Bea", "Eddie", "Wim"}
            wim_row = page.text.split(">Wim</a>")[1].split("</tr>")[0]
            assert ">worker<" in wim_row and ">nl<" in wim_row and "never" in wim_row
            assert "locked" in wim_row
            ada_row = page.text.split(">Ada</a>")[1].split("</tr>")[0]
            assert "min ago" in ada_row and "locked" not in ada_row

            # unlocked by an admin, wim gets in at once with the right password
            wim_id = staff_id(h, "wim")
            page = await ada.get(f"/admin/staff/{wim_id}")
            assert "Locked after wrong passwords" in page.text
            res = await ada.post(f"/admin/staff/{wim_id}/unlock", data={"csrf": token})
            assert res.status_code == 303
            assert (await ada.get(res.headers["location"])).text.count("Locked after") == 0
            assert (await login(wim, "wim", PASSWORD)).status_code == 303
        log = actions(h)
        assert ("login.lockout", wim_id, "wim") in log
        assert ("staff.unlock", staff_id(h, "ada"), "wim") in log

    run(scenario(), h)


def test_editing_changes_the_account_and_records_what_changed(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as ada:
            token = await login_as(ada, "ada")
            wim = staff_row(h, "wim")
            form = edit_form(
                wim, name="Wim de Vries", lang_pl="1", telegram_id="777", role="editor"
            )
            res = await ada.post(f"/admin/staff/{wim.id}", data={"csrf": token, **form})
            assert res.status_code == 303
            assert "Saved." in (await ada.get(res.headers["location"])).text
            # a Telegram id belongs to one person
            eddie = staff_row(h, "eddie")
            res = await ada.post(
                f"/admin/staff/{eddie.id}",
                data={"csrf": token, **edit_form(eddie, telegram_id="777")},
            )
            assert res.status_code == 400 and "belongs to Wim de Vries" in res.text
            res = await ada.post("/admin/staff/999", data={"csrf": token, **form})
            assert res.status_code == 404
        wim = staff_row(h, "wim")
        assert (wim.name, wim.role, wim.telegram_id) == ("Wim de Vries", "editor", "777")
        assert wim.languages == ["pl", "nl"]
        assert ("staff.update", staff_id(h, "ada"), "wim: name, role, languages, telegram_id") in (
            actions(h)
        )
        assert staff_row(h, "eddie").telegram_id is None

    run(scenario(), h)


def test_a_password_reset_ends_the_old_password_and_the_old_session(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as ada, h.client() as wim:
            token = await login_as(ada, "ada")
            await login_as(wim, "wim")
            assert await signed_in(wim)
            wim_id = staff_id(h, "wim")
            res = await ada.post(f"/admin/staff/{wim_id}/password", data={"csrf": token})
            assert res.status_code == 200 and res.headers["cache-control"] == "no-store"
            new = shown_password(res)
            assert not await signed_in(wim)
            assert (await login(wim, "wim", PASSWORD)).status_code == 401
            assert (await login(wim, "wim", new)).status_code == 303
            # the page after a reset does not show the password again
            assert new not in (await ada.get(f"/admin/staff/{wim_id}")).text
            res = await ada.post(
                f"/admin/staff/{wim_id}/password", data={"csrf": token, "password": "too short"}
            )
            assert res.status_code == 400 and "at least 10 characters" in res.text
        assert [a for a in actions(h) if a[0] == "staff.password_reset"] == [
            ("staff.password_reset", staff_id(h, "ada"), "wim")
        ]

    run(scenario(), h)


def test_a_reset_lifts_a_lockout(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as ada, h.client() as wim:
            token = await login_as(ada, "ada")
            for _ in range(5):
                await login(wim, "wim", "not the password")
            res = await ada.post(
                f"/admin/staff/{staff_id(h, 'wim')}/password",
                data={"csrf": token, "password": "a fresh password"},
            )
            assert shown_password(res) == "a fresh password"
            assert (await login(wim, "wim", "a fresh password")).status_code == 303

    run(scenario(), h)


def test_deactivation_logs_the_person_out_and_reactivation_needs_a_new_login(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as ada, h.client() as wim:
            token = await login_as(ada, "ada")
            await login_as(wim, "wim")
            person = staff_row(h, "wim")
            res = await ada.post(
                f"/admin/staff/{person.id}", data={"csrf": token, **edit_form(person, active=None)}
            )
            assert res.status_code == 303
            assert not await signed_in(wim)
            assert (await login(wim, "wim", PASSWORD)).status_code == 401
            listing = await ada.get("/admin/staff")
            assert 'class="inactive"' in listing.text
            res = await ada.post(
                f"/admin/staff/{person.id}", data={"csrf": token, **edit_form(person, active="1")}
            )
            assert res.status_code == 303
            assert not await signed_in(wim)  # the old session stays ended
            assert (await login(wim, "wim", PASSWORD)).status_code == 303
        ada_id = staff_id(h, "ada")
        log = actions(h)
        assert ("staff.deactivate", ada_id, "wim") in log and (
            "staff.activate",
            ada_id,
            "wim",
        ) in log

    run(scenario(), h)


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as ada:
            token = await login_as(ada, "ada")
            bea = staff_row(h, "bea")
            res = await ada.post(
                f"/admin/staff/{bea.id}", data={"csrf": token, **edit_form(bea, role="worker")}
            )
            assert res.status_code == 303
            me = staff_row(h, "ada")
            for change in ({"role": "editor"}, {"active": None}):
                res = await ada.post(
                    f"/admin/staff/{me.id}", data={"csrf": token, **edit_form(me, **change)}
                )
                assert res.status_code == 400
                assert "Ada is the last active admin" in res.text
            assert await signed_in(ada)
        me = staff_row(h, "ada")
        assert me.role == "admin" and me.active

    run(scenario(), h)


def test_an_admin_who_deactivates_themselves_is_logged_out(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as ada:
            token = await login_as(ada, "ada")
            me = staff_row(h, "ada")
            res = await ada.post(
                f"/admin/staff/{me.id}", data={"csrf": token, **edit_form(me, active=None)}
            )
            assert res.status_code == 303  # bea is still an admin
            res = await ada.get(res.headers["location"])
            assert res.status_code == 303 and res.headers["location"].startswith("/inbox/login")

    run(scenario(), h)


ROUTES = [
    ("GET", "/admin/staff"),
    ("GET", "/admin/staff/new"),
    ("POST", "/admin/staff/new"),
    ("GET", "/admin/staff/{wim}"),
    ("POST", "/admin/staff/{wim}"),
    ("POST", "/admin/staff/{wim}/password"),
    ("POST", "/admin/staff/{wim}/unlock"),
    ("GET", "/admin/audit"),
    ("GET", "/admin/audit.csv"),
]


@pytest.mark.parametrize("username", ["eddie", "wim"])
def test_editors_and_workers_are_refused_every_staff_and_audit_route(admin_harness, username):
    h = admin_harness

    async def scenario():
        wim = staff_row(h, "wim")
        async with h.client() as c:
            token = await login_as(c, username)
            for method, path in ROUTES:
                url = path.format(wim=wim.id)
                data = {"csrf": token, **NEW_WORKER, **edit_form(wim, role="admin")}
                res = await (c.get(url) if method == "GET" else c.post(url, data=data))
                assert res.status_code == 403, (method, url)
                assert "krystyna" not in res.text and "Eddie" not in res.text
        assert staff_row(h, "wim").role == "worker"
        assert not staff_changes(h)

    run(scenario(), h)


def test_anonymous_visitors_are_sent_to_the_login_and_cannot_post(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as c:
            token = csrf(await c.get("/inbox/login"))
            for method, path in ROUTES:
                url = path.format(wim=staff_id(h, "wim"))
                if method == "GET":
                    res = await c.get(url)
                    assert res.status_code == 303, url
                    assert res.headers["location"] == f"/inbox/login?next={url}"
                else:
                    res = await c.post(url, data={"csrf": token, **NEW_WORKER})
                    assert res.status_code == 403, url
        assert not staff_changes(h)

    run(scenario(), h)


def test_a_post_without_the_csrf_token_is_refused(admin_harness):
    h = admin_harness

    async def scenario():
        wim = staff_row(h, "wim")
        async with h.client() as ada:
            await login_as(ada, "ada")
            for method, path in ROUTES:
                if method != "POST":
                    continue
                url = path.format(wim=wim.id)
                data = {**NEW_WORKER, **edit_form(wim, role="admin"), "password": "x" * 12}
                assert (await ada.post(url, data=data)).status_code == 403, url
                data["csrf"] = "a guess"
                assert (await ada.post(url, data=data)).status_code == 403, url
        assert staff_row(h, "wim").role == "worker"
        assert not staff_changes(h)

    run(scenario(), h)


def test_html_in_a_staff_name_is_escaped(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as ada:
            token = await login_as(ada, "ada")
            name = '<script>alert("x")</script>'
            res = await ada.post(
                "/admin/staff/new", data={"csrf": token, **NEW_WORKER, "name": name}
            )
            assert res.status_code == 200
            for page in (res, await ada.get("/admin/staff")):
                assert "<script>alert" not in page.text
                assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text

    run(scenario(), h)


def test_staff_change_their_own_password_and_their_other_sessions_end(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as laptop, h.client() as phone:
            await login_as(laptop, "wim")
            await login_as(phone, "wim")
            page = await laptop.get("/inbox/password")
            assert page.status_code == 200 and "Change your password" in page.text
            token = csrf(page)

            async def change(current: str, new: str, repeat: str) -> httpx.Response:
                return await laptop.post(
                    "/inbox/password",
                    data={"csrf": token, "current": current, "new": new, "repeat": repeat},
                )

            for args, message in [
                (("wrong one!", "new password 1", "new password 1"), "current password is wrong"),
                ((PASSWORD, "new password 1", "new password 2"), "two new passwords differ"),
                ((PASSWORD, "short", "short"), "at least 10 characters"),
                ((PASSWORD, PASSWORD, PASSWORD), "different from the current one"),
            ]:
                res = await change(*args)
                assert res.status_code == 400 and message in res.text
            res = await change(PASSWORD, "new password 1", "new password 1")
            assert res.status_code == 303 and res.headers["location"] == "/inbox/password?done=1"
            assert "Your password was changed." in (await laptop.get(res.headers["location"])).text
            assert await signed_in(laptop) and not await signed_in(phone)
            assert (await login(phone, "wim", PASSWORD)).status_code == 401
            assert (await login(phone, "wim", "new password 1")).status_code == 303
        log = [a[0] for a in actions(h)]
        assert log.count("password.change_failed") == 1 and log.count("password.change") == 1

    run(scenario(), h)


def test_wrong_current_passwords_lock_the_account_like_wrong_logins(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as wim:
            token = await login_as(wim, "wim")
            for _ in range(5):
                res = await wim.post(
                    "/inbox/password",
                    data={"csrf": token, "current": "guess", "new": "x" * 12, "repeat": "x" * 12},
                )
                assert res.status_code == 400
            res = await wim.post(
                "/inbox/password",
                data={"csrf": token, "current": PASSWORD, "new": "x" * 12, "repeat": "x" * 12},
            )
            assert res.status_code == 400 and "too many wrong passwords" in res.text
        assert "login.lockout" in [a[0] for a in actions(h)]

    run(scenario(), h)


def test_the_password_page_needs_a_login(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as c:
            res = await c.get("/inbox/password")
            assert res.status_code == 303 and res.headers["location"] == "/inbox/login"
            token = csrf(await c.get("/inbox/login"))
            res = await c.post(
                "/inbox/password",
                data={"csrf": token, "current": PASSWORD, "new": "x" * 12, "repeat": "x" * 12},
            )
            assert res.status_code == 403
            assert (await c.post("/inbox/password", data={"current": PASSWORD})).status_code == 403

    run(scenario(), h)
