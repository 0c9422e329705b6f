"""A print-ready quote (offerte, Angebot) as HTML in the customer's language, with a preview of every part."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from ..geometry import PartGeometry
from ..i18n import day, money, number as figure, translator
from .page import Party, Sender, footer, page

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
