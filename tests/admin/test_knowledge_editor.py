"""The knowledge editor: the matrix, editing one language, preview, versions, review, import."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from bot.storage.models import AuditLog, KbVersion
from tests.admin.conftest import csrf, login_as
from tests.channels.conftest import build_harness, run

ENTRY = "registration.brp"
NEW_PL = (
    "1. Umów wizytę w *gemeente* (urząd gminy).\n"
    "2. Zabierz paszport lub dowód osobisty i umowę najmu.\n"
    "3. Po wpisie do BRP dostaniesz numer BSN."
)


def fields(page_text: str) -> dict[str, str | list[str]]:
    """The edit form as the browser would submit it, unchanged."""

    def value(name: str) -> str:
        m = re.search(rf'name="{name}" value="([^"]*)"', page_text)
        return unescape(m.group(1)) if m else ""

    def area(name: str) -> str:
        m = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page_text, re.S)
        return unescape(m.group(1)) if m else ""

    status = re.search(r'<option value="(draft|reviewed|machine)" selected>', page_text)
    return {
        "csrf": value("csrf"),
        "lang": value("lang"),
        "question": value("question"),
        "alternates": area("alternates"),
        "answer": area("answer"),
        "variant_be": area("variant_be"),
        "status": status.group(1) if status else "draft",
        "topic": value("topic"),
        "countries": re.findall(r'name="countries" value="(\w+)"[^>]*checked', page_text),
        "escalate": "1" if re.search(r'name="escalate" value="1"[^>]*checked', page_text) else "",
        "related": value("related"),
        "sources": area("sources"),
        "reviewed": value("reviewed"),
    }


def unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_only_editors_and_admins_get_in(admin_harness):
    async def scenario():
        async with admin_harness.client() as anon:
            res = await anon.get("/admin/entry/registration.brp")
            assert res.status_code == 303
            assert res.headers["location"] == "/inbox/login?next=/admin/entry/registration.brp"
        for username, expected in (("wim", 403), ("eddie", 200), ("ada", 200)):
            async with admin_harness.client() as client:
                await login_as(client, username)
                assert (await client.get("/admin")).status_code == expected, username

    run(scenario(), admin_harness)


def test_an_admin_edits_the_polish_answer_and_the_bot_answers_with_it(admin_harness):
    async def scenario():
        async with admin_harness.client() as client:
            await login_as(client, "ada")
            page = await client.get(f"/admin/entry/{ENTRY}?lang=pl")
            assert page.status_code == 200
            form = fields(page.text)
            assert form["question"] and form["answer"] and form["countries"]
            form["answer"] = NEW_PL
            form["note"] = "shorter steps"
            res = await client.post(f"/admin/entry/{ENTRY}", data=form)
            assert res.status_code == 303, res.text
            assert "Saved" in unquote(res.headers["location"])
            page = await client.get(res.headers["location"])
            assert "<strong>gemeente</strong>" in page.text  # the preview renders *bold*
            engine = admin_harness.app.state.live.engine
            assert engine.kb.entries[ENTRY].translations["pl"].answer == NEW_PL
            # nothing else in the entry changed
            before = admin_harness.app.state.engine.kb.entries[ENTRY]
            after = engine.kb.entries[ENTRY]
            assert after.translations["en"] == before.translations["en"]
            assert after.sources == before.sources and after.related == before.related
            history = await client.get(f"/admin/entry/{ENTRY}/history")
            assert "shorter steps" in history.text and "ada" in history.text
            assert "+[pl] answer: 2. Zabierz paszport" in unescape(history.text)
        with admin_harness.app.state.service.sessions() as s:
            actions = s.scalars(select(AuditLog.action)).all()
            versions = s.scalars(select(KbVersion).where(KbVersion.entry_id == ENTRY)).all()
        assert "kb.edit" in actions
        assert [v.author for v in versions] == ["import", "ada"]

    run(scenario(), admin_harness)


def test_a_revert_brings_back_the_old_text(admin_harness):
    async def scenario():
        async with admin_harness.client() as client:
            await login_as(client, "ada")
            form = fields((await client.get(f"/admin/entry/{ENTRY}?lang=pl")).text)
            old = form["answer"]
            await client.post(f"/admin/entry/{ENTRY}", data={**form, "answer": NEW_PL})
            history = await client.get(f"/admin/entry/{ENTRY}/history")
            token = csrf(history)
            res = await client.post(f"/admin/entry/{ENTRY}/revert/1", data={"csrf": token})
            assert res.status_code == 303
            engine = admin_harness.app.state.live.engine
            assert engine.kb.entries[ENTRY].translations["pl"].answer == old
            history = await client.get(f"/admin/entry/{ENTRY}/history")
            assert "revert to v1" in history.text
            assert (
                await client.post(f"/admin/entry/{ENTRY}/revert/99", data={"csrf": token})
            ).status_code == 404

    run(scenario(), admin_harness)


@pytest.mark.parametrize("admin_harness", ["sqlite", "postgres"], indirect=True)
def test_changing_the_english_text_makes_reviewed_translations_stale(admin_harness):
    async def scenario():
        async with admin_harness.client() as client:
            await login_as(client, "ada")
            matrix = await client.get("/admin?q=registration.brp")
            assert re.search(
                r'class="st reviewed" href="/admin/entry/registration.brp\?lang=pl"', matrix.text
            )
            admin_harness.now += timedelta(minutes=5)
            form = fields((await client.get(f"/admin/entry/{ENTRY}?lang=en")).text)
            form["answer"] = str(form["answer"]) + "\n\nBring your rental contract too."
            assert (await client.post(f"/admin/entry/{ENTRY}", data=form)).status_code == 303
            matrix = await client.get("/admin?q=registration.brp")
            assert re.search(
                r'class="st stale" href="/admin/entry/registration.brp\?lang=pl"', matrix.text
            )
            assert re.search(
                r'class="st reviewed" href="/admin/entry/registration.brp\?lang=en"', matrix.text
            )
            tabs = await client.get(f"/admin/entry/{ENTRY}?lang=en")
            assert "Polski · stale" in tabs.text or "Polish · stale" in tabs.text
            stale = await client.get("/admin?lang=pl&status=stale")
            assert "registration.brp" in stale.text and "registration.bsn" not in stale.text

    run(scenario(), admin_harness)


def test_with_second_person_review_nobody_reviews_their_own_words(tmp_path, engine, shipped_kb):
    from bot.storage import kb_repo
    from tests.admin.conftest import add_personas

    with build_harness(tmp_path, engine, BRUG_REVIEW_SECOND_PERSON="true") as h:
        with h.app.state.service.sessions() as s:
            kb_repo.replace_all(s, shipped_kb, author="import", now=h.now)
            s.commit()
        add_personas(h)

        async def scenario():
            async with h.client() as ada, h.client() as bea:
                await login_as(ada, "ada")
                await login_as(bea, "bea")
                form = fields((await ada.get(f"/admin/entry/{ENTRY}?lang=pl")).text)
                assert form["status"] == "reviewed"
                res = await ada.post(f"/admin/entry/{ENTRY}", data={**form, "answer": NEW_PL})
                assert "second person" in unquote(res.headers["location"])
                tr = h.app.state.live.engine.kb.entries[ENTRY].translations["pl"]
                assert (tr.answer, tr.status) == (NEW_PL, "draft")
                form = fields((await ada.get(f"/admin/entry/{ENTRY}?lang=pl")).text)
                refused = await ada.post(
                    f"/admin/entry/{ENTRY}", data={**form, "status": "reviewed"}
                )
                assert refused.status_code == 400 and "second person" in refused.text
                form = fields((await bea.get(f"/admin/entry/{ENTRY}?lang=pl")).text)
                ok = await bea.post(f"/admin/entry/{ENTRY}", data={**form, "status": "reviewed"})
                assert ok.status_code == 303
                tr = h.app.state.live.engine.kb.entries[ENTRY].translations["pl"]
                assert tr.status == "reviewed"

        run(scenario(), h)


def test_invalid_edits_are_refused_with_reasons_and_change_nothing(admin_harness):
    async def scenario():
        async with admin_harness.client() as client:
            await login_as(client, "eddie")
            form = fields((await client.get(f"/admin/entry/{ENTRY}?lang=ro")).text)
            bad = {
                **form,
                "related": "registration.bsn no.such-entry",
                "sources": "http://x.example",
                "question": "",
            }
            res = await client.post(f"/admin/entry/{ENTRY}", data=bad)
            assert res.status_code == 400
            for reason in ("no.such-entry", "https://", "question may not be empty"):
                assert reason in res.text
            no_token = {k: v for k, v in form.items() if k != "csrf"}
            assert (await client.post(f"/admin/entry/{ENTRY}", data=no_token)).status_code == 403
        with admin_harness.app.state.service.sessions() as s:
            assert s.scalars(select(KbVersion).where(KbVersion.author == "eddie")).all() == []

    run(scenario(), admin_harness)


def test_the_live_preview_counts_against_each_platform_limit(admin_harness):
    async def scenario():
        async with admin_harness.client() as client:
            await login_as(client, "ada")
            form = fields((await client.get(f"/admin/entry/{ENTRY}?lang=pl")).text)
            long = "Krok. " * 400
            res = await client.post(f"/admin/entry/{ENTRY}/preview", data={**form, "answer": long})
            p = res.json()
            assert p["length"] > 2400
            assert p["whatsapp"] == {"limit": 1600, "parts": 2}
            assert p["telegram"] == {"limit": 4096, "parts": 1}
            xss = await client.post(
                f"/admin/entry/{ENTRY}/preview",
                data={**form, "answer": "<img src=x onerror=alert(1)>"},
            )
            assert "<img" not in xss.json()["html"] and "&lt;img" in xss.json()["html"]

    run(scenario(), admin_harness)


def test_test_this_question_shows_the_decision_and_candidates(admin_harness):
    async def scenario():
        async with admin_harness.client() as client:
            await login_as(client, "eddie")
            res = await client.get(
                "/admin/test",
                params={"q": "gdzie mam sie zameldowac w gemeente i co zabrac", "lang": "pl"},
            )
            assert res.status_code == 200
            assert 'Decision: <span class="action">answer</span>' in res.text
            assert re.search(r'→ <a href="/admin/entry/registration.brp\?lang=pl">', res.text)
            assert res.text.count('<td class="num">0.') >= 2  # top candidates with their scores

    run(scenario(), admin_harness)


def test_export_then_import_as_a_dry_run_changes_nothing_and_an_entry_file_updates_one(
    admin_harness,
):
    async def scenario():
        async with admin_harness.client() as client:
            token = await login_as(client, "ada")
            export = await client.get("/admin/export")
            assert export.headers["content-type"] == "application/zip"
            zf = zipfile.ZipFile(io.BytesIO(export.content))
            names = zf.namelist()
            assert "knowledge/registration/brp.yaml" in names or any(
                n.endswith("brp.yaml") for n in names
            )
            dry = await client.post(
                "/admin/import",
                data={"csrf": token, "action": "dry-run"},
                files={"file": ("knowledge.zip", export.content, "application/zip")},
            )
            assert dry.status_code == 200 and "No entry would change." in dry.text
            brp = next(n for n in names if n.endswith("brp.yaml"))
            text = zf.read(brp).decode().replace("  status: reviewed", "  status: draft", 1)
            dry = await client.post(
                "/admin/import",
                data={"csrf": token, "action": "dry-run"},
                files={"file": ("brp.yaml", text.encode(), "text/yaml")},
            )
            assert "registration.brp" in dry.text and "Dry run" in dry.text
            assert (
                admin_harness.app.state.live.engine.kb.entries[ENTRY]
                == admin_harness.app.state.engine.kb.entries[ENTRY]
            )
            done = await client.post(
                "/admin/import",
                data={"csrf": token, "action": "import"},
                files={"file": ("brp.yaml", text.encode(), "text/yaml")},
            )
            assert done.status_code == 200 and "Imported" in done.text
            statuses = {
                t.status
                for t in admin_harness.app.state.live.engine.kb.entries[ENTRY].translations.values()
            }
            assert "draft" in statuses
            broken = await client.post(
                "/admin/import",
                data={"csrf": token, "action": "import"},
                files={"file": ("brp.yaml", b"id: [unclosed", "text/yaml")},
            )
            assert broken.status_code == 400 and "Cannot import" in broken.text

    run(scenario(), admin_harness)
