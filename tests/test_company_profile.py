"""The company profile: typed in the browser, checked (KvK, BTW, IBAN check digits), refused when stale, and on
every document the shop sends (quote, order confirmation, delivery note) with its terms and validity."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from maakbaar.domain import CompanyProfile
from maakbaar.domain.company import iban_ok
from tests.test_web import app, login  # noqa: F401  (the demo-shop app fixture)

PROFILE = {"name": "Metaalbewerking Noord BV", "address": "Industrieweg 12", "postcode": "9403 AB", "city": "Assen",
           "country": "nl", "phone": "0592 123 456", "email": "offerte@mbnoord.nl", "website": "", "kvk": "0123 4567",
           "vat": "NL 0012.34.567.B01", "iban": "NL91 ABNA 0417 1643 00", "bic": "ABNANL2A", "quote_valid_days": "14",
           "payment_terms": "Betaling binnen 14 dagen.", "delivery_terms": "Af werkplaats Assen.",
           "conditions": "METAALUNIE-voorwaarden, gedeponeerd ter griffie van de rechtbank Rotterdam."}


@pytest.mark.parametrize("iban, ok", [("NL91ABNA0417164300", True), ("DE89370400440532013000", True),
                                      ("NL91ABNA0417164301", False), ("NL00ABNA0417164300", False), ("12345", False)])
def test_the_iban_check_digits(iban, ok):
    assert iban_ok(iban) is ok


def test_registration_numbers_are_checked_and_tidied():
    profile = CompanyProfile(name="X", kvk="0123 4567", vat="nl 0012.34.567.b01", iban="nl91 abna 0417 1643 00")
    assert (profile.kvk, profile.vat, profile.iban) == ("01234567", "NL001234567B01", "NL91ABNA0417164300")
    for wrong in ({"kvk": "1234567"}, {"vat": "NL12345678B01"}, {"iban": "NL91ABNA0417164301"}, {"bic": "abc"}):
        with pytest.raises(ValidationError):
            CompanyProfile(name="X", **wrong)


def errors_of(page: str) -> list[str]:
    block = re.search(r'<ul class="error"[^>]*>(.*?)</ul>', page, re.S)
    return [html.unescape(x) for x in re.findall(r"<li>(.*?)</li>", block.group(1), re.S)] if block else []


def test_the_profile_goes_on_every_document_the_shop_sends(app):  # noqa: F811
    with TestClient(app) as client:
        login(client, "beheer")
        token = client.headers["X-CSRF-Token"]
        page = client.get("/company")
        assert page.status_code == 200 and "METAALUNIE" in page.text  # the default conditions refer to them
        version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
        saved = client.post("/company", data=PROFILE | {"csrf_token": token, "version": version},
                            follow_redirects=False)
        assert saved.status_code == 303, errors_of(saved.text)
        quote = client.get("/api/quotes").json()[0]
        document = client.get(f"/quotes/{quote['number']}/document?doc=nl").text
        for shown in ("Metaalbewerking Noord BV", "Industrieweg 12", "9403 AB Assen", "KvK 01234567",
                      "Btw NL001234567B01", "IBAN NL91 ABNA 0417 1643 00 (BIC ABNANL2A)", "Betaling binnen 14 dagen.",
                      "Af werkplaats Assen.", "METAALUNIE-voorwaarden"):
            assert shown in html.unescape(document), shown
        german = html.unescape(client.get(f"/quotes/{quote['number']}/document?doc=de").text)
        assert "USt-IdNr. NL001234567B01" in german and "Handelsregister (KvK) 01234567" in german
        order = client.get("/api/orders").json()[0]["number"]
        confirmation = html.unescape(client.get(f"/orders/{order}/document?kind=confirmation&doc=nl").text)
        assert "Metaalbewerking Noord BV" in confirmation and "Betaling binnen 14 dagen." in confirmation
        note = html.unescape(client.get(f"/orders/{order}/document?kind=delivery-note&doc=nl").text)
        assert "KvK 01234567" in note and "Betaling binnen" not in note  # a delivery note carries no payment terms
        # the shop's name is the profile's everywhere
        assert client.get("/api/me").status_code == 200


def test_a_new_quote_is_valid_for_the_profiles_days(app, tmp_path):  # noqa: F811
    from tests.test_cli import _plate_dxf

    plate = _plate_dxf(tmp_path / "plaat.dxf")
    with TestClient(app) as client:
        login(client, "beheer")
        token = client.headers["X-CSRF-Token"]
        assert client.post("/company", data=PROFILE | {"csrf_token": token, "version": "0"},
                           follow_redirects=False).status_code == 303
        with plate.open("rb") as handle:
            answer = client.post("/api/quotes/calculate", files=[("files", ("plaat.dxf", handle, "application/dxf"))],
                                 data={"material": "S235JR", "thickness_mm": "3", "quantities": "10"}).json()
        saved = client.post("/api/quotes/from-upload", data={"upload": answer["upload"], "material": "S235JR",
                                                             "thickness_mm": "3", "quantities": "10",
                                                             "customer": "K1001"})
        quote = client.get(f"/api/quotes/{saved.json()['quote']}").json()
        import datetime as dt

        days = (dt.date.fromisoformat(quote["valid_until"]) - dt.date.fromisoformat(quote["quote_date"])).days
        assert days == 14


def test_a_wrong_number_a_stale_save_and_a_viewer_are_refused(app):  # noqa: F811
    with TestClient(app) as client:
        login(client, "beheer")
        token = client.headers["X-CSRF-Token"]
        wrong = client.post("/company", data=PROFILE | {"csrf_token": token, "version": "0",
                                                        "iban": "NL91 ABNA 0417 1643 01", "kvk": "123"})
        assert wrong.status_code == 422
        assert errors_of(wrong.text) == ["KvK-nummer: een KvK-nummer heeft 8 cijfers, niet '123'",
                                         "IBAN: 'NL91ABNA0417164301' is geen geldig IBAN (de controlecijfers kloppen "
                                         "niet)"]
        assert 'value="NL91 ABNA 0417 1643 01"' in wrong.text
        assert client.post("/company", data=PROFILE | {"csrf_token": token, "version": "0"},
                           follow_redirects=False).status_code == 303
        stale = client.post("/company", data=PROFILE | {"csrf_token": token, "version": "0", "city": "Emmen"})
        assert stale.status_code == 409 and "intussen door iemand anders gewijzigd" in html.unescape(stale.text)
        assert 'value="Emmen"' in stale.text
        login(client, "kijker")
        page = client.get("/company").text
        assert 'id="save"' not in page and "Assen" in page
        refused = client.post("/company", data=PROFILE | {"csrf_token": client.headers["X-CSRF-Token"],
                                                          "version": "1", "city": "Emmen"})
        assert refused.status_code == 403
        login(client, "beheer")
        assert 'value="Assen"' in client.get("/company").text
