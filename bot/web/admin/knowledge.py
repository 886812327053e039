"""The knowledge editor: /admin (the matrix), /admin/entry/<id> (edit one language, preview,
save), history with diffs and reverts, "test this question", and YAML import/export."""

from __future__ import annotations

import html
import io
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.admin import knowledge as kbedit
from bot.asking import ask
from bot.errors import KnowledgeError
from bot.inbox import audit
from bot.kbfiles import write_dir
from bot.knowledge import Entry, KnowledgeBase
from bot.languages import LANGUAGES
from bot.replies import Context, answer_text
from bot.storage import kb_repo
from bot.storage.models import KbOverlay, Staff
from bot.text import split_text
from bot.web.admin import FORBIDDEN_FORM, AdminContext, StaffView
from bot.web.inbox import csrf_ok

AREA = "knowledge"
MAX_UPLOAD = 5 * 1024 * 1024
_LINK = re.compile(r"https?://[^\s<>\"']+")
_BOLD = re.compile(r"\*([^*\n]+)\*")


def chat_html(text: str) -> str:
    """How a chat app shows our text: *bold*, links, line breaks (escaped first)."""
    out = html.escape(text, quote=False)
    out = _BOLD.sub(r"<strong>\1</strong>", out)
    return _LINK.sub(lambda m: f'<a href="{m.group(0)}" rel="noopener">{m.group(0)}</a>', out)


def preview(kb: KnowledgeBase, entry: Entry, lang: str, country: str) -> dict[str, Any]:
    text, _ = answer_text(kb, entry, Context(lang=lang, country=country))
    return {
        "html": chat_html(text),
        "length": len(text),
        "telegram": {"limit": 4096, "parts": len(split_text(text, 4096 - 200))},
        "whatsapp": {"limit": 1600, "parts": len(split_text(text, 1600))},
    }


async def _form(request: Request, upload: str | None = None) -> tuple[FormData, bytes] | None:
    """The form (CSRF-checked) and the bytes of its ``upload`` file field, if any. Uploaded
    files are read and closed here: nothing is left open whatever the form held."""
    form = await request.form(max_part_size=MAX_UPLOAD)
    try:
        data = b""
        if upload and isinstance(form.get(upload), UploadFile):
            file = form[upload]
            assert isinstance(file, UploadFile)
            data = await file.read(MAX_UPLOAD + 1)
        if not csrf_ok(request, form.get("csrf")):
            return None
        return form, data
    finally:
        await form.close()


def _as_dict(form: FormData) -> dict[str, Any]:
    data: dict[str, Any] = {k: str(v) for k, v in form.items() if not isinstance(v, UploadFile)}
    data["countries"] = [str(c) for c in form.getlist("countries")]
    return data


