"""Printable credential sheets: one PDF, one page per delegate (fpdf2 for the PDF, segno for
the QR code), in the language of the person printing them.

The QR code holds the login address with the credential's PUBLIC identifier only
(`/login?cred=K7QF`), never the secret: a QR code is read from a distance by any camera (at the
check-in desk, on a photo of the sheet), so it must not be enough to vote. The delegate scans
it, finds the identifier filled in and types the six secret groups printed below it. A
committee member scanning the same code while logged in is taken to the check-in page.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from governance import i18n
from governance.settings import Settings

_ = i18n.gettext

# Typography the PDF core fonts (Latin-1) lack, mapped to what they have.
_REPLACEMENTS = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-",
                               "…": "...", "\u00a0": " "})


# The signing work registers here a function giving the hex SHA-256 fingerprint of an
# assembly's signing key (or None while there is none); sheets print it once it exists.
FINGERPRINT_SOURCES: list[Callable[[Settings, int], str | None]] = []


def signing_key_fingerprint(settings: Settings, assembly_id: int) -> str | None:
    for source in FINGERPRINT_SOURCES:
        fingerprint = source(settings, assembly_id)
        if fingerprint:
            return fingerprint
    return None


@dataclass(frozen=True)
class Sheet:
    delegate_name: str
    organization_name: str
    credential: str
    login_url: str


def latin1(text: str) -> str:
    """Text the PDF core fonts can draw: accents of Spanish, Portuguese and French are kept;
    other letters lose their marks, and what is left unknown becomes '?'."""
    text = text.translate(_REPLACEMENTS)
    out = []
    for ch in text:
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2)
    buffer.seek(0)
    return buffer


def _text(pdf: FPDF, height: float, text: str, width: float = 0) -> None:
    """A left-aligned paragraph; the cursor moves to the left margin of the next line."""
    pdf.multi_cell(width or pdf.w - pdf.l_margin - pdf.r_margin, height, latin1(text),
                   align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_sheets(sheets: Sequence[Sheet], *, assembly_title: str, assembly_when: str,
                  place: str = "", signing_key_fingerprint: str | None = None) -> bytes:
    """The PDF bytes: one A4 page per sheet. `signing_key_fingerprint` is the hex SHA-256 of
    the assembly's signing key once it exists (see FINGERPRINT_SOURCES); when None the sheets
    say nothing about it."""
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(latin1(_("Delegate credentials") + " - " + assembly_title))
    pdf.set_creator("Asamblea")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(20, 18, 20)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for sheet in sheets:
        pdf.add_page()
        pdf.set_font("helvetica", "", 10)
        pdf.set_text_color(90, 90, 90)
        _text(pdf, 6, _("Asamblea") + " - " + _("Delegate credential"))
        pdf.set_text_color(0, 0, 0)
        pdf.set_font("helvetica", "B", 18)
        _text(pdf, 9, assembly_title)
        pdf.set_font("helvetica", "", 11)
        _text(pdf, 6, " - ".join(p for p in (assembly_when, place) if p))
        pdf.ln(6)
        for label, value in ((_("Delegate"), sheet.delegate_name),
                             (_("Organization"), sheet.organization_name)):
            pdf.set_font("helvetica", "", 10)
            _text(pdf, 5, label)
            pdf.set_font("helvetica", "B", 15)
            _text(pdf, 8, value)
            pdf.ln(2)
        pdf.ln(3)
        pdf.set_font("helvetica", "", 10)
        _text(pdf, 5, _("Your credential"))
        pdf.set_font("courier", "B", 19)
        pdf.set_fill_color(240, 240, 240)
        pdf.cell(width, 14, sheet.credential, border=1, align="C", fill=True,
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(6)
        top = pdf.get_y()
        pdf.image(_qr_png(sheet.login_url), x=pdf.l_margin, y=top, w=50, h=50)
        pdf.set_xy(pdf.l_margin + 56, top)
        pdf.set_font("helvetica", "", 11)
        pdf.set_left_margin(pdf.l_margin + 56)
        _text(pdf, 5.5, "\n".join([
            _("1. Scan the code, or open: %(url)s", url=sheet.login_url),
            _("2. Type your credential. Capital or small letters, with or without dashes."),
            _("3. Check in at the credentials desk, then vote for your organization."),
            "",
            _("The code holds only the first group of your credential; the rest is printed "
              "only on this sheet."),
        ]), width - 56)
        pdf.set_left_margin(pdf.l_margin - 56)
        pdf.set_y(max(pdf.get_y(), top + 52) + 6)
        pdf.set_font("helvetica", "B", 11)
        _text(pdf, 5.5, _("Keep this sheet private: whoever has this credential can vote for "
                          "your organization. If you lose it, tell the credentials committee: "
                          "they will revoke it and give you a new one."))
        if signing_key_fingerprint:
            pdf.ln(5)
            pdf.set_font("helvetica", "", 10)
            _text(pdf, 5, _("Fingerprint of the assembly's signing key (SHA-256). The signed "
                            "results carry this key; compare it to check that a result is "
                            "genuine:"))
            pdf.set_font("courier", "", 9)
            _text(pdf, 5, " ".join(signing_key_fingerprint[i:i + 8]
                                   for i in range(0, len(signing_key_fingerprint), 8)))
    return bytes(pdf.output())
