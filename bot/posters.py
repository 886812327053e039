"""QR codes (PNG, SVG) and A4 posters (PDF) for the links of :mod:`bot.reach`.

Posters are drawn with DejaVu Sans, which covers Latin with diacritics and Cyrillic; Debian
ships it as ``fonts-dejavu-core`` (``scripts/system-deps.sh`` installs it). The QR codes on a
poster are vector drawings, sharp at any print size.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from fpdf import FPDF

from bot.i18n import t
from bot.reach import telegram_link, whatsapp_link

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu
    Path("/usr/share/fonts/dejavu-sans-fonts"),  # Fedora
    Path("/usr/share/fonts/TTF"),  # Arch
)
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
BLUE = (11, 83, 148)  # the inbox's and admin's header colour
GREY = (90, 96, 110)


class PosterError(RuntimeError):
    """A poster cannot be made on this machine (its message says what to install)."""


def qr(link: str) -> segno.QRCode:
    """Error correction M: survives a crease or a smudge on a printed poster."""
    return segno.make(link, error="m", micro=False, boost_error=False)


def qr_png(link: str, scale: int = 10, border: int = 4) -> bytes:
    out = io.BytesIO()
    qr(link).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def qr_svg(link: str, scale: int = 10, border: int = 4) -> bytes:
    out = io.BytesIO()
    qr(link).save(out, kind="svg", scale=scale, border=border, title=link, unit="px")
    return out.getvalue()


def qr_svg_inline(link: str, scale: int = 3) -> str:
    """An ``<svg>`` element for an HTML page (no XML declaration)."""
    return qr(link).svg_inline(scale=scale, border=2, title=link)


def find_fonts() -> tuple[Path, Path]:
    """(regular, bold) DejaVu Sans, or :class:`PosterError` saying what to install."""
    for folder in FONT_DIRS:
        regular, bold = (folder / name for name in FONT_FILES)
        if regular.is_file() and bold.is_file():
            return regular, bold
    raise PosterError(
        "posters need the DejaVu Sans font (DejaVuSans.ttf and DejaVuSans-Bold.ttf), "
        f"looked in {', '.join(map(str, FONT_DIRS))}: install it with "
        "`sudo apt-get install fonts-dejavu-core` (or run `make system-deps`)"
    )


@dataclass(frozen=True)
class Poster:
    lang: str
    place: str  # the municipality's name, e.g. Den Haag
    country: str  # NL | BE: which emergency numbers to print
    code: str
    telegram_user: str | None = None  # the bot's username: a Telegram QR code when given
    whatsapp_number: str | None = None  # digits: a WhatsApp QR code when given


def poster_pdf(poster: Poster, fonts: tuple[Path, Path] | None = None) -> bytes:
    """One A4 page: the place, a short text in the poster's language, one QR code per link."""
    regular, bold = fonts or find_fonts()
    lang = poster.lang
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(f"Brug — {poster.place}")
    pdf.set_lang(lang)
    pdf.set_creator("Brug")
    pdf.set_auto_page_break(False)
    pdf.set_margins(18, 18, 18)
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_fill_color(*BLUE)
    pdf.rect(0, 0, pdf.w, 44, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(pdf.l_margin, 10)
    pdf.set_font("DejaVu", "B", 34)
    pdf.cell(width, 14, "Brug", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 20)
    pdf.cell(width, 10, poster.place, new_x="LMARGIN", new_y="NEXT")

    pdf.set_text_color(29, 35, 48)
    pdf.set_xy(pdf.l_margin, 56)
    pdf.set_font("DejaVu", "B", 24)
    pdf.multi_cell(width, 11, t(lang, "poster_title"), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 14)
    pdf.multi_cell(width, 7, t(lang, "poster_body"), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(width, 7, t(lang, "poster_scan"), align="L", new_x="LMARGIN", new_y="NEXT")

    codes = []  # (caption, link, what to type without a camera)
    if poster.telegram_user:
        link = telegram_link(poster.telegram_user, poster.code)
        codes.append((t(lang, "poster_telegram"), link, f"@{poster.telegram_user}"))
    if poster.whatsapp_number:
        link = whatsapp_link(poster.whatsapp_number, poster.code, lang)
        codes.append((t(lang, "poster_whatsapp"), link, f"+{poster.whatsapp_number}"))
    top = pdf.get_y() + 8
    column = width / max(len(codes), 1)
    size = min(column - 6, 80.0, 245 - top)  # room for the captions and the footer
    for i, (caption, link, shown) in enumerate(codes):
        left = pdf.l_margin + column * i
        _draw_qr(pdf, link, left + (column - size) / 2, top, size)
        pdf.set_xy(left, top + size + 3)
        pdf.set_font("DejaVu", "B", 14)
        pdf.multi_cell(column, 7, caption, align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_font("DejaVu", "", 12)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(column, 6, shown, align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_text_color(29, 35, 48)

    pdf.set_xy(pdf.l_margin, pdf.h - 30)
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(
        width,
        6,
        t(lang, f"emergency_numbers_{poster.country.lower()}"),
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("DejaVu", "", 8)
    pdf.set_text_color(*GREY)
    pdf.cell(width, 5, poster.code, align="C")
    return bytes(pdf.output())


def _draw_qr(pdf: FPDF, link: str, x: float, y: float, size: float) -> None:
    """The symbol (with its quiet zone of 4 modules) as filled runs of dark modules per row."""
    rows = [bytes(row) for row in qr(link).matrix]
    border = 4
    module = size / (len(rows) + 2 * border)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(
                x + (border + start) * module,
                y + (border + r) * module,
                (c - start) * module,
                module + 0.01,  # a hair of overlap: no seams between rows in viewers
                style="F",
            )
