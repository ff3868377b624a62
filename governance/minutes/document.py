"""The minutes as a PDF (fpdf2), in the reader's language, with DejaVu fonts embedded so that
every name of the network prints as written. Hashes and fingerprints are set whole, each on
its own line in a monospaced face, so that they can be read back and compared."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path

import jinja2
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from governance import i18n
from governance.i18n import gettext as _
from governance.minutes.record import ItemRecord, MinutesRecord, PollRecord, Quorum
from governance.web.templating import make_environment

FONTS = Path(__file__).resolve().parent / "fonts"
SANS, MONO = "DejaVu", "DejaVuMono"


class _Document(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(SANS, "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def _when(moment: datetime | None, zone: str) -> str:
    return i18n.format_datetime(moment, zone, "medium") if moment else "—"


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds // 60}:{seconds % 60:02d}"


class _Writer:
    """Small helpers over FPDF: headings, paragraphs, labelled values, hashes."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf
        self.width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(self, text: str, size: int = 14) -> None:
        self.pdf.ln(3)
        self.pdf.set_font(SANS, "B", size)
        self.pdf.multi_cell(self.width, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1)

    def text(self, text: str, size: int = 10, bold: bool = False) -> None:
        self.pdf.set_font(SANS, "B" if bold else "", size)
        self.pdf.multi_cell(self.width, size * 0.48, text, new_x=XPos.LMARGIN,
                            new_y=YPos.NEXT)

    def value(self, label: str, value: str) -> None:
        self.text(f"{label}: {value}")

    def digest(self, label: str, hex_value: str) -> None:
        self.text(label + ":", 9)
        self.pdf.set_font(MONO, "", 8)
        self.pdf.cell(self.width, 4.5, hex_value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def row(self, cells: list[tuple[str, float]], bold: bool = False) -> None:
        """One table row; each cell (text, share of the width) is cut to fit on one line."""
        self.pdf.set_font(SANS, "B" if bold else "", 8.5)
        for text, share in cells:
            width = self.width * share
            while text and self.pdf.get_string_width(text) > width - 1.5:
                text = text[:-2] + "…"
            self.pdf.cell(width, 5, text, border="B")
        self.pdf.ln(5)


def _quorum(write: _Writer, quorum: Quorum) -> None:
    write.text(_("Present: %(weight)s of %(total)s weight, %(orgs)s of %(total_orgs)s "
                 "organizations. Quorum: %(met)s.",
                 weight=i18n.format_number(quorum.present_weight),
                 total=i18n.format_number(quorum.total_weight),
                 orgs=quorum.present_organizations, total_orgs=quorum.total_organizations,
                 met=_("met") if quorum.met else _("not met")))


def _attendance(write: _Writer, record: MinutesRecord) -> None:
    write.heading(_("1. Attendance"))
    write.row([(_("Organization"), .38), (_("Country"), .08), (_("Weight"), .1),
               (_("Present"), .1), (_("Represented by"), .34)], bold=True)
    for row in record.attendance:
        who = row.delegate or ""
        if row.by_proxy:
            who = _("%(name)s (proxy)", name=who)
        write.row([(row.organization, .38), (row.country, .08),
                   (i18n.format_number(row.weight), .1),
                   (_("yes") if row.present else _("no"), .1), (who, .34)])
    present = [r for r in record.attendance if r.present]
    write.text(_("%(present)s of %(total)s organizations present, %(proxies)s of them by "
                 "proxy.", present=len(present), total=len(record.attendance),
                 proxies=sum(1 for r in present if r.by_proxy)))
    write.heading(_("2. Quorum at the opening"), 12)
    if record.opening_quorum is None:
        write.text(_("The session was not opened."))
    else:
        write.text(_("At the opening of the session (%(when)s):",
                     when=_when(record.opened_at, record.assembly.timezone)))
        _quorum(write, record.opening_quorum)


def _item(write: _Writer, item: ItemRecord, zone: str) -> None:
    write.text(f"{item.position}. {item.title}", 10.5, bold=True)
    state = {"upcoming": _("not dealt with"), "current": _("under way"), "done": _("dealt with"),
             "postponed": _("postponed")}[item.state]
    write.text(_("%(state)s · from %(start)s to %(end)s", state=state,
                 start=_when(item.started_at, zone), end=_when(item.ended_at, zone)), 9)
    if item.speeches:
        write.text(_("Speakers:"), 9, bold=True)
        for speech in item.speeches:
            kind = _("point of order") if speech.kind == "point_of_order" else _("speech")
            write.text(f"• {speech.name} ({speech.organization}) — {kind}, "
                       f"{_duration(speech.seconds)}", 9)
    else:
        write.text(_("No speakers."), 9)


def _poll(write: _Writer, number: int, poll: PollRecord, zone: str) -> None:
    write.heading(f"5.{number} {poll.title}", 11)
    if poll.motion:
        write.value(_("Motion"), poll.motion)
    if poll.motion_text:
        write.text(_("Text as voted:"), 9, bold=True)
        write.text(poll.motion_text, 9)
    write.value(_("Voting"), _("opened %(opened)s, closed %(closed)s",
                               opened=_when(poll.opened_at, zone),
                               closed=_when(poll.closed_at, zone)))
    _quorum(write, poll.quorum)
    write.row([(_("Option"), .6), (_("Weight"), .2), (_("Organizations"), .2)], bold=True)
    for label, weight, organizations in poll.rows:
        write.row([(label, .6), (i18n.format_number(weight), .2),
                   (i18n.format_number(organizations), .2)])
    write.value(_("Outcome"), poll.outcome)
    if poll.seats:
        write.text(_("Seats:"), 10, bold=True)
        for sentence in poll.seats:
            write.text(sentence, 9)
    write.digest(_("Fingerprint of the signing key (SHA-256)"), poll.fingerprint)
    write.digest(_("SHA-256 of result.json"), poll.result_sha256)
    write.digest(_("SHA-256 of the audit bundle"), poll.bundle_sha256)
    write.digest(_("Ledger root"), poll.ledger_root)


def render_pdf(record: MinutesRecord) -> bytes:
    """The minutes as PDF bytes (A4), in the current language."""
    assembly, zone = record.assembly, record.assembly.timezone
    pdf = _Document(format="A4", unit="mm")
    pdf.add_font(SANS, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(SANS, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font(MONO, "", str(FONTS / "DejaVuSansMono.ttf"))
    pdf.set_title(_("Minutes") + " — " + assembly.title)
    pdf.set_creator("Asamblea")
    # a fixed date: the same record always gives the same bytes (and the same SHA-256)
    pdf.set_creation_date(record.closed_at or record.opened_at or assembly.created_at)
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.alias_nb_pages()
    pdf.add_page()
    write = _Writer(pdf)
    write.heading(_("Minutes of the %(title)s", title=assembly.title), 17)
    write.value(_("Place"), assembly.place or "—")
    write.value(_("Opened"), _when(record.opened_at, zone))
    write.value(_("Closed"), _when(record.closed_at, zone))
    write.value(_("Time zone"), zone)
    _attendance(write, record)
    write.heading(_("3. The agenda as run"))
    status = {"draft": _("not put to the vote"), "voting": _("put to the vote"),
              "adopted": _("adopted by the assembly"),
              "rejected": _("rejected by the assembly")}[record.agenda_status]
    write.text(_("The agenda was %(status)s.", status=status)
               + (" " + _("(Poll %(id)s.)", id=record.agenda_poll_id)
                  if record.agenda_poll_id else ""))
    write.heading(_("4. The items and their speakers"), 12)
    for item in record.items:
        _item(write, item, zone)
    write.heading(_("5. Votes and elections"))
    if not record.polls:
        write.text(_("No vote was held."))
    for number, poll in enumerate(record.polls, start=1):
        _poll(write, number, poll, zone)
    write.heading(_("6. Signatures"))
    write.text(_("These minutes are signed with the assembly's key; the president and the "
                 "secretary sign them with their own keys. Check them with: asamblea verify "
                 "MINUTES.zip"))
    write.digest(_("Fingerprint of the assembly's signing key (SHA-256)"), record.fingerprint)
    return bytes(pdf.output())


@cache
def _environment() -> jinja2.Environment:
    return make_environment()


def render_html(record: MinutesRecord) -> str:
    """The minutes as one self-contained HTML document (no scripts, no styles, no links
    out), in the current language: the same content as the PDF."""
    zone = record.assembly.timezone
    return _environment().get_template("minutes/document.html").render(
        record=record, lang=i18n.current_language(), duration=_duration,
        when=lambda moment: _when(moment, zone))
