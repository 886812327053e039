"""Teams: a hand-off promises the office hours of the team serving the user's place; a case is
offered first to the workers it suits; the staff group hears of it in its language and in the
forum topic of the user's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot import teams
from bot.inbox import add_staff, list_cases
from bot.reach import prefill
from bot.storage.models import Case, Outbox, Staff
from tests.channels.conftest import build_harness, run
from tests.channels.test_journeys import Channel
from tests.channels.test_staff_group import GROUP, group_update

KNOWN = {"den-haag": "NL", "ninove": "BE"}
TUESDAY_2PM_BRUSSELS = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)


def make_team(harness, name, country, places, hours, zone="Europe/Brussels"):
    with harness.app.state.service.sessions() as s:
        form = teams.TeamForm(name, country, places, hours, zone)
        team = teams.create(s, None, form, KNOWN, harness.now)
        s.commit()
        return team.id


def make_worker(harness, username, languages, team_id=None, telegram_id=None, places=()):
    with harness.app.state.service.sessions() as s:
        staff = add_staff(
            s,
            username=username,
            name=username.title(),
            password="correct horse battery",
            role="worker",
            languages=languages,
            municipalities=list(places),
            now=harness.now,
        )
        staff.team_id, staff.telegram_id = team_id, telegram_id
        s.commit()
        return staff.id


def test_the_user_is_promised_the_office_hours_of_the_team_serving_their_town(harness):
    harness.now = TUESDAY_2PM_BRUSSELS
    ninove = make_team(harness, "Ninove", "BE", ["ninove"], "mon-fri 09:00-12:00")

    async def scenario():
        async with harness.client() as c:
            from_ninove = Channel("telegram", harness, c)
            await from_ninove.say("/start ninove")
            await from_ninove.press("lang:pl")
            await from_ninove.press("consent:yes")
            await from_ninove.say("/human")
            ninove_promise = from_ninove.text()
        return ninove_promise

    promise = run(scenario(), harness)
    assert "25.11. 09:00" in promise  # closed at 14:00: tomorrow morning, not "a few hours"
    with harness.app.state.service.sessions() as s:
        assert s.scalars(select(Case.team_id)).one() == ninove


def test_where_no_team_serves_the_user_the_global_office_hours_apply(harness):
    harness.now = TUESDAY_2PM_BRUSSELS
    make_team(harness, "Ninove", "BE", ["ninove"], "mon-fri 09:00-12:00")

    async def scenario():
        async with harness.client() as c:
            ch = Channel("telegram", harness, c)
            await ch.onboard("en")  # the Netherlands, no municipality
            await ch.say("/human")
            return ch.text()

    assert "within a few hours" in run(scenario(), harness)  # BRUG_OFFICE_HOURS: open
    with harness.app.state.service.sessions() as s:
        assert s.scalars(select(Case.team_id)).one() is None


def test_a_case_is_offered_first_to_workers_who_speak_the_language_and_serve_the_place(harness):
    hague = make_team(harness, "Den Haag", "NL", ["den-haag"], "mon-fri 09:00-17:00")
    make_worker(harness, "ola", ["pl"], team_id=hague)

    async def scenario():
        async with harness.client() as c:
            harness.now += timedelta(hours=1)
            newer = Channel("whatsapp", harness, c)  # from Den Haag
            await newer.say(prefill("den-haag", "pl"))
            await newer.press("lang:pl")
            await newer.press("consent:yes")
            await newer.say("chce rozmawiac z czlowiekiem")
            harness.now -= timedelta(hours=1)
            older = Channel("telegram", harness, c)  # from Ninove, an hour earlier
            await older.say("/start ninove")
            await older.press("lang:pl")
            await older.press("consent:yes")
            await older.say("/human")

    run(scenario(), harness)
    with harness.app.state.service.sessions() as s:
        ola = s.scalars(select(Staff).where(Staff.username == "ola")).one()
        rows, _ = list_cases(s, ola)
    assert [(r.municipality, r.suits_me, r.team) for r in rows] == [
        ("den-haag", True, "Den Haag"),
        ("ninove", False, None),
    ]


def test_the_staff_group_hears_in_dutch_in_the_topic_of_the_users_language(tmp_path, engine):
    env = {
        "TELEGRAM_STAFF_CHAT_ID": GROUP,
        "TELEGRAM_STAFF_TOPICS": "pl=41,ro=42",
        "BRUG_STAFF_LANGUAGE": "nl",
    }
    with build_harness(tmp_path, engine, **env) as harness:
        harness.now = TUESDAY_2PM_BRUSSELS
        ninove = make_team(harness, "Ninove", "BE", ["ninove"], "mon-fri 09:00-12:00")
        make_worker(harness, "ewa", ["pl", "nl"], team_id=ninove, telegram_id="777")
        make_worker(harness, "ion", ["ro"], team_id=ninove)  # does not speak Polish

        async def scenario():
            async with harness.client() as c:
                user = Channel("telegram", harness, c)
                await user.say("/start ninove")
                await user.press("lang:pl")
                await user.press("consent:yes")
                await user.say("chce rozmawiac z czlowiekiem")
                post = next(
                    p for p in harness.telegram.named("sendMessage") if str(p["chat_id"]) == GROUP
                )
                claim = group_update(900010, 777, data="claim:1")
                claim["callback_query"]["message"].update(
                    message_thread_id=41, is_topic_message=True
                )
                await harness.telegram_update(c, claim)
                await harness.flush()
                return post, harness.telegram.named("sendMessage")[-1]

        post, answer = run(scenario(), harness)
        assert int(post["message_thread_id"]) == 41
        assert post["text"].startswith("Nieuwe casus #1")
        assert "Team Ninove · nu gesloten; de gebruiker hoorde: vanaf 25.11. 09:00" in post["text"]
        assert "Voor: Ewa" in post["text"] and "Ion" not in post["text"]
        assert "chce rozmawiac z czlowiekiem" in post["text"]
        assert post["reply_markup"]["inline_keyboard"][0][0]["text"] == "Oppakken"
        assert answer["text"] == "Casus #1 is opgepakt door Ewa."
        assert int(answer["message_thread_id"]) == 41  # the answer stays in the topic
        with harness.app.state.service.sessions() as s:
            assert s.scalars(select(Outbox.thread).where(Outbox.case_id == 1)).one() == "41"


def test_a_language_without_a_topic_goes_to_the_general_topic(tmp_path, engine):
    env = {"TELEGRAM_STAFF_CHAT_ID": GROUP, "TELEGRAM_STAFF_TOPICS": "ro=42"}
    with build_harness(tmp_path, engine, **env) as harness:

        async def scenario():
            async with harness.client() as c:
                user = Channel("telegram", harness, c)
                await user.onboard("bg")
                await user.say("/human")

        run(scenario(), harness)
        post = next(p for p in harness.telegram.named("sendMessage") if str(p["chat_id"]) == GROUP)
        assert "message_thread_id" not in post
        assert "No registered worker speaks Bulgarian" in post["text"]
