"""A print-ready quote (offerte, Angebot) as HTML in the customer's language, with a preview of every part."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from ..geometry import PartGeometry
from ..i18n import day, money, number as figure, translator
from .page import Party, Sender, footer, page, pdf_text

@dataclass(frozen=True)
class DocumentLine:
    name: str
    geometry: PartGeometry | None
    material: str
    thickness_mm: float
    finish: str
    breaks: list[tuple[int, float, int]]  # quantity, unit price, lead time in working days


def part_svg(geometry: PartGeometry, size: int = 140) -> str:
    """The flat pattern as an inline SVG (outer contour filled, holes cut out)."""
    x0, y0, x1, y1 = geometry.bbox
    width, height = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
    scale = (size - 8) / max(width, height)

    def path(points) -> str:
        coords = " L ".join(f"{(x - x0) * scale + 4:.2f},{(y1 - y) * scale + 4:.2f}" for x, y in points)
        return f"M {coords} Z"

    d = " ".join([path(geometry.outer.points), *(path(h.points) for h in geometry.holes)])
    w, h = width * scale + 8, height * scale + 8
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h:.0f}" viewBox="0 0 {w:.2f} {h:.2f}">'
            f'<path d="{d}" fill="#c9d3dd" stroke="#1d2430" stroke-width="1" fill-rule="evenodd"/></svg>')


def _add_working_days(day: dt.date, days: int) -> dt.date:
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day


def quote_html(sender: Sender, customer: Party, number: str, lines: list[DocumentLine], language: str,
               today: dt.date, valid_days: int = 30, reference: str = "") -> str:
    """The quote as the customer reads it from ``sender``, dated ``today`` (the caller's clock: this module reads
    none)."""
    t = translator(language)
    rows = []
    for line in lines:
        preview = part_svg(line.geometry) if line.geometry is not None else ""
        finish = t(f"doc.finish.{line.finish}") if line.finish and line.finish != "none" else ""
        size = (f" &middot; {t('doc.size')}: {figure(line.geometry.length_mm, language)} x "
                f"{figure(line.geometry.width_mm, language)} mm" if line.geometry else "")
        prices = "".join(
            f"<tr><td class='num'>{q}</td><td class='num'>{money(unit, language)}</td>"
            f"<td class='num'>{money(unit * q, language)}</td>"
            f"<td>{t('doc.n_working_days', n=days)} "
            f"({t('doc.ready', day=day(_add_working_days(today, days), language, 'short'))})</td></tr>"
            for q, unit, days in line.breaks)
        rows.append(f"""
  <section class="line">
    <div class="preview">{preview}</div>
    <div class="info">
      <h2>{escape(line.name)}</h2>
      <p>{t('doc.material')}: {escape(line.material)} {figure(line.thickness_mm, language, 1)} mm {escape(finish)}
         {size}</p>
      <table><thead><tr><th>{t('doc.quantity')}</th><th>{t('doc.unit_price')}</th><th>{t('doc.total')}</th>
        <th>{t('doc.lead_time')}</th></tr></thead><tbody>{prices}</tbody></table>
    </div>
  </section>""")
    valid = today + dt.timedelta(days=valid_days)
    title = t("doc.quote.title")
    refer = f"<br>{t('doc.your_reference')}: {escape(reference)}" if reference else ""
    header = (f"<div><h1>{title}</h1>{sender.block()}"
              f"<div class='address'>{customer.block(language)}</div></div>"
              f"<div><p>{t('doc.quote.number')}: <strong>{escape(number)}</strong>{refer}<br>"
              f"{t('doc.date')}: {day(today, language, 'short')}<br>"
              f"{t('doc.valid_until')}: {day(valid, language, 'short')}</p></div>")
    return page(language, f"{title} {number}", header, "".join(rows),
                footer(t("doc.quote.terms"), sender.terms(), sender.registration(t)))


def quote_pdf(sender: Sender, customer: Party, number: str, lines: list[DocumentLine], language: str,
              today: dt.date, valid_days: int = 30, reference: str = "") -> bytes:
    """The same quote as ``quote_html`` as an A4 PDF (fpdf2, core fonts): sender, addressee and references, then
    per part its drawing, material and size, and the price and lead time of every quantity, the terms and the
    registration numbers at the foot of each page."""
    from fpdf import FPDF

    t = translator(language)
    valid = today + dt.timedelta(days=valid_days)
    foot = [p for p in (t("doc.quote.terms"), sender.terms_text(), sender.registration_text(t)) if p]

    class Document(FPDF):
        def footer(self):
            self.set_y(-8 - 4 * len(foot))
            self.set_font("helvetica", "", 7)
            self.set_text_color(107, 116, 128)
            for piece in foot:
                self.multi_cell(0, 3.5, pdf_text(piece), new_x="LMARGIN", new_y="NEXT")
            self.cell(0, 4, f"{self.page_no()}/{{nb}}", align="R")
            self.set_text_color(29, 36, 48)

    pdf = Document(format="A4")
    pdf.set_compression(False)  # a few kB: the text stays searchable as written
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=14 + 4 * len(foot))
    pdf.alias_nb_pages()
    pdf.set_title(pdf_text(f"{t('doc.quote.title')} {number}"))
    pdf.set_author(pdf_text(sender.name))
    pdf.add_page()
    pdf.set_font("helvetica", "B", 18)
    pdf.cell(0, 9, pdf_text(t("doc.quote.title")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "B", 11)
    pdf.cell(0, 5, pdf_text(sender.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 8)
    if sender.contact():
        pdf.multi_cell(0, 4, pdf_text(sender.contact()), new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(29, 36, 48)
    pdf.set_line_width(0.5)
    pdf.line(18, pdf.get_y() + 2, 192, pdf.get_y() + 2)
    pdf.ln(6)
    top = pdf.get_y()
    pdf.set_font("helvetica", "", 10)
    pdf.multi_cell(95, 5, pdf_text("\n".join(customer.lines(language))), new_x="LMARGIN", new_y="NEXT")
    below_address = pdf.get_y()
    pdf.set_xy(120, top)
    facts = [(t("doc.quote.number"), number), (t("doc.date"), day(today, language, "short")),
             (t("doc.valid_until"), day(valid, language, "short"))]
    if reference:
        facts.insert(1, (t("doc.your_reference"), reference))
    for label, value in facts:
        pdf.set_x(120)
        pdf.set_font("helvetica", "", 9)
        pdf.cell(32, 5, pdf_text(label + ":"))
        pdf.set_font("helvetica", "B" if label == t("doc.quote.number") else "", 9)
        pdf.cell(0, 5, pdf_text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(below_address, pdf.get_y()) + 6)
    widths = (16, 27, 29, 62)  # to the right margin (58 + 134 = 192 mm)
    for line in lines:
        needed = 14 + 6 * len(line.breaks)
        if pdf.get_y() + max(needed, 40) > pdf.h - pdf.b_margin:
            pdf.add_page()
        start = pdf.get_y()
        if line.geometry is not None:
            _drawing(pdf, line.geometry, 18, start, 34)
        x = 58
        pdf.set_xy(x, start)
        pdf.set_font("helvetica", "B", 11)
        pdf.multi_cell(0, 5.5, pdf_text(line.name), new_x="LMARGIN", new_y="NEXT")
        finish = t(f"doc.finish.{line.finish}") if line.finish and line.finish != "none" else ""
        size = (f" · {t('doc.size')}: {figure(line.geometry.length_mm, language)} x "
                f"{figure(line.geometry.width_mm, language)} mm" if line.geometry else "")
        pdf.set_x(x)
        pdf.set_font("helvetica", "", 9)
        pdf.multi_cell(0, 4.5, pdf_text(f"{t('doc.material')}: {line.material} "
                                        f"{figure(line.thickness_mm, language, 1)} mm {finish}{size}"),
                       new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font("helvetica", "B", 9)
        pdf.set_x(x)
        for width, head, align in zip(widths, (t("doc.quantity"), t("doc.unit_price"), t("doc.total"),
                                               t("doc.lead_time")), "RRRL"):
            pdf.cell(width, 5, pdf_text(head), border="B", align=align)
        pdf.ln(5)
        pdf.set_font("helvetica", "", 9)
        for quantity, unit, days in line.breaks:
            pdf.set_x(x)
            ready = t("doc.ready", day=day(_add_working_days(today, days), language, "short"))
            values = (str(quantity), money(unit, language), money(unit * quantity, language),
                      f"{t('doc.n_working_days', n=days)} ({ready})")
            for width, value, align in zip(widths, values, "RRRL"):
                pdf.cell(width, 5, pdf_text(value), align=align)
            pdf.ln(5)
        pdf.set_y(max(pdf.get_y(), start + (36 if line.geometry is not None else 0)) + 3)
        pdf.set_draw_color(221, 226, 232)
        pdf.set_line_width(0.2)
        pdf.line(18, pdf.get_y(), 192, pdf.get_y())
        pdf.ln(3)
    return bytes(pdf.output())


def _drawing(pdf, geometry: PartGeometry, x: float, y: float, size: float) -> None:
    """The flat pattern in a ``size`` mm square at (x, y): the outer contour filled, the holes cut out in white."""
    x0, y0, x1, y1 = geometry.bbox
    scale = size / max(x1 - x0, y1 - y0, 1e-6)

    def points(contour):
        return [(x + (px - x0) * scale, y + (y1 - py) * scale) for px, py in contour.points]

    pdf.set_line_width(0.2)
    pdf.set_draw_color(29, 36, 48)
    pdf.set_fill_color(201, 211, 221)
    pdf.polygon(points(geometry.outer), style="DF")
    pdf.set_fill_color(255, 255, 255)
    for hole in geometry.holes:
        pdf.polygon(points(hole), style="DF")
