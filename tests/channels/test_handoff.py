"""Hand-off details: office hours in the promise to the user, reopening a recent case."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.inbox import resolve
from bot.storage.models import Case
from tests.channels.conftest import run
from tests.channels.test_journeys import Channel


def test_outside_office_hours_the_user_is_told_when_a_worker_will_answer(harness):
    harness.now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # a Saturday

    async def scenario():
        async with harness.client() as c:
            ch = Channel("telegram", harness, c)
            await ch.onboard("pl")
            await ch.say("/human")
            assert "30.11. 09:00" in ch.text()

    run(scenario(), harness)


def test_during_office_hours_the_promise_is_a_few_hours(harness):
    harness.now = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # Tuesday 11:00 in Amsterdam

    async def scenario():
        async with harness.client() as c:
            ch = Channel("telegram", harness, c)
            await ch.onboard("en")
            await ch.say("/human")
            assert "within a few hours" in ch.text()

    run(scenario(), harness)


def test_asking_again_soon_after_a_resolution_reopens_the_same_case(harness):
    async def scenario():
        async with harness.client() as c:
            ch = Channel("telegram", harness, c)
            await ch.onboard("pl")
            await ch.say("/human")
            with harness.app.state.service.sessions() as s:
                resolve(s, None, s.scalars(select(Case)).one(), harness.now)
                s.commit()
            harness.now += timedelta(days=2)
            await ch.say("/human")
            with harness.app.state.service.sessions() as s:
                cases = s.scalars(select(Case)).all()
                assert [c.status for c in cases] == ["new"]
            harness.now += timedelta(days=30)
            with harness.app.state.service.sessions() as s:
                resolve(s, None, s.scalars(select(Case)).one(), harness.now)
                s.commit()
            harness.now += timedelta(days=10)
            await ch.say("/human")
            with harness.app.state.service.sessions() as s:
                assert [c.status for c in s.scalars(select(Case).order_by(Case.id)).all()] == [
                    "resolved",
                    "new",
                ]

    run(scenario(), harness)
