"""Teams of bridge workers: their office hours and the places they serve, and case routing.

A team serves a list of municipalities, or a whole country (no municipalities listed), or
everyone (no country either). A new case goes to the team that serves the user's place most
closely, preferring one with a member who speaks the user's language; the user is told that
team's office hours. Within the inbox, a case is offered first to the workers it suits: they
speak the language and serve the place (their own municipalities or their team's).
Without teams, the global ``BRUG_OFFICE_HOURS`` apply and every worker serves every place.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.audit import record
from bot.errors import BrugError, SettingsError
from bot.officehours import OfficeHours
from bot.storage.models import Staff, Team

COUNTRIES = ("NL", "BE")


class TeamError(BrugError):
    """A team cannot be saved as given; the message says why."""


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    languages: frozenset[str]
    municipalities: frozenset[str]
    telegram_id: str | None


@dataclass(frozen=True)
class TeamInfo:
    id: int
    name: str
    country: str | None
    municipalities: frozenset[str]
    hours: OfficeHours
    members: tuple[Member, ...] = ()

    def closeness(self, country: str | None, municipality: str | None) -> int | None:
        """0: serves this municipality by name; 1: the whole country; 2: everyone; None: not it."""
        if self.country and country and self.country != country:
            return None
        if self.municipalities:
            return 0 if municipality in self.municipalities else None
        return 1 if self.country else 2

    def speaks(self, lang: str | None) -> bool:
        return any(lang in m.languages for m in self.members)


def route(
    teams: tuple[TeamInfo, ...], lang: str | None, country: str | None, municipality: str | None
) -> TeamInfo | None:
    """The team a new case of this user belongs to, if any team serves them."""
    ranked = [
        (tier, not team.speaks(lang), team.id, team)
        for team in teams
        if (tier := team.closeness(country, municipality)) is not None
    ]
    return min(ranked, key=lambda r: r[:3])[3] if ranked else None


def suits(
    languages: list[str] | frozenset[str],
    places: set[str] | frozenset[str],
    case_lang: str | None,
    case_municipality: str | None,
) -> bool:
    """Whether a worker with these languages and places should be offered the case first.
    No languages (or places) listed means any."""
    return (not languages or case_lang in languages) and (not places or case_municipality in places)


def places_of(staff: Staff, teams: dict[int, TeamInfo]) -> set[str]:
    team = teams.get(staff.team_id) if staff.team_id is not None else None
    return set(staff.municipalities) | set(team.municipalities if team else ())


def load(s: Session) -> tuple[TeamInfo, ...]:
    """Every team with its active members. A schedule that no longer parses (it was valid when
    saved) is skipped rather than breaking hand-offs."""
    members: dict[int, list[Member]] = {}
    for staff in s.scalars(select(Staff).where(Staff.team_id.is_not(None), Staff.active.is_(True))):
        assert staff.team_id is not None
        members.setdefault(staff.team_id, []).append(
            Member(
                staff.id,
                staff.name,
                frozenset(staff.languages),
                frozenset(staff.municipalities),
                staff.telegram_id,
            )
        )
    out = []
    for team in s.scalars(select(Team).order_by(Team.id)):
        try:
            hours = OfficeHours.parse(team.office_hours, team.timezone, "office hours")
        except SettingsError:
            continue
        out.append(
            TeamInfo(
                team.id,
                team.name,
                team.country,
                frozenset(team.municipalities),
                hours,
                tuple(members.get(team.id, ())),
            )
        )
    return tuple(out)


class Directory:
    """The teams as this process last read them; ``refresh`` re-reads them every ``ttl``, so an
    admin's change reaches every process within that time (the saving process at once)."""

    def __init__(self, ttl: timedelta = timedelta(seconds=15)) -> None:
        self.ttl = ttl
        self.teams: tuple[TeamInfo, ...] = ()
        self._loaded_at: datetime | None = None
        self._lock = threading.Lock()

    def refresh(self, s: Session, now: datetime, *, force: bool = False) -> None:
        with self._lock:
            if not force and self._loaded_at is not None and now - self._loaded_at < self.ttl:
                return
            self.teams = load(s)
            self._loaded_at = now

    def invalidate(self) -> None:
        with self._lock:
            self._loaded_at = None

    def by_id(self) -> dict[int, TeamInfo]:
        return {team.id: team for team in self.teams}

    def team_for(
        self, lang: str | None, country: str | None, municipality: str | None
    ) -> TeamInfo | None:
        return route(self.teams, lang, country, municipality)

    def hours_for(
        self, lang: str | None, country: str | None, municipality: str | None
    ) -> OfficeHours | None:
        team = self.team_for(lang, country, municipality)
        return team.hours if team else None


# ---- editing (the admin's staff pages) -------------------------------------------------------


@dataclass
class TeamForm:
    name: str
    country: str | None
    municipalities: list[str]
    office_hours: str
    timezone: str


def _clean(
    s: Session, form: TeamForm, team: Team | None, known_municipalities: dict[str, str]
) -> TeamForm:
    name = " ".join(form.name.split())
    if not name or len(name) > 80:
        raise TeamError("the name needs 1 to 80 characters")
    holder = s.scalar(select(Team).where(Team.name == name))
    if holder is not None and holder is not team:
        raise TeamError("there is a team called {name!r} already", name=name)
    country = (form.country or "").strip().upper() or None
    if country is not None and country not in COUNTRIES:
        raise TeamError(
            "the country must be one of {countries} or empty", countries=", ".join(COUNTRIES)
        )
    allowed = set(known_municipalities) | set(team.municipalities if team else [])
    places = sorted(set(form.municipalities))
    for slug in places:
        if slug not in allowed:
            raise TeamError("no local information for municipality {slug!r}", slug=slug)
        if country and known_municipalities.get(slug, country) != country:
            raise TeamError("{slug} is not in {country}", slug=slug, country=country)
    try:
        hours = OfficeHours.parse(form.office_hours, form.timezone.strip(), "office hours")
    except SettingsError as exc:
        raise TeamError(exc.problem) from None
    return TeamForm(name, country, places, hours.spec, form.timezone.strip())


def create(
    s: Session,
    by: Staff | None,
    form: TeamForm,
    known_municipalities: dict[str, str],
    now: datetime,
) -> Team:
    clean = _clean(s, form, None, known_municipalities)
    team = Team(
        name=clean.name,
        country=clean.country,
        municipalities=clean.municipalities,
        office_hours=clean.office_hours,
        timezone=clean.timezone,
        created_at=now,
    )
    s.add(team)
    s.flush()
    record(s, now, by.id if by else None, "team.create", clean.name)
    return team


def change(
    s: Session,
    by: Staff | None,
    team: Team,
    form: TeamForm,
    known_municipalities: dict[str, str],
    now: datetime,
) -> list[str]:
    clean = _clean(s, form, team, known_municipalities)
    changed = [
        key
        for key in ("name", "country", "municipalities", "office_hours", "timezone")
        if getattr(team, key) != getattr(clean, key)
    ]
    for key in changed:
        setattr(team, key, getattr(clean, key))
    if changed:
        record(s, now, by.id if by else None, "team.update", f"{team.name}: {', '.join(changed)}")
    return changed


def remove(s: Session, by: Staff | None, team: Team, now: datetime) -> None:
    """Its members stay, without a team; its cases keep their history."""
    s.execute(update(Staff).where(Staff.team_id == team.id).values(team_id=None))
    record(s, now, by.id if by else None, "team.delete", team.name)
    s.delete(team)
    s.flush()
