"""Translation both ways in the inbox, on the real argostranslate code path with tiny models."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.inbox import add_staff
from bot.translate import ArgosTranslator, protect, restore
from tests.argos_tiny import build_package
from tests.channels.conftest import build_harness, run
from tests.channels.test_journeys import Channel
from tests.web.test_inbox import PASSWORD, csrf, login
from tests.web.test_staff_language import add_pieter


@pytest.fixture(scope="session")
def translator(tmp_path_factory: pytest.TempPathFactory) -> ArgosTranslator:
    base = tmp_path_factory.mktemp("argos")
    # argostranslate reads these when first imported; the tiny packages carry a blank spaCy
    # pipeline for sentence splitting, so nothing is downloaded
    os.environ["ARGOS_CHUNK_TYPE"] = "SPACY"
    for var in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        os.environ[var] = str(base / var.lower())
    import spacy

    cache = base / "xdg_cache_home" / "argos-translate" / "spacy"
    cache.mkdir(parents=True)
    spacy.blank("xx").to_disk(cache)
    (cache / "senter" / "model").mkdir(parents=True, exist_ok=True)
    os.environ.pop("ARGOS_PACKAGES_DIR", None)
    t = ArgosTranslator(base / "models")
    for i, (src, dst) in enumerate([("pl", "en"), ("en", "pl"), ("en", "nl"), ("nl", "en")]):
        t.install(build_package(base / "build", src, dst, seed=i))
    return t


def test_pairs_and_pivot_through_english(translator):
    assert ("pl", "en") in translator.pairs()
    assert translator.can("pl", "nl")  # pl → en → nl
    assert not translator.can("pl", "hr")
    out = translator.translate("gdzie zrobic BSN w gemeente", "pl", "nl")
    assert isinstance(out, str) and "BSN" in out and "gemeente" in out  # protected terms survive


def test_protected_terms_come_back_even_when_a_model_drops_the_marker():
    marked, terms = protect("Mam BSN i DigiD")
    assert terms == ["BSN", "DigiD"] and "BSN" not in marked
    assert restore("tekst [1]", terms) == "tekst BSN (DigiD)"


def test_pieter_reads_a_polish_case_in_dutch_and_previews_his_reply_in_polish(
    tmp_path, engine, translator
):
    with build_harness(tmp_path, engine, translator=translator) as h:
        add_pieter(h)

        async def scenario():
            async with h.client() as user_http, h.client() as staff:
                user = Channel("telegram", h, user_http)
                await user.onboard("pl")
                await user.say("/human")
                await user.say("mam problem z BSN")
                await login(staff, "pieter")
                page = await staff.get("/inbox/case/1")
                assert "mam problem z BSN" in page.text  # the original is always shown
                assert (
                    page.text.count("machine translation") >= 1
                    and "(nl, machine translation)" in page.text
                )
                token = csrf(page)
                preview = await staff.post(
                    "/inbox/case/1/reply",
                    data={
                        "csrf": token,
                        "text": "Goedendag, ik help u met uw BSN.",
                        "action": "preview",
                    },
                )
                assert preview.status_code == 200
                assert "Your text: Goedendag, ik help u met uw BSN." in preview.text
                draft = re.search(r'id="reply"[^>]*>([^<]*)</textarea>', preview.text).group(1)
                assert "BSN" in draft
                res = await staff.post(
                    "/inbox/case/1/reply", data={"csrf": token, "text": draft, "action": "send"}
                )
                assert res.status_code == 303
                await h.flush()
                assert h.telegram.named("sendMessage")[-1]["text"].startswith(
                    draft.split("&")[0][:5]
                )

        run(scenario(), h)


def test_without_models_the_inbox_says_translation_is_unavailable(harness):
    async def scenario():
        with harness.app.state.service.sessions() as s:
            add_staff(
                s,
                username="pieter",
                name="Pieter",
                password=PASSWORD,
                role="worker",
                languages=["nl"],
                municipalities=[],
                now=harness.now,
            )
            s.commit()
        async with harness.client() as user_http, harness.client() as staff:
            user = Channel("telegram", harness, user_http)
            await user.onboard("pl")
            await user.say("/human")
            await login(staff, "pieter")
            page = await staff.get("/inbox/case/1")
            assert "is not available (no model installed)" in page.text
            assert "Translate into" not in page.text

    run(scenario(), harness)


def test_a_tiny_model_file_installs_with_the_cli(tmp_path, translator):
    import subprocess
    import sys

    from tests.conftest import ROOT

    archive = build_package(tmp_path / "build", "ro", "en", seed=9)
    env = {k: v for k, v in os.environ.items() if k != "ARGOS_PACKAGES_DIR"}
    env["BRUG_DATA_DIR"] = str(tmp_path / "var")
    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "translate", "install", str(archive)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-1000:]
    listed = subprocess.run(
        [sys.executable, "-m", "bot.cli", "translate", "list"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "ro → en" in listed.stdout
    assert list(Path(tmp_path / "var" / "translation").glob("*/metadata.json"))
