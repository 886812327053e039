"""WhatsApp quick replies: with TWILIO_QUICK_REPLY_SIDS, 1–3 short options become buttons.

Twilio-signed webhooks in, the local fake Twilio REST API out; taps come back as ButtonPayload.
"""

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.engine import Engine
from bot.i18n import t
from bot.languages import ALL_CODES
from bot.messages import Button, Outbound
from bot.storage.models import Case, Feedback, Outbox
from handlers.whatsapp.transport import WhatsAppTransport
from tests.channels.conftest import build_harness, run
from tests.channels.test_whatsapp import form, onboard
from tests.fakes import load_payload

SIDS = {n: "HX" + str(n) * 32 for n in (1, 2, 3)}
QUICK = ",".join(f"{n}={sid}" for n, sid in SIDS.items())
RENT = "agentia imi ia 110 euro pe saptamana pt cazare e legal?"


@pytest.fixture(scope="module")
def flat_engine(shipped_kb):
    """The shipped knowledge without related questions: an answer's only options are
    👍 / 👎 / 🙋, three buttons."""
    entries = {k: replace(e, related=()) for k, e in shipped_kb.entries.items()}
    return Engine(replace(shipped_kb, entries=entries), languages=ALL_CODES)


@pytest.fixture
def quick(tmp_path, flat_engine):
    with build_harness(tmp_path, flat_engine, TWILIO_QUICK_REPLY_SIDS=QUICK) as h:
        yield h


def sid(name: str) -> str:
    return f"SM{name}".ljust(34, "0")


def variables(message: dict) -> dict:
    return json.loads(message["ContentVariables"])


def tap(name: str, payload: str, title: str) -> dict[str, str]:
    return load_payload(
        "whatsapp/message__quick_reply.json",
        MessageSid=sid(name),
        SmsMessageSid=sid(name),
        SmsSid=sid(name),
        ButtonPayload=payload,
        ButtonText=title,
        Body=title,
    )


def feedback(h) -> list[tuple[str, bool]]:
    with h.app.state.service.sessions() as s:
        return [(f.entry, f.helpful) for f in s.scalars(select(Feedback).order_by(Feedback.id))]


def test_mihai_gets_feedback_buttons_as_quick_replies_and_his_tap_is_recorded(quick):
    async def scenario():
        async with quick.client() as c:
            await onboard(quick, c)  # picks the country and consents by typed numbers
            before = len(quick.twilio.delivered)
            await quick.whatsapp(c, form(sid("q1"), RENT))
            await quick.flush()
            answer, buttons = quick.twilio.delivered[before:]
            assert "ContentSid" not in answer and t("ro", "helped") not in answer["Body"]
            assert t("ro", "reply_with_number") not in answer["Body"]
            assert buttons["ContentSid"] == SIDS[3] and "Body" not in buttons
            assert buttons["To"] == "whatsapp:+40712345678"
            entry = variables(buttons)["3"].removeprefix("fb:+:")
            assert variables(buttons) == {
                "1": t("ro", "tap_or_type"),
                "2": t("ro", "helped"),
                "3": f"fb:+:{entry}",
                "4": t("ro", "not_helpful"),
                "5": f"fb:-:{entry}",
                "6": t("ro", "talk_to_person"),
                "7": "human",
            }
            await quick.whatsapp(c, tap("tap1", f"fb:+:{entry}", t("ro", "helped")))
            await quick.flush()
            assert quick.twilio.delivered[-1]["Body"] == t("ro", "feedback_thanks")
            assert feedback(quick) == [(entry, True)]

    run(scenario(), quick)


def test_a_typed_number_still_picks_a_button_and_a_short_reply_is_one_quick_reply(quick):
    async def scenario():
        async with quick.client() as c:
            await onboard(quick, c)
            await quick.whatsapp(c, form(sid("q1"), RENT))
            await quick.flush()
            entry = variables(quick.twilio.delivered[-1])["3"].removeprefix("fb:+:")
            await quick.whatsapp(c, form(sid("q2"), "2"))  # 👎, typed
            await quick.flush()
            assert feedback(quick) == [(entry, False)]
            sorry = quick.twilio.delivered[-1]  # text and its one button in one message
            assert sorry["ContentSid"] == SIDS[1] and "Body" not in sorry
            assert variables(sorry) == {
                "1": t("ro", "feedback_sorry"),
                "2": t("ro", "talk_to_person"),
                "3": "human",
            }
        # the onboarding's country and consent questions were buttons too, answered by number
        sent = [m.get("ContentSid") for m in quick.twilio.delivered]
        assert sent.count(SIDS[2]) == 2

    run(scenario(), quick)


def test_a_menu_of_more_than_three_options_stays_numbered(tmp_path, engine):
    with build_harness(tmp_path, engine, TWILIO_QUICK_REPLY_SIDS=QUICK) as h:

        async def scenario():
            async with h.client() as c:
                await h.whatsapp(c, form(sid("hi"), "Buna"))
                await h.flush()
                menu = h.twilio.delivered[-1]  # the language menu: 12 options
                assert "ContentSid" not in menu and "\n12. " in menu["Body"]
                await onboard(h, c)
                before = len(h.twilio.delivered)
                await h.whatsapp(c, form(sid("q1"), RENT))  # related questions + 👍 👎 🙋
                await h.flush()
                (answer,) = h.twilio.delivered[before:]
                assert "\n4. " in answer["Body"] and "ContentSid" not in answer
                assert answer["Body"].endswith(t("ro", "reply_with_number"))

        run(scenario(), h)


