"""The shop itself as its customers see it: name, address, registration numbers and terms, on every document."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from .common import DomainModel, Name, Text, refusal

METAALUNIE = ("Op al onze aanbiedingen, opdrachtbevestigingen en overeenkomsten zijn de METAALUNIE-voorwaarden van "
              "toepassing, zoals gedeponeerd ter griffie van de rechtbank Rotterdam. Op verzoek sturen wij u een "
              "exemplaar toe.")


def iban_ok(iban: str) -> bool:
    """The IBAN check (ISO 13616): the country and check digits moved to the end, letters as numbers, mod 97 is 1."""
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", iban):
        return False
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


class CompanyProfile(DomainModel):
    """What goes on the quote, the order confirmation, the delivery note and the CO2 report as the sender."""

    name: Name
    address: Text = ""
    postcode: Text = ""
    city: Text = ""
    country: str = Field(default="NL", pattern=r"^[A-Z]{2}$")
    phone: Text = ""
    email: Text = ""
    website: Text = ""
    kvk: str = Field(default="", description="Kamer van Koophandel number: 8 digits")
    vat: str = Field(default="", description="BTW (VAT) number, e.g. NL123456789B01")
    iban: str = ""
    bic: str = Field(default="", pattern=r"^([A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?)?$")
    quote_valid_days: int = Field(default=30, ge=1, le=365)
    payment_terms: Text = "Betaling binnen 30 dagen na factuurdatum."
    delivery_terms: Text = "Levering af werkplaats (EXW), exclusief verpakking en transport, tenzij anders vermeld."
    conditions: Text = METAALUNIE

    @field_validator("kvk", mode="before")
    @classmethod
    def _kvk(cls, value: str) -> str:
        value = re.sub(r"\s", "", str(value or ""))
        if value and not re.fullmatch(r"\d{8}", value):
            raise refusal("domain.kvk", "a KvK number has 8 digits, not '{value}'", value=value)
        return value

    @field_validator("vat", mode="before")
    @classmethod
    def _vat(cls, value: str) -> str:
        value = re.sub(r"[\s.]", "", str(value or "")).upper()
        if value and not re.fullmatch(r"[A-Z]{2}[0-9A-Z]{2,13}", value):
            raise refusal("domain.vat", "'{value}' is not a VAT number (such as NL123456789B01)", value=value)
        if value.startswith("NL") and not re.fullmatch(r"NL\d{9}B\d{2}", value):
            raise refusal("domain.vat", "'{value}' is not a VAT number (such as NL123456789B01)", value=value)
        return value

    @field_validator("iban", mode="before")
    @classmethod
    def _iban(cls, value: str) -> str:
        value = re.sub(r"\s", "", str(value or "")).upper()
        if value and not iban_ok(value):
            raise refusal("domain.iban", "'{value}' is not a valid IBAN (its check digits do not match)", value=value)
        return value

    @property
    def iban_grouped(self) -> str:
        return " ".join(self.iban[i:i + 4] for i in range(0, len(self.iban), 4))