def routes(ctx: AdminContext) -> list[BaseRoute]:
    languages = tuple(c for c in LANGUAGES if c in ctx.settings.languages)
    second_person = ctx.settings.review_second_person

    def today() -> Any:
        return ctx.clock().date()

    async def index(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        q = request.query_params
        filters: dict[str, Any] = {
            "search": q.get("q", "")[:200],
            "topic": q.get("topic", ""),
            "lang": q.get("lang", "") if q.get("lang") in languages else "",
            "status": q.get("status", ""),
            "overdue_only": bool(q.get("overdue")),
        }

        def load() -> tuple[list[kbedit.MatrixRow], list[str]]:
            with ctx.sessions() as s:
                rows = kbedit.matrix(s, languages, today(), **filters)
                topics = sorted({r.topic for r in kbedit.matrix(s, languages, today())})
                return rows, topics

        rows, topics = await run_in_threadpool(load)
        return ctx.render(
            request,
            "admin/knowledge.html",
            staff,
            AREA,
            rows=rows,
            topics=topics,
            languages=languages,
            counts=kbedit.status_counts(rows, languages),
            filters=filters,
            flash=request.query_params.get("flash"),
        )

    def load_entry(
        entry_id: str,
    ) -> tuple[KnowledgeBase, Entry | None, list[Any], dict[str, kbedit.Cell]]:
        with ctx.sessions() as s:
            kb = kb_repo.load(s)
            overlays = [(o.municipality, o.name, o.entries) for o in s.query(KbOverlay).all()]
            rows = kbedit.matrix(s, languages, today(), search=entry_id)
            cells = next((r.cells for r in rows if r.id == entry_id), {})
            return kb, kb.entries.get(entry_id), overlays, cells

    async def entry_page(
        request: Request,
        staff: StaffView,
        entry_id: str,
        lang: str,
        *,
        draft: Entry | None = None,
        form: dict[str, Any] | None = None,
        problems: list[str] | None = None,
        warnings: list[str] | None = None,
        http_status: int = 200,
        prefill: str = "",
    ) -> Response:
        kb, entry, overlays, cells = await run_in_threadpool(load_entry, entry_id)
        if entry is None and entry_id != "new":
            return PlainTextResponse(ctx._("no such entry"), status_code=404)
        shown = draft or entry
        country = (shown.countries[0] if shown and shown.countries else "NL") if shown else "NL"
        return ctx.render(
            request,
            "admin/entry.html",
            staff,
            AREA,
            http_status=http_status,
            entry=shown,
            is_new=entry is None,
            lang=lang,
            tr=shown.translations.get(lang) if shown else None,
            be=(shown.variants.get("BE", {}).get(lang) if shown else None),
            languages=[(c, LANGUAGES[c][1]) for c in languages],
            statuses=kbedit.STATUSES,
            countries=kbedit.COUNTRIES,
            overlays=[
                (key, name, texts.get(entry_id, {}).get(lang, "")) for key, name, texts in overlays
            ],
            preview=preview(kb, shown, lang, country)
            if shown and lang in shown.translations
            else None,
            country=country,
            form=form or {},
            problems=problems or [],
            warnings=warnings or [],
            second_person=second_person,
            prefill=prefill,
            cells=cells,
            all_ids=sorted(kb.entries),
            flash=request.query_params.get("flash"),
        )

    async def edit(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        lang = request.query_params.get("lang", "en")
        if lang not in languages:
            return PlainTextResponse("unknown language", status_code=400)
        return await entry_page(request, staff, request.path_params["entry_id"], lang)

    async def save(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        got = await _form(request)
        if got is None:
            return PlainTextResponse(ctx._(FORBIDDEN_FORM), status_code=403)
        form = _as_dict(got[0])
        entry_id = request.path_params.get("entry_id", "new")
        lang = form.get("lang", "en")
        if lang not in languages:
            return PlainTextResponse("unknown language", status_code=400)

        def apply() -> tuple[str, Entry | None, list[str], list[str]]:
            now = ctx.clock()
            with ctx.sessions() as s:
                kb = kb_repo.load(s)
                current = kb.entries.get(entry_id)
                if current is None and entry_id != "new":
                    return "missing", None, [], []
                try:
                    entry = kbedit.entry_from_form(current, form, set(kb.entries), languages)
                    entry = kbedit.apply_review_rule(
                        s, current, entry, lang, staff.username, second_person
                    )
                except kbedit.EditError as exc:
                    return "invalid", None, exc.problems, []
                errors, warnings = kbedit.validate(kb, entry, now.date())
                if errors:
                    return "invalid", entry, [f.message for f in errors], []
                changed = kb_repo.save_entry(
                    s, entry, author=staff.username, now=now, note=form.get("note", "")[:400]
                )
                local = kbedit.save_overlay_texts(
                    s,
                    entry.id,
                    lang,
                    {k[len("local_") :]: v for k, v in form.items() if k.startswith("local_")},
                    now,
                )
                if changed or local:
                    audit(s, now, s.get(Staff, staff.id), "kb.edit", f"{entry.id} {lang}")
                s.commit()
                return (
                    ("saved" if changed or local else "unchanged"),
                    entry,
                    [],
                    [f.message for f in warnings],
                )

        outcome, entry, problems, warnings = await run_in_threadpool(apply)
        if outcome == "missing":
            return PlainTextResponse(ctx._("no such entry"), status_code=404)
        if outcome == "invalid":
            return await entry_page(
                request,
                staff,
                entry_id,
                lang,
                draft=entry,
                form=form,
                problems=problems,
                http_status=400,
            )
        assert entry is not None
        await run_in_threadpool(ctx.live.refresh)
        tr = entry.translations[lang]
        note = (
            ctx._("Saved; the bot answers with it now.")
            if outcome == "saved"
            else ctx._("Nothing changed.")
        )
        if second_person and form.get("status") == "reviewed" and tr.status == "draft":
            note += " " + ctx._(
                "The text changed, so it stays a draft until a second person reviews it."
            )
        if warnings:
            note += " " + ctx._("Check:") + " " + " ".join(warnings)
        return RedirectResponse(
            f"/admin/entry/{entry.id}?lang={lang}&flash={_q(note)}", status_code=303
        )

    async def live_preview(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        got = await _form(request)
        if got is None:
            return JSONResponse({"error": ctx._(FORBIDDEN_FORM)}, status_code=403)
        form = _as_dict(got[0])
        lang = form.get("lang", "en")
        entry_id = request.path_params["entry_id"]

        def build() -> dict[str, Any]:
            with ctx.sessions() as s:
                kb = kb_repo.load(s)
            current = kb.entries.get(entry_id)
            try:
                entry = kbedit.entry_from_form(current, form, set(kb.entries), languages)
            except kbedit.EditError as exc:
                return {"error": "; ".join(exc.problems)}
            country = str(form.get("country")) if form.get("country") in kbedit.COUNTRIES else "NL"
            kb = KnowledgeBase({**kb.entries, entry.id: entry}, kb.overlays)
            return preview(kb, entry, lang, country)

        if lang not in languages:
            return JSONResponse({"error": "unknown language"}, status_code=400)
        return JSONResponse(await run_in_threadpool(build))

    async def history(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        entry_id = request.path_params["entry_id"]

        def load() -> list[kbedit.VersionView]:
            with ctx.sessions() as s:
                return kbedit.history(s, entry_id)

        versions = await run_in_threadpool(load)
        if not versions:
            return PlainTextResponse(ctx._("no such entry"), status_code=404)
        return ctx.render(
            request,
            "admin/history.html",
            staff,
            AREA,
            entry_id=entry_id,
            versions=versions,
            flash=request.query_params.get("flash"),
        )

    async def revert(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        if await _form(request) is None:
            return PlainTextResponse(ctx._(FORBIDDEN_FORM), status_code=403)
        entry_id = request.path_params["entry_id"]
        version = int(request.path_params["version"])

        def apply() -> str | None:
            now = ctx.clock()
            with ctx.sessions() as s:
                try:
                    kbedit.revert(s, entry_id, version, author=staff.username, now=now)
                except kbedit.EditError as exc:
                    return str(exc)
                audit(s, now, s.get(Staff, staff.id), "kb.revert", f"{entry_id} v{version}")
                s.commit()
                return None

        problem = await run_in_threadpool(apply)
        if problem:
            return PlainTextResponse(problem, status_code=404)
        await run_in_threadpool(ctx.live.refresh)
        return RedirectResponse(
            f"/admin/entry/{entry_id}/history?flash={_q(ctx._('Reverted to version {n}.', n=version))}",
            status_code=303,
        )

    async def delete(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        got = await _form(request)
        if got is None:
            return PlainTextResponse(ctx._(FORBIDDEN_FORM), status_code=403)
        entry_id = request.path_params["entry_id"]
        if str(got[0].get("confirm") or "") != entry_id:
            return PlainTextResponse(ctx._("type the entry id to confirm"), status_code=400)

        def apply() -> str | None:
            now = ctx.clock()
            with ctx.sessions() as s:
                kb = kb_repo.load(s)
                if entry_id not in kb.entries:
                    return "no such entry"
                rest = KnowledgeBase(
                    {k: v for k, v in kb.entries.items() if k != entry_id}, kb.overlays
                )
                errors = [f for f in kbedit.check(rest, today=now.date()) if f.level == "error"]
                if errors:
                    return "cannot delete: " + "; ".join(f.message for f in errors[:3])
                kb_repo.delete_entry(s, entry_id, author=staff.username, now=now)
                audit(s, now, s.get(Staff, staff.id), "kb.delete", entry_id)
                s.commit()
                return None

        problem = await run_in_threadpool(apply)
        if problem:
            return PlainTextResponse(problem, status_code=400)
        await run_in_threadpool(ctx.live.refresh)
        return RedirectResponse(
            f"/admin?flash={_q(ctx._('Deleted {id}; its history can restore it.', id=entry_id))}",
            status_code=303,
        )

    async def test_question(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        q = request.query_params
        text = q.get("q", "")[:2000]
        lang = q.get("lang") if q.get("lang") in languages else None
        country = q.get("country") if q.get("country") in kbedit.COUNTRIES else None
        result = None
        if text.strip():
            engine = ctx.engine
            result = await run_in_threadpool(
                lambda: ask(
                    engine,
                    text,
                    lang=lang,
                    country=country,
                    be_fallback_lang=ctx.settings.be_fallback_lang,
                )
            )
        return ctx.render(
            request,
            "admin/test.html",
            staff,
            AREA,
            text=text,
            lang=lang or "",
            country=country or "",
            result=result,
            languages=[(c, LANGUAGES[c][1]) for c in languages],
        )

    async def export(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff

        def build() -> bytes:
            now = ctx.clock()
            with ctx.sessions() as s:
                kb = kb_repo.load(s)
                audit(s, now, s.get(Staff, staff.id), "kb.export", f"{len(kb.entries)} entries")
                s.commit()
            buf = io.BytesIO()
            with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buf, "w") as zf:
                root = Path(tmp)
                for path in write_dir(root, kb):
                    zf.write(path, f"knowledge/{path.relative_to(root)}")
            return buf.getvalue()

        data = await run_in_threadpool(build)
        stamp = ctx.clock().strftime("%Y%m%d-%H%M")
        return Response(
            data,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="brug-knowledge-{stamp}.zip"'},
        )

    async def import_page(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        return ctx.render(request, "admin/import.html", staff, AREA, result=None)

    async def import_upload(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        got = await _form(request, upload="file")
        if got is None:
            return PlainTextResponse(ctx._(FORBIDDEN_FORM), status_code=403)
        raw, data = got
        upload = raw.get("file")
        if not isinstance(upload, UploadFile) or not data:
            return PlainTextResponse(ctx._("choose a .zip or .yaml file"), status_code=400)
        if len(data) > MAX_UPLOAD:
            return PlainTextResponse(ctx._("the file is larger than 5 MB"), status_code=413)
        apply_it = raw.get("action") == "import"
        name = upload.filename or "upload"

        def run() -> dict[str, Any]:
            from bot.admin.kbimport import plan_import

            now = ctx.clock()
            with ctx.sessions() as s:
                result = plan_import(s, name, data, now, author=staff.username, apply=apply_it)
                if apply_it and result["ok"]:
                    audit(s, now, s.get(Staff, staff.id), "kb.import", name[:100])
                    s.commit()
                return result

        try:
            result = await run_in_threadpool(run)
        except KnowledgeError as exc:
            result = {"ok": False, "errors": [str(exc)], "changes": [], "applied": False}
        if result.get("applied"):
            await run_in_threadpool(ctx.live.refresh)
        return ctx.render(
            request,
            "admin/import.html",
            staff,
            AREA,
            http_status=200 if result["ok"] else 400,
            result=result,
            applied=apply_it and result["ok"],
        )

    return [
        Route("/admin", index),
        Route("/admin/test", test_question),
        Route("/admin/export", export),
        Route("/admin/import", import_page, methods=["GET"]),
        Route("/admin/import", import_upload, methods=["POST"]),
        Route("/admin/entry/new", _new_page(ctx, entry_page), methods=["GET"]),
        Route("/admin/entry/new", save, methods=["POST"]),
        Route("/admin/entry/{entry_id}", edit, methods=["GET"]),
        Route("/admin/entry/{entry_id}", save, methods=["POST"]),
        Route("/admin/entry/{entry_id}/preview", live_preview, methods=["POST"]),
        Route("/admin/entry/{entry_id}/history", history),
        Route("/admin/entry/{entry_id}/revert/{version:int}", revert, methods=["POST"]),
        Route("/admin/entry/{entry_id}/delete", delete, methods=["POST"]),
    ]


def _new_page(ctx: AdminContext, entry_page: Any) -> Any:
    async def new(request: Request) -> Response:
        staff = await ctx.who(request, AREA)
        if isinstance(staff, Response):
            return staff
        # a new entry starts in English (every entry needs it: the fallback language); the
        # question it came from is shown beside it, to be added as a phrasing afterwards
        asked = request.query_params.get("asked", "")[:300]
        return await entry_page(request, staff, "new", "en", prefill=asked)

    return new


def _q(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
