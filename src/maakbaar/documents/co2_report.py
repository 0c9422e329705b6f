"""The tender report: a one- or two-page PDF comparing local production with an import alternative, in Dutch,
English or German: inputs, factors with source and year, results per component, a chart, the assumptions plainly.
"""

from __future__ import annotations

from ..co2.compare import Comparison, OptionResult
from ..i18n import money, number, say, translator
from .page import pdf_text

KEYS_OF_WORDS = ("title", "factor_set", "inputs", "results", "component", "total", "difference", "tender", "mki",
                 "ladder", "max_price", "bid", "factors", "assumptions", "mass", "material", "scrap", "process",
                 "transport", "level", "chart", "generated", "per_kg")


def words(language: str) -> dict[str, str]:
    """The report's words in ``language`` from the catalogue (keys ``doc.co2.*``)."""
    t = translator(language)
    return {key: t(f"doc.co2.{key}") for key in KEYS_OF_WORDS}


COLOURS = {"material": (70, 90, 120), "scrap": (150, 165, 185), "process": (230, 160, 60), "transport": (200, 70, 60)}
KEYS = ("material", "scrap", "process", "transport")


def euro(value: float | None, language: str = "nl") -> str:
    return money(value, language, cents=False)


def tonnes(kg: float, language: str = "nl") -> str:
    return number(kg / 1000, language, 1 if abs(kg) >= 1000 else 3)


_text = pdf_text


def comparison_pdf(comparison: Comparison, language: str = "nl") -> bytes:
    from fpdf import FPDF

    w = words(language)
    title = say(comparison.title, language)

    def t(kg: float) -> str:
        return tonnes(kg, language)

    def n(value: float, digits: int = 0) -> str:
        return number(value, language, digits)

    def inline(word: str) -> str:  # a heading's word inside a sentence: German keeps its nouns capitalised
        return word if language == "de" else word.lower()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_title(_text(title))
    pdf.set_font("helvetica", "B", 15)
    pdf.multi_cell(0, 7, _text(w["title"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 11)
    pdf.multi_cell(0, 6, _text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 8)
    pdf.multi_cell(0, 4, _text(f"{w['factor_set']}: {comparison.factor_set} ({comparison.factor_path})"),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    local, other = comparison.local, comparison.alternative
    pdf.set_font("helvetica", "B", 11)
    pdf.cell(0, 6, _text(w["inputs"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 9)
    for result in (local, other):
        o = result.option
        legs = "; ".join(f"{leg.label or leg.mode.label} {n(leg.distance_km)} km" for leg in o.legs) or "-"
        line = (f"{o.name}: {w['mass']} {n(o.product_mass_kg / 1000, 1)} t, {o.material.label}, "
                f"{inline(w['scrap'])} {n(o.scrap_share * 100)} %, {o.grid.label}, {n(o.fabrication_kwh)} kWh; "
                f"{inline(w['transport'])}: {legs}; {inline(w['bid'])} {euro(o.bid_price_eur, language)}, "
                f"CO2-ladder {w['level']} {o.ladder_level}")
        pdf.multi_cell(0, 4.5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    pdf.set_font("helvetica", "B", 11)
    pdf.cell(0, 6, _text(w["results"]), new_x="LMARGIN", new_y="NEXT")
    widths = (70, 55, 55)
    pdf.set_font("helvetica", "B", 9)
    for width, head in zip(widths, (w["component"], local.option.name, other.option.name)):
        pdf.cell(width, 6, _text(head), border="B")
    pdf.ln()
    pdf.set_font("helvetica", "", 9)
    for key in KEYS:
        pdf.cell(widths[0], 5.5, _text(w[key]))
        pdf.cell(widths[1], 5.5, t(local.part(key)), align="R")
        pdf.cell(widths[2], 5.5, t(other.part(key)), align="R")
        pdf.ln()
    pdf.set_font("helvetica", "B", 9)
    pdf.cell(widths[0], 6, _text(w["total"]), border="T")
    pdf.cell(widths[1], 6, t(local.total_kg), border="T", align="R")
    pdf.cell(widths[2], 6, t(other.total_kg), border="T", align="R")
    pdf.ln()
    pdf.cell(widths[0], 6, _text(w["difference"]))
    pdf.cell(widths[1] + widths[2], 6, f"{t(comparison.difference_kg)} t CO2e "
             f"({n(comparison.difference_kg / other.total_kg * 100)} %)" if other.total_kg else "-")
    pdf.ln(8)

    _chart(pdf, comparison, w, language)

    pdf.set_font("helvetica", "B", 11)
    pdf.cell(0, 6, _text(w["tender"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 9)
    rows = [(w["mki"], f"{euro(comparison.mki_value_eur, language)} "
                       f"({n(comparison.mki_eur_per_kg.value, 2)} EUR/kg)"),
            (w["ladder"], f"{n(comparison.local_discount * 100)} % = "
                          f"{euro(comparison.local_ladder_advantage_eur, language)}"),
            (w["max_price"], euro(comparison.max_local_price_eur, language))]
    for label, value in rows:
        pdf.cell(90, 5.5, _text(label))
        pdf.cell(0, 5.5, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    pdf.set_font("helvetica", "B", 11)
    pdf.cell(0, 6, _text(w["factors"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 8)
    for factor in comparison.factors:
        pdf.multi_cell(0, 4, _text("- " + factor.cite()), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("helvetica", "B", 11)
    pdf.cell(0, 6, _text(w["assumptions"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 8)
    for assumption in comparison.assumptions:
        pdf.multi_cell(0, 4, _text("- " + say(assumption, language)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("helvetica", "I", 7)
    pdf.cell(0, 4, _text(w["generated"]), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _chart(pdf, comparison: Comparison, w: dict, language: str) -> None:
    """Two horizontal stacked bars, one per option, components in their colours, with a legend."""
    results: list[OptionResult] = [comparison.local, comparison.alternative]
    largest = max(r.total_kg for r in results) or 1.0
    left, width, bar = pdf.l_margin + 45, 125, 9
    pdf.set_font("helvetica", "B", 11)
    pdf.cell(0, 6, _text(w["chart"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 8)
    for result in results:
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y + 2)
        pdf.cell(44, 5, _text(result.option.name[:30]))
        x = left
        for key in KEYS:
            share = max(result.part(key), 0.0) / largest * width
            if share > 0:
                pdf.set_fill_color(*COLOURS[key])
                pdf.rect(x, y, share, bar, style="F")
                x += share
        pdf.set_xy(x + 2, y + 2)
        pdf.cell(20, 5, f"{tonnes(result.total_kg, language)} t")
        pdf.set_y(y + bar + 3)
    x = left
    y = pdf.get_y()
    for key in KEYS:
        pdf.set_fill_color(*COLOURS[key])
        pdf.rect(x, y + 1, 3, 3, style="F")
        pdf.set_xy(x + 4, y)
        pdf.cell(28, 5, _text(w[key]))
        x += 32
    pdf.ln(9)
