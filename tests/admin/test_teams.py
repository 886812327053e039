"""/admin/teams: an admin sets up a team's office hours and places; the bot promises them at once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.storage.models import AuditLog, Staff, Team
from tests.admin.conftest import login_as
from tests.channels.conftest import run
from tests.channels.test_journeys import Channel

NINOVE = {
    "name": "Ninove welcome desk",
    "country": "BE",
    "muni_ninove": "1",
    "office_hours": "mon-thu 09:00-12:00; fri 13:00-15:00",
    "timezone": "Europe/Brussels",
}


def teams_and_log(h):
    with h.app.state.service.sessions() as s:
        teams = [
            (t.name, t.country, t.municipalities, t.office_hours) for t in s.scalars(select(Team))
        ]
        log = [
            (a.action, a.target)
            for a in s.scalars(select(AuditLog))
            if a.action.startswith("team.")
        ]
        return teams, log


def test_an_admin_creates_a_team_and_a_user_there_is_promised_its_hours(admin_harness):
    h = admin_harness
    h.now = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)  # Thursday 15:00 in Brussels

    async def scenario():
        async with h.client() as ada:
            token = await login_as(ada, "ada")
            page = await ada.get("/admin/teams")
            assert page.status_code == 200 and "No teams yet" in page.text
            res = await ada.post("/admin/teams/new", data={"csrf": token, **NINOVE})
            assert res.status_code == 303, res.text
            team_page = await ada.get(res.headers["location"])
            assert "Saved." in team_page.text and 'value="Ninove welcome desk"' in team_page.text
            # the team shows up on a worker's page; choosing it is saved
            wim = await ada.get("/admin/staff")
            assert "Teams and office hours" in wim.text
        async with h.client() as c:
            user = Channel("telegram", h, c)
            await user.say("/start ninove")
            await user.press("lang:pl")
            await user.press("consent:yes")
            await user.say("/human")
            return user.text()

    promise = run(scenario(), h)
    assert "27.11. 13:00" in promise  # Friday afternoon, as the team's hours say
    teams, log = teams_and_log(h)
    assert teams == [
        ("Ninove welcome desk", "BE", ["ninove"], "mon-thu 09:00-12:00; fri 13:00-15:00")
    ]
    assert log == [("team.create", "Ninove welcome desk")]


def test_a_team_that_makes_no_sense_is_refused_and_the_form_kept(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as ada:
            token = await login_as(ada, "ada")
            bad_hours = await ada.post(
                "/admin/teams/new", data={"csrf": token, **NINOVE, "office_hours": "mon-fri 17-9"}
            )
            wrong_country = await ada.post(
                "/admin/teams/new", data={"csrf": token, **NINOVE, "country": "NL"}
            )
            return bad_hours, wrong_country

    bad_hours, wrong_country = run(scenario(), h)
    assert bad_hours.status_code == 400 and "expected e.g. mon-fri 09:00-17:00" in bad_hours.text
    assert 'value="mon-fri 17-9"' in bad_hours.text  # what was typed stays to be corrected
    assert wrong_country.status_code == 400 and "ninove is not in NL" in wrong_country.text
    assert teams_and_log(h) == ([], [])


def test_members_join_a_team_and_stay_when_it_is_deleted(admin_harness):
    h = admin_harness

    async def scenario():
        async with h.client() as ada:
            token = await login_as(ada, "ada")
            res = await ada.post("/admin/teams/new", data={"csrf": token, **NINOVE})
            team_url = res.headers["location"].split("?")[0]
            team_id = int(team_url.rsplit("/", 1)[1])
            with h.app.state.service.sessions() as s:
                wim = s.scalars(select(Staff).where(Staff.username == "wim")).one()
            form = {
                "csrf": token,
                "name": wim.name,
                "role": wim.role,
                **{f"lang_{c}": "1" for c in wim.languages},
                "active": "1",
                "team": str(team_id),
            }
            assert (await ada.post(f"/admin/staff/{wim.id}", data=form)).status_code == 303
            page = await ada.get(team_url)
            assert wim.name in page.text  # listed as a member
            deleted = await ada.post(
                team_url, data={"csrf": token, "action": "delete", "name": "x", "office_hours": "x"}
            )
            assert deleted.headers["location"] == "/admin/teams?done=deleted"
            return wim.id

    wim_id = run(scenario(), h)
    with h.app.state.service.sessions() as s:
        assert s.get(Staff, wim_id).team_id is None and s.get(Staff, wim_id).active
        assert s.scalars(select(Team)).all() == []
    assert [a for a, _ in teams_and_log(h)[1]] == ["team.create", "team.delete"]