def test_without_the_setting_the_options_are_numbered_as_before(tmp_path, flat_engine):
    with build_harness(tmp_path, flat_engine) as h:

        async def scenario():
            async with h.client() as c:
                await onboard(h, c)
                await h.whatsapp(c, form(sid("q1"), RENT))
                await h.flush()
                answer = h.twilio.delivered[-1]
                assert answer["Body"].endswith(
                    f"\n\n1. {t('ro', 'helped')}\n2. {t('ro', 'not_helpful')}\n"
                    f"3. {t('ro', 'talk_to_person')}\n\n{t('ro', 'reply_with_number')}"
                )
                await h.whatsapp(c, form(sid("q2"), "1"))
                await h.flush()
                assert [helpful for _, helpful in feedback(h)] == [True]
            assert not any("ContentSid" in m for m in h.twilio.named("Messages"))

        run(scenario(), h)


def test_when_the_buttons_fail_after_the_text_the_retry_sends_only_the_buttons(quick):
    async def scenario():
        async with quick.client() as c:
            await onboard(quick, c)
            failed = []

            def outage():
                if "ContentSid" in quick.twilio.calls[-1][1] and not failed:
                    failed.append(True)
                    return 503, {"code": 20503, "message": "Service Unavailable"}
                return None

            quick.twilio.outage = outage
            before = len(quick.twilio.delivered)
            await quick.whatsapp(c, form(sid("q1"), RENT))
            await quick.flush()
            assert [("ContentSid" in m) for m in quick.twilio.delivered[before:]] == [False]
            with quick.app.state.service.sessions() as s:
                row = s.scalars(select(Outbox).order_by(Outbox.id.desc())).first()
                assert (row.status, row.parts_sent) == ("queued", 1)
            quick.now += timedelta(minutes=1)
            await quick.flush()
            answer, buttons = quick.twilio.delivered[before:]  # the text once, then the buttons
            assert buttons["ContentSid"] == SIDS[3]
            tried = [m.get("Body") for m in quick.twilio.named("Messages")]
            assert tried.count(answer["Body"]) == 1
            with quick.app.state.service.sessions() as s:
                assert s.get(Outbox, row.id).status == "sent"

    run(scenario(), quick)


def test_a_refused_quick_reply_template_falls_back_to_the_numbered_options(quick):
    async def scenario():
        async with quick.client() as c:
            await onboard(quick, c)

            def refuse():  # e.g. a template whose variables are laid out differently
                if "ContentSid" in quick.twilio.calls[-1][1]:
                    return 400, {"code": 21656, "message": "The ContentVariables are invalid"}
                return None

            quick.twilio.outage = refuse
            before = len(quick.twilio.delivered)
            await quick.whatsapp(c, form(sid("q1"), RENT))
            await quick.flush()
            answer, options = quick.twilio.delivered[before:]
            assert t("ro", "helped") not in answer["Body"]
            assert options["Body"] == (
                f"1. {t('ro', 'helped')}\n2. {t('ro', 'not_helpful')}\n"
                f"3. {t('ro', 'talk_to_person')}\n\n{t('ro', 'reply_with_number')}"
            )
            await quick.whatsapp(c, form(sid("q2"), "3"))  # the numbers work: a person
            await quick.flush()
            with quick.app.state.service.sessions() as s:
                assert s.scalar(select(func.count()).select_from(Case)) == 1

    run(scenario(), quick)


def outbound(buttons: tuple[Button, ...], text: str = "Short text", lang: str = "hu") -> Outbound:
    return Outbound(1, "whatsapp", "whatsapp:+36201234567", text, buttons, lang)


def transport(quick_replies: dict[int, str]) -> WhatsAppTransport:
    never = lambda: pytest.fail("no Twilio client is needed to plan the parts")  # noqa: E731
    return WhatsAppTransport(never, "whatsapp:+3197010000000", {}, None, None, quick_replies)


def test_long_titles_repeated_titles_and_missing_templates_keep_the_numbered_list():
    feedback_hu = (
        Button(t("hu", "helped"), "fb:+:x"),
        Button(t("hu", "not_helpful"), "fb:-:x"),
        Button(t("hu", "talk_to_person"), "human"),  # "🙋 Emberrel szeretnék beszélni": 30
    )
    twice = (Button("Igen", "a"), Button("Igen", "b"))
    for buttons, sids in [(feedback_hu, SIDS), (twice, SIDS), (twice, {1: SIDS[1], 3: SIDS[3]})]:
        (part,) = transport(sids).parts(outbound(buttons))
        assert part.fields["body"].endswith(t("hu", "reply_with_number"))
    (part,) = transport(SIDS).parts(outbound(twice[:1]))
    assert part.fields["content_sid"] == SIDS[1]


def test_a_twenty_character_title_fits_and_an_emoji_counts_as_two():
    exact = Button("x" * 20, "a")
    emoji = Button("🙋" + "x" * 19, "b")  # 21 UTF-16 code units
    assert "content_sid" in transport(SIDS).parts(outbound((exact,)))[0].fields
    assert "body" in transport(SIDS).parts(outbound((emoji,)))[0].fields


def test_a_text_longer_than_a_variable_goes_first_then_the_buttons_with_a_prompt():
    text = "Lorem ipsum. " * 30  # 390 characters
    parts = transport(SIDS).parts(outbound((Button("Igen", "y"),), text=text, lang="pl"))
    assert [p.fields.get("body") for p in parts] == [text, None]
    assert json.loads(parts[1].fields["content_variables"]) == {
        "1": t("pl", "tap_or_type"),
        "2": "Igen",
        "3": "y",
    }
