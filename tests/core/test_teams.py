"""Teams: which team serves a user, whom a case suits, and schedules with several ranges."""

from datetime import UTC, datetime

import pytest

from bot.errors import SettingsError
from bot.officehours import OfficeHours
from bot.teams import Member, TeamInfo, route, suits

WEEKDAYS = OfficeHours.parse("mon-fri 09:00-17:00", "Europe/Amsterdam")


def team(id_, name, country=None, places=(), langs=()):
    members = (Member(id_ * 10, f"{name} worker", frozenset(langs), frozenset(), None),)
    return TeamInfo(id_, name, country, frozenset(places), WEEKDAYS, members if langs else ())


HAGUE = team(1, "Den Haag", "NL", ["den-haag"], ["pl"])
NL = team(2, "Netherlands", "NL", [], ["ro"])
BE = team(3, "Flanders", "BE", [], ["pl"])
ALL = team(4, "Everyone", None, [], ["bg"])


def test_the_team_of_the_users_municipality_comes_before_the_country_team():
    teams = (NL, HAGUE, BE, ALL)
    assert route(teams, "ro", "NL", "den-haag") is HAGUE
    assert route(teams, "ro", "NL", "utrecht") is NL
    assert route(teams, "pl", "BE", "ninove") is BE


def test_a_team_of_everyone_serves_who_no_closer_team_serves():
    assert route((HAGUE, ALL), "pl", "NL", None) is ALL
    assert route((HAGUE, BE), "pl", "NL", None) is None


def test_among_equally_close_teams_one_that_speaks_the_language_wins():
    polish = team(5, "Polish desk", "NL", [], ["pl"])
    assert route((NL, polish), "pl", "NL", None) is polish
    assert route((NL, polish), "hu", "NL", None) is NL  # nobody speaks it: the first team


def test_a_case_suits_a_worker_who_speaks_the_language_and_serves_the_place():
    assert suits(["pl"], {"den-haag"}, "pl", "den-haag")
    assert not suits(["pl"], {"den-haag"}, "pl", "ninove")
    assert not suits(["ro"], set(), "pl", None)
    assert suits([], set(), "hu", "ninove")  # nothing listed: any language, any place


def test_a_schedule_may_have_several_ranges():
    hours = OfficeHours.parse("mon-thu 09:00-17:00; fri 09:00-13:00", "Europe/Amsterdam")
    friday_noon = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)  # 12:00 in Amsterdam
    friday_afternoon = datetime(2026, 11, 27, 13, 0, tzinfo=UTC)
    assert hours.is_open(friday_noon)
    assert not hours.is_open(friday_afternoon)
    assert hours.next_opening(friday_afternoon).strftime("%a %H:%M") == "Mon 09:00"
    thursday_evening = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
    assert hours.next_opening(thursday_evening).strftime("%a %H:%M") == "Fri 09:00"


@pytest.mark.parametrize(
    "spec", ["", "mon-fri", "mon-fri 17:00-09:00", "someday 09:00-12:00", "mon 25:00-26:00"]
)
def test_a_schedule_that_makes_no_sense_is_refused_with_the_setting_named(spec):
    with pytest.raises(SettingsError, match="BRUG_OFFICE_HOURS"):
        OfficeHours.parse(spec, "Europe/Amsterdam")
