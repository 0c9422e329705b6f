"""The order confirmation (orderbevestiging, Auftragsbestätigung) and the delivery note (pakbon, Lieferschein):
print-ready HTML in the customer's language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

from ..i18n import day, money, number, translator
from .page import Party, Sender, footer, page


@dataclass(frozen=True)
class OrderDocumentLine:
    line_no: int
    part: str
    name: str
    material: str
    thickness_mm: float | None
    quantity: int
    unit_price: float | None
    due_date: dt.date


@dataclass(frozen=True)
class OrderDocument:
    shop: Sender
    number: str
    customer: Party
    customer_code: str
    reference: str
    order_date: dt.date
    lines: tuple[OrderDocumentLine, ...]


def _header(t, lang: str, title: str, doc: OrderDocument, today: dt.date) -> str:
    refer = f"<br>{t('doc.your_reference')}: {escape(doc.reference)}" if doc.reference else ""
    return (f"<div><h1>{title}</h1>{doc.shop.block()}"
            f"<div class='address'>{doc.customer.block(lang)}</div></div>"
            f"<div><p>{t('doc.order.number')}: <strong>{escape(doc.number)}</strong>{refer}<br>"
            f"{t('doc.customer_number')}: {escape(doc.customer_code)}<br>"
            f"{t('doc.order.date')}: {day(doc.order_date, lang, 'short')}<br>"
            f"{t('doc.date')}: {day(today, lang, 'short')}</p></div>")


def _what(line: OrderDocumentLine, lang: str) -> str:
    material = f"{escape(line.material)} {number(line.thickness_mm, lang, 1)} mm" if line.material else ""
    return f"<strong>{escape(line.part)}</strong> {escape(line.name)}<br><span>{material}</span>"


def order_confirmation_html(doc: OrderDocument, language: str, today: dt.date) -> str:
    """What the shop confirms: every line with its price and delivery date, and the total before VAT."""
    t = translator(language)
    title = t("doc.confirmation.title")
    rows, total = [], 0.0
    for line in doc.lines:
        amount = None if line.unit_price is None else line.unit_price * line.quantity
        total += amount or 0.0
        rows.append(f"<tr><td>{line.line_no}</td><td>{_what(line, language)}</td>"
                    f"<td class='num'>{number(line.quantity, language)}</td>"
                    f"<td class='num'>{money(line.unit_price, language)}</td>"
                    f"<td class='num'>{money(amount, language)}</td>"
                    f"<td>{day(line.due_date, language, 'short')}</td></tr>")
    body = (f"<p>{t('doc.confirmation.intro')}</p>"
            f"<table class='lines'><thead><tr><th>{t('doc.line')}</th><th>{t('doc.article')}</th>"
            f"<th class='num'>{t('doc.quantity')}</th><th class='num'>{t('doc.unit_price')}</th>"
            f"<th class='num'>{t('doc.amount')}</th><th>{t('doc.delivery_date')}</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody><tfoot><tr><td></td><td>{t('doc.total_excl_vat')}</td><td></td><td></td>"
            f"<td class='num'>{money(total, language)}</td><td></td></tr></tfoot></table>")
    return page(language, f"{title} {doc.number}", _header(t, language, title, doc, today), body,
                footer(t("doc.confirmation.terms"), doc.shop.terms(), doc.shop.registration(t)))


def delivery_note_html(doc: OrderDocument, language: str, today: dt.date) -> str:
    """What goes with the parts: every line with its quantity, no prices, and a place to sign for receipt."""
    t = translator(language)
    title = t("doc.delivery_note.title")
    rows = "".join(
        f"<tr><td>{line.line_no}</td><td>{_what(line, language)}</td>"
        f"<td class='num'>{number(line.quantity, language)}</td><td class='num'>{number(line.quantity, language)}</td>"
        f"</tr>" for line in doc.lines)
    pieces = sum(line.quantity for line in doc.lines)
    body = (f"<table class='lines'><thead><tr><th>{t('doc.line')}</th><th>{t('doc.article')}</th>"
            f"<th class='num'>{t('doc.ordered')}</th><th class='num'>{t('doc.delivered')}</th></tr></thead>"
            f"<tbody>{rows}</tbody><tfoot><tr><td></td><td>{t('doc.pieces_total')}</td><td></td>"
            f"<td class='num'>{number(pieces, language)}</td></tr></tfoot></table>"
            f"<p class='sign'>{t('doc.delivery_note.received')}</p>")
    return page(language, f"{title} {doc.number}", _header(t, language, title, doc, today), body,
                footer(t("doc.delivery_note.terms"), doc.shop.registration(t)))
