"""A print-ready quote (offerte) as HTML, in Dutch or English, with a preview of every part."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from ..geometry import PartGeometry

WORDS = {
    "nl": {"title": "Offerte", "to": "Aan", "date": "Datum", "valid": "Geldig tot", "number": "Offertenummer",
           "part": "Onderdeel", "material": "Materiaal", "qty": "Aantal", "unit": "Prijs per stuk",
           "total": "Totaal", "delivery": "Levering", "days": "werkdagen", "ready": "gereed rond",
           "terms": "Prijzen in euro exclusief btw. Levertijd na opdracht en goedkeuring van de tekeningen.",
           "size": "Afmeting", "finish": {"none": "", "powder": "poedergecoat", "galvanise": "thermisch verzinkt"}},
    "en": {"title": "Quotation", "to": "To", "date": "Date", "valid": "Valid until", "number": "Quote number",
           "part": "Part", "material": "Material", "qty": "Quantity", "unit": "Price each", "total": "Total",
           "delivery": "Delivery", "days": "working days", "ready": "ready around",
           "terms": "Prices in euro excluding VAT. Lead time from order and drawing approval.",
           "size": "Size", "finish": {"none": "", "powder": "powder coated", "galvanise": "hot-dip galvanised"}},
}


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


def _money(value: float, language: str) -> str:
    text = f"{value:,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".") if language == "nl" else text


def quote_html(shop_name: str, customer: str, number: str, lines: list[DocumentLine], language: str,
               today: dt.date, valid_days: int = 30) -> str:
    """The quote as the customer reads it, dated ``today`` (the caller's clock: this module reads none)."""
    words = WORDS.get(language, WORDS["nl"])
    rows = []
    for line in lines:
        preview = part_svg(line.geometry) if line.geometry is not None else ""
        finish = words["finish"].get(line.finish, line.finish)
        size = (f"{line.geometry.length_mm:.0f} x {line.geometry.width_mm:.0f} mm" if line.geometry else "")
        prices = "".join(
            f"<tr><td class='num'>{q}</td><td class='num'>EUR {_money(unit, language)}</td>"
            f"<td class='num'>EUR {_money(unit * q, language)}</td>"
            f"<td>{days} {words['days']} ({words['ready']} {_add_working_days(today, days):%d-%m-%Y})</td></tr>"
            for q, unit, days in line.breaks)
        rows.append(f"""
  <section class="line">
    <div class="preview">{preview}</div>
    <div class="info">
      <h2>{escape(line.name)}</h2>
      <p>{words['material']}: {escape(line.material)} {line.thickness_mm:g} mm {escape(finish)}
         &middot; {words['size']}: {size}</p>
      <table><thead><tr><th>{words['qty']}</th><th>{words['unit']}</th><th>{words['total']}</th>
        <th>{words['delivery']}</th></tr></thead><tbody>{prices}</tbody></table>
    </div>
  </section>""")
    valid = today + dt.timedelta(days=valid_days)
    return f"""<!doctype html>
<html lang="{language}"><head><meta charset="utf-8"><title>{words['title']} {escape(number)}</title>
<style>
  @page {{ size: A4; margin: 18mm; }}
  body {{ font: 11pt/1.4 system-ui, sans-serif; color: #1d2430; }}
  header {{ display: flex; justify-content: space-between; border-bottom: 2px solid #1d2430; margin-bottom: 1em; }}
  h1 {{ margin: 0 0 .3em; font-size: 18pt; }} h2 {{ font-size: 12pt; margin: 0 0 .2em; }}
  .line {{ display: flex; gap: 1.2em; padding: .8em 0; border-bottom: 1px solid #dde2e8; page-break-inside: avoid; }}
  .preview {{ width: 150px; flex: none; }} table {{ border-collapse: collapse; }}
  th, td {{ padding: .2em .8em .2em 0; text-align: left; }} .num {{ text-align: right; }}
  footer {{ margin-top: 1.5em; color: #6b7480; font-size: 9pt; }}
</style></head>
<body>
<header><div><h1>{words['title']}</h1><strong>{escape(shop_name)}</strong></div>
<div><p>{words['number']}: <strong>{escape(number)}</strong><br>{words['to']}: {escape(customer)}<br>
{words['date']}: {today:%d-%m-%Y}<br>{words['valid']}: {valid:%d-%m-%Y}</p></div></header>
{''.join(rows)}
<footer>{words['terms']}</footer>
</body></html>
"""
