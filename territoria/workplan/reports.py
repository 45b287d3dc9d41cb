"""Donor progress reports: the actions of a plan for a funder or a partnership over a period,
with their status, progress, budget and the updates of the period, as DOCX, PDF or XLSX in
one of the interface's languages."""

import io
from dataclasses import dataclass, field
from datetime import date

from django.utils import formats, translation
from django.utils.translation import gettext as _

from territoria.directory.models import Organisation
from territoria.workplan.models import Role, Status
from territoria.workplan.services import weighted_progress

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Report:
    plan: object
    start: date
    end: date
    funder: Organisation | None = None
    partnership: str = ""
    actions: list = field(default_factory=list)

    @property
    def scope(self) -> str:
        return self.funder.name if self.funder else (self.partnership or _("all actions"))

    def title(self) -> str:
        return _("Progress report: %(plan)s") % {"plan": self.plan.title}

    def subtitle(self) -> str:
        return _("%(scope)s, from %(start)s to %(end)s") % {
            "scope": self.scope, "start": formats.date_format(self.start), "end": formats.date_format(self.end)}

    def summary(self) -> list[tuple[str, str]]:
        counts = {s: sum(a.status == s for a in self.actions) for s in Status.values}
        progress = weighted_progress(self.actions)
        budget = sum((a.budget or 0) for a in self.actions)
        spent = sum((a.spent or 0) for a in self.actions)
        rows = [(_("Actions"), str(len(self.actions))), (_("Overall progress"), "–" if progress is None else f"{progress} %")]
        rows += [(str(Status(s).label), str(n)) for s, n in counts.items() if n]
        if budget:
            rows += [(_("Budget"), f"{budget:,.2f} {self.plan.currency}"), (_("Spent"), f"{spent:,.2f} {self.plan.currency}")]
        return rows

    def headers(self) -> list[str]:
        return [_("Section"), _("Action"), _("Status"), _("Progress (%)"), _("Budget"), _("Spent"), _("Updates in the period")]

    def rows(self) -> list[list]:
        out = []
        for action in self.actions:
            updates = [u for u in action.updates.all() if self.start <= u.date <= self.end]
            text = "\n".join(f"{formats.date_format(u.date)}: {u.text}" for u in updates)
            out.append([action.section.number if action.section else "", action.text, action.get_status_display(), action.progress,
                        float(action.budget) if action.budget is not None else None,
                        float(action.spent) if action.spent is not None else None, text])
        return out


def build(plan, start: date, end: date, funder_id=None, partnership: str = "") -> Report:
    actions = plan.actions.select_related("section").prefetch_related("updates").order_by("order")
    funder = Organisation.objects.filter(pk=funder_id).first() if funder_id else None
    if funder:
        actions = actions.filter(partners__organisation=funder, partners__role=Role.FUNDING).distinct()
    if partnership:
        actions = actions.filter(partnership__iexact=partnership)
    return Report(plan, start, end, funder, partnership, list(actions))


def render(report: Report, fmt: str, language: str) -> bytes:
    with translation.override(language):
        return {"docx": _docx, "pdf": _pdf, "xlsx": _xlsx}[fmt](report)


def _docx(report: Report) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(report.title(), level=1)
    doc.add_paragraph(report.subtitle())
    summary = doc.add_table(rows=0, cols=2)
    for label, value in report.summary():
        cells = summary.add_row().cells
        cells[0].text, cells[1].text = label, value
    doc.add_heading(_("Actions"), level=2)
    table = doc.add_table(rows=1, cols=len(report.headers()))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, report.headers()):
        cell.text = header
    for row in report.rows():
        for cell, value in zip(table.add_row().cells, row):
            cell.text = "" if value is None else str(value)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), title=report.title())
    cell = lambda value: Paragraph(escape("" if value is None else str(value)).replace("\n", "<br/>"), small)
    story = [Paragraph(escape(report.title()), styles["Title"]), Paragraph(escape(report.subtitle()), styles["BodyText"]), Spacer(1, 8)]
    story.append(Table([[cell(k), cell(v)] for k, v in report.summary()], hAlign="LEFT"))
    story.append(Spacer(1, 12))
    data = [[cell(h) for h in report.headers()]] + [[cell(v) for v in row] for row in report.rows()]
    table = Table(data, colWidths=[45, 260, 65, 50, 60, 60, 250], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(table)
    doc.build(story)
    return buffer.getvalue()


def _xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Actions")[:31]
    sheet.append([report.title()])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([report.subtitle()])
    for label, value in report.summary():
        sheet.append([label, value])
    sheet.append([])
    sheet.append(report.headers())
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in report.rows():
        sheet.append([_safe(v) for v in row])
    for column, width in zip("ABCDEFG", (10, 70, 14, 12, 12, 12, 60)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _safe(value):
    """Text that a spreadsheet would read as a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
