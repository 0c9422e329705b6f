"""The frame every printed document shares: an A4 page with the shop's name, the addressee and the references."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..i18n import country

STYLE = """
  @page { size: A4; margin: 18mm; }
  body { font: 11pt/1.4 system-ui, sans-serif; color: #1d2430; max-width: 180mm; margin: 0 auto; }
  header { display: flex; justify-content: space-between; gap: 2em; border-bottom: 2px solid #1d2430;
           margin-bottom: 1em; }
  h1 { margin: 0 0 .3em; font-size: 18pt; } h2 { font-size: 12pt; margin: 0 0 .2em; }
  .address { margin: 1em 0; white-space: pre-line; }
  .line { display: flex; gap: 1.2em; padding: .8em 0; border-bottom: 1px solid #dde2e8; page-break-inside: avoid; }
  .preview { width: 150px; flex: none; } table { border-collapse: collapse; }
  table.lines { width: 100%; margin-top: 1em; }
  table.lines th { border-bottom: 1px solid #1d2430; }
  table.lines td { border-bottom: 1px solid #dde2e8; }
  th, td { padding: .25em .8em .25em 0; text-align: left; vertical-align: top; } .num { text-align: right; }
  tfoot td { font-weight: bold; border-bottom: none; }
  .sign { margin-top: 3em; border-top: 1px solid #1d2430; padding-top: .4em; width: 60%; }
  footer { margin-top: 1.5em; color: #6b7480; font-size: 9pt; } footer p { margin: .3em 0; }
  .sender { font-size: 9pt; color: #3a4350; }
"""


@dataclass(frozen=True)
class Party:
    """Who sends or receives a document."""

    name: str
    address: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""

    def lines(self, lang: str, home: str = "NL") -> list[str]:
        """The address as it goes on an envelope, line by line, the country named when it is not ``home``."""
        place = " ".join(p for p in (self.postcode, self.city) if p)
        abroad = self.country and self.country != home
        lines = [self.name, self.address, place, country(self.country, lang).upper() if abroad else ""]
        return [line for line in lines if line]

    def block(self, lang: str, home: str = "NL") -> str:
        """The address as it goes on an envelope (HTML, escaped)."""
        return escape("\n".join(self.lines(lang, home)))


@dataclass(frozen=True)
class Sender:
    """The shop as its documents show it (``CompanyProfile``): name and address at the top, registration numbers
    and terms at the foot."""

    name: str
    address: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "NL"
    phone: str = ""
    email: str = ""
    website: str = ""
    kvk: str = ""
    vat: str = ""
    iban: str = ""  # as it is printed, in groups of four
    bic: str = ""
    payment_terms: str = ""
    delivery_terms: str = ""
    conditions: str = ""

    def contact(self) -> str:
        """Address and contact on one line ('' when the profile has none)."""
        place = " ".join(p for p in (self.postcode, self.city) if p)
        return " · ".join(p for p in (self.address, place, self.phone, self.email, self.website) if p)

    def block(self) -> str:
        """The sender under the title: name in bold, address and contact in small print (HTML, escaped)."""
        contact = escape(self.contact())
        return f"<strong>{escape(self.name)}</strong>" + (f"<div class='sender'>{contact}</div>" if contact else "")

    def registration_text(self, t) -> str:
        """KvK, BTW and bank at the foot of every page ('' when the profile has none)."""
        parts = [f"{t('doc.kvk')} {self.kvk}" if self.kvk else "", f"{t('doc.vat')} {self.vat}" if self.vat else "",
                 f"IBAN {self.iban}" + (f" (BIC {self.bic})" if self.bic else "") if self.iban else ""]
        return " · ".join(p for p in parts if p)

    def registration(self, t) -> str:
        """``registration_text`` as HTML, escaped."""
        return escape(self.registration_text(t))

    def terms_text(self) -> str:
        """Payment, delivery and the general conditions, as the shop wrote them."""
        return " ".join(p for p in (self.payment_terms, self.delivery_terms, self.conditions) if p)

    def terms(self) -> str:
        """``terms_text`` as HTML, escaped."""
        return escape(self.terms_text())


def pdf_text(value: str) -> str:
    """Text for the PDF core fonts, which know Latin-1 only (the euro sign written as EUR)."""
    return value.replace("€", "EUR").replace("–", "-").replace("—", "-").replace("’", "'").replace(
        "\u00a0", " ").replace("\u202f", " ").encode("latin-1", "replace").decode("latin-1")


def footer(*pieces: str) -> str:
    """The foot of a document: its own line, the shop's terms, the registration numbers, as paragraphs."""
    return "".join(f"<p>{p}</p>" for p in pieces if p)


def page(lang: str, title: str, header: str, body: str, footer: str = "") -> str:
    """A whole HTML document in ``lang``: the title, the header (sender, references), the body and the footer."""
    return f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>{STYLE}</style></head>
<body>
<header>{header}</header>
{body}
<footer>{footer}</footer>
</body></html>
"""
