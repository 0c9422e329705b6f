"""What goes to a customer, in the customer's language: the quote, the order confirmation and the delivery note
in German for a German customer, in Dutch for a Dutch one, with amounts worked out here by hand."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from maakbaar.domain import Customer, OrderLine, QuantityBreak, Quote, QuoteLine
from maakbaar.services import order_service, quoting, shop_io
from maakbaar.services.errors import InvalidInput, NotFound
from tests import factories as f

TODAY = dt.date(2026, 12, 9)


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S)))
                    .split())


@pytest.fixture
def shop(session):
    """A Dutch and a German customer, each with an order of two lines, and a quote for the German one."""
    customers = (Customer(code="K1", name="Klant", city="Utrecht"),
                 Customer(code="D1", name="Stahlbau Müller GmbH", address="Industriestraße 4", postcode="47051",
                          city="Duisburg", country="DE"))
    lines = (OrderLine(line_no=1, part="P1", quantity=1250, unit_price=3.5),
             OrderLine(line_no=2, part="P1", quantity=1, unit_price=1234.5))
    orders = (f.order(number="ORD-NL", lines=lines), f.order(number="ORD-DE", customer="D1", lines=lines,
                                                              customer_reference="Bestellung 4711"))
    shop_io.store_shop(session, f.small_shop(customers=customers, orders=orders))
    quote = Quote(number="Q-DE", customer="D1", quote_date=dt.date(2026, 12, 1), valid_until=dt.date(2026, 12, 31),
                  lines=(QuoteLine(line_no=1, part="P1", breaks=(QuantityBreak(quantity=10, unit_price=12.4,
                                                                               lead_time_days=1),
                                                                 QuantityBreak(quantity=100, unit_price=9.75,
                                                                               lead_time_days=8))),))
    from maakbaar.store.repositories import Repositories

    Repositories(session).quotes.add(quote)
    session.flush()
    return session


def test_the_language_follows_the_customer():
    assert Customer(code="A", name="a", country="DE").document_language == "de"
    assert Customer(code="A", name="a", country="AT").document_language == "de"
    assert Customer(code="A", name="a", country="BE").document_language == "nl"
    assert Customer(code="A", name="a", country="FR").document_language == "en"
    assert Customer(code="A", name="a", country="DE", language="en").document_language == "en"
    with pytest.raises(ValueError):
        Customer(code="A", name="a", language="fr")


def test_a_german_customer_gets_his_quote_in_german(shop):
    page = quoting.quote_document_html(shop, "Q-DE")
    text = text_of(page)
    assert '<html lang="de">' in page
    for word in ("Angebot", "Angebotsnummer", "Menge", "Stückpreis", "Lieferzeit", "Gültig bis", "Werkstoff",
                 "1 Arbeitstag", "8 Arbeitstage", "Stahlbau Müller GmbH", "Industriestraße 4", "47051 Duisburg"):
        assert word in text, word
    # 100 x 9,75 = 975,00 and 10 x 12,40 = 124,00, written the German way; dates as 01.12.2026
    assert "9,75 €" in text and "975,00 €" in text and "124,00 €" in text
    assert "01.12.2026" in text and "31.12.2026" in text
    assert not any(word in text for word in ("Offerte", "Aantal", "Quantity", "werkdagen", "Levertijd"))
    dutch = text_of(quoting.quote_document_html(shop, "Q-DE", "nl"))  # the user may ask another language
    assert "Offerte" in dutch and "Prijs per stuk" in dutch and "€ 975,00" in dutch and "01-12-2026" in dutch


def pdf_text(data: bytes) -> str:
    """The text an uncompressed fpdf2 PDF shows: its string operands, unescaped, joined."""
    strings = re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", data)
    return " ".join(re.sub(rb"\\(.)", rb"\1", s).decode("latin-1") for s in strings)


def test_the_quote_as_a_pdf_says_what_the_printed_quote_says(shop):
    from maakbaar.services import company_service

    profile, version = company_service.profile(shop)
    company_service.save(shop, profile.model_copy(update={"name": "Metaal De Vries BV", "kvk": "12345678",
                                                          "iban": "NL91 ABNA 0417 1643 00"}), version)
    data = quoting.quote_document_pdf(shop, "Q-DE")
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for word in ("Angebot", "Q-DE", "Metaal De Vries BV", "Stahlbau Müller GmbH", "Industriestraße 4",
                 "47051 Duisburg", "Menge", "Stückpreis", "Lieferzeit", "1 Arbeitstag", "8 Arbeitstage",
                 "01.12.2026", "31.12.2026", "12345678", "NL91 ABNA 0417 1643 00"):
        assert word in text, word
    assert "975,00 EUR" in text and "124,00 EUR" in text  # 100 x 9,75 and 10 x 12,40, worked out here
    dutch = pdf_text(quoting.quote_document_pdf(shop, "Q-DE", "nl"))
    assert "Offerte" in dutch and "EUR 975,00" in dutch and "Angebot" not in dutch
    with pytest.raises(NotFound):
        quoting.quote_document_pdf(shop, "Q-NONE")


def test_order_confirmation_and_delivery_note_in_the_customers_language(shop):
    german = text_of(order_service.order_document_html(shop, "ORD-DE", "confirmation", today=TODAY))
    for word in ("Auftragsbestätigung", "Auftragsnummer", "ORD-DE", "Ihre Referenz: Bestellung 4711", "Menge",
                 "Stückpreis", "Liefertermin", "Gesamtbetrag netto", "09.12.2026", "20.11.2026"):
        assert word in german, word
    # 1250 x 3,50 = 4.375,00; 1 x 1.234,50; together 5.609,50
    assert "1.250" in german and "4.375,00 €" in german and "1.234,50 €" in german and "5.609,50 €" in german
    note = text_of(order_service.order_document_html(shop, "ORD-DE", "delivery-note", today=TODAY))
    assert "Lieferschein" in note and "Geliefert" in note and "Stück insgesamt 1.251" in note
    assert "€" not in note  # no prices on a delivery note
    dutch = text_of(order_service.order_document_html(shop, "ORD-NL", "confirmation", today=TODAY))
    assert "Orderbevestiging" in dutch and "€ 5.609,50" in dutch and "Auftrag" not in dutch
    assert "Pakbon" in text_of(order_service.order_document_html(shop, "ORD-NL", "delivery-note", today=TODAY))
    english = text_of(order_service.order_document_html(shop, "ORD-DE", "confirmation", "en", today=TODAY))
    assert "Order confirmation" in english and "€5,609.50" in english


def test_a_wrong_document_or_language_is_refused_clearly(shop):
    with pytest.raises(NotFound):
        order_service.order_document_html(shop, "ORD-NL", "invoice")
    with pytest.raises(NotFound):
        order_service.order_document_html(shop, "ORD-NONE", "confirmation")
    with pytest.raises(InvalidInput, match="'fr' is not a language for documents"):
        order_service.order_document_html(shop, "ORD-NL", "confirmation", "fr")
