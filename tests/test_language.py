"""One message catalogue (``maakbaar.i18n``): every key in every language, plural forms and number, money and
date formats per language checked by hand, and no English on a Dutch screen."""

from __future__ import annotations

import datetime as dt
import html
import html.parser
import re

import pytest
from fastapi.testclient import TestClient

from maakbaar import i18n
from maakbaar.i18n.check import keys as catalogue_keys, read
from tests.test_web import app, login  # noqa: F401  (app: the demo shop's web app, a fixture)

# Words that are English and not Dutch: one of them in a Dutch page is text that missed the catalogue.
ENGLISH = {
    "the", "you", "your", "and", "with", "from", "not", "are", "has", "have", "been", "will", "would", "could",
    "should", "cannot", "already", "please", "piece", "pieces", "operation", "operations", "draft", "sent",
    "accepted", "rejected", "expired", "steel", "stainless", "galvanised", "galvanized", "planned", "due",
    "day", "days", "hours", "minutes", "hit", "replanning", "unknown", "missing", "error", "failed", "between",
    "gets", "after", "before", "which", "what", "this", "that", "there", "only", "first", "none", "yes",
    "done", "ready", "machine(s)", "order(s)", "piece(s)", "operation(s)", "sheet", "sheets", "bends", "setup",
    "run", "released", "ordered", "quoted", "delivered", "cancelled", "pending", "running", "finished", "lns",
    "solver", "feasible", "optimal", "infeasible",
}


class _Text(html.parser.HTMLParser):
    """What a person reads on a page: text outside scripts and styles, and titles, placeholders and labels."""

    READ = ("title", "placeholder", "aria-label", "alt", "value")

    def __init__(self):
        super().__init__()
        self.parts, self._skip, self._skipping = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style") or dict(attrs).get("lang", "nl") != "nl":
            self._skip += 1  # a quotation in another language (a cited source) says so with lang="en"
            self._skipping.append(tag)
        if self._skip:
            return
        for name, value in attrs:
            if name == "value" and not (tag == "input" and dict(attrs).get("type") in ("submit", "button")):
                continue  # a form's values are sent, not read (an option's value is the code behind its text)
            if name in self.READ and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if self._skipping and self._skipping[-1] == tag:
            self._skipping.pop()
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def readable(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def keys(lang: str = "en") -> set[str]:
    return catalogue_keys(lang)


def problems(text: str, known: set[str], allowed: set[str] = frozenset()) -> list[str]:
    """English words and message keys in a Dutch text."""
    found = []
    for word in re.findall(r"[A-Za-z][A-Za-z_.()]*[A-Za-z)]", text):
        bare = word.strip("().").lower()
        if word in known and ("_" in word or "." in word) and word not in allowed:
            found.append(f"key {word}")
        elif bare in ENGLISH and bare not in allowed:
            found.append(word)
    return found


def _pages(client: TestClient) -> list[str]:
    """Every page of the office app, with a real order, quote, nest and work order of the demo shop."""
    orders = client.get("/api/orders-overview").json()
    order = orders[0]["number"]
    late = next((o["number"] for o in orders if o["planned_late"]), order)
    pages = ["/dashboard", "/orders", "/orders?status=done", "/orders/new", f"/orders/{order}", f"/orders/{late}",
             f"/orders/{order}/promise", "/promise", "/quote", "/planning", "/planning/meta", "/nests", "/co2",
             f"/co2?order={order}",
             "/postcalc", "/users", "/orders/NO-SUCH-ORDER"]
    pages += [f"/masterdata?tab={tab}" for tab in ("machines", "calendars", "operators", "materials", "customers",
                                                     "rates", "stock")]
    # the master-data forms, new (from a template) and existing, and the company profile
    pages += ["/masterdata/machines/new", "/masterdata/machines/new?template=press-brake-3100-135",
              "/masterdata/machines/LAS01", "/masterdata/calendars/new", "/masterdata/calendars/DAG",
              "/masterdata/operators/new", "/masterdata/operators/OP01", "/masterdata/materials/new",
              "/masterdata/materials/S235JR", "/masterdata/customers/new", "/company"]
    quotes = client.get("/api/quotes").json()
    pages += [f"/quotes/{q['number']}" for q in quotes[:2]] + [f"/quotes/{q['number']}/document?doc=nl"
                                                              for q in quotes[:1]]
    pages += [f"/orders/{late}/document?kind={kind}&doc=nl" for kind in ("confirmation", "delivery-note")]
    nests = client.get("/api/nests").json()
    pages += [f"/nests/{n['id']}" for n in nests[:1]]
    return pages


def test_no_english_and_no_message_key_on_a_dutch_page(app):  # noqa: F811
    known = keys()
    found = {}
    with TestClient(app) as client:
        login(client, "beheer")
        for path in _pages(client):
            answer = client.get(path)
            assert answer.status_code in (200, 404), (path, answer.status_code)
            wrong = problems(readable(answer.text), known)
            if wrong:
                found[path] = sorted(set(wrong))
    assert not found, "\n".join(f"{path}: {', '.join(words)}" for path, words in found.items())


def test_every_message_has_its_dutch_and_english_text_and_every_key_used_is_in_the_catalogue():
    """What ``python -m maakbaar.i18n check`` checks in CI, and the keys the code and templates use."""
    from maakbaar.i18n.__main__ import main
    from maakbaar.i18n.check import missing_codes, missing_document_keys, untranslated, used_codes, used_keys

    assert untranslated() == {}  # none empty or fuzzy, in Dutch, English and German
    known = keys()
    assert {key: where for key, where in used_keys().items() if key not in known} == {}
    codes = used_codes()  # the codes errors, engines and the CLI name: found, and every one in the catalogue
    assert {"cost.beyond_laser", "domain.due_before_release", "import.not_date", "unplaced.too_large",
            "booking.not_booked", "cli.plan_stored", "place.no_room", "error.stale"} <= set(codes)
    assert missing_codes() == {}
    assert keys("nl") == known  # Dutch and English hold every message
    assert keys("de") <= known  # German holds what customers read, all of it
    assert missing_document_keys() == {}
    assert {k for k in keys("de") if k.startswith("doc.")} == {k for k in known if k.startswith("doc.")}
    assert main(["check"]) == 0


def test_the_check_finds_a_missing_german_document_message(tmp_path, monkeypatch):
    """The check is not blind: a German catalogue without one document message fails it."""
    from babel.messages.pofile import write_po

    from maakbaar.i18n import check

    catalogue = read("de")
    catalogue.delete("doc.unit_price")
    copy = tmp_path / "de.po"
    with open(copy, "wb") as handle:
        write_po(handle, catalogue)
    real = check.po_path
    monkeypatch.setattr(check, "po_path", lambda lang: copy if lang == "de" else real(lang))
    assert check.missing_document_keys() == {"de": ["doc.unit_price"]}


def test_catalogues_compile_and_a_compiled_catalogue_is_what_the_app_reads(tmp_path):
    written = i18n.compile_catalogues()
    assert {path.parent.parent.name for path in written} == set(i18n.LOCALES)
    assert all(path.stat().st_size > 1000 for path in written)
    i18n.catalogue.cache_clear()
    assert i18n.catalogue("nl").gettext("orders") == "Orders" and i18n.catalogue("nl").gettext("late") == "te laat"


@pytest.mark.parametrize("lang, n, key, expected", [
    ("nl", 1, "n_working_days", "1 werkdag"), ("nl", 2, "n_working_days", "2 werkdagen"),
    ("nl", 0, "n_days_left", "0 dagen"), ("nl", 1, "n_sheets", "1 plaat"), ("nl", 1250, "n_pieces", "1.250 stuks"),
    ("en", 1, "n_working_days", "1 working day"), ("en", 3, "n_bends", "3 bends"), ("en", 1250, "n_pieces", "1,250 pieces"),
    ("de", 1, "n_working_days", "1 Arbeitstag"), ("de", 5, "n_working_days", "5 Arbeitstage"),
    ("de", 1250, "n_pieces", "1.250 Stück"),
])
def test_plural_forms_by_hand(lang, n, key, expected):
    assert i18n.translator(lang)(key, n=n) == expected


def test_reasons_and_durations_by_hand_in_each_language():
    """An engine's reason code with its values, written out by the catalogue: plurals, durations, days, shares."""
    from maakbaar.reasons import Day, Minutes, Reason, Share

    assert [i18n.duration(m, "nl") for m in (45, 90, 3 * 1440)] == ["45 min", "1,5 u", "3,0 d"]
    assert [i18n.duration(m, "en") for m in (45, 90, 3 * 1440)] == ["45 min", "1.5 h", "3.0 d"]
    assert i18n.duration(90, "de") == "1,5 Std."
    busy = Reason.of("wait.busy", machine="K1", n=1, orders=("ORD-7",), loaded=Reason.of(
        "wait.loaded", machine="K1", share=Share(0.96), n=2,
        span=Reason.of("span.days", first=Day(dt.date(2026, 12, 7)), last=Day(dt.date(2026, 12, 8)))))
    assert i18n.say(busy, "nl") == ("machine K1 was bezig met 1 andere bewerking (ORD-7); K1 voor 96% belast op "
                                    "2 werkdagen, ma 7 dec tot di 8 dec")
    assert i18n.say(busy, "en") == ("machine K1 was busy with 1 other operation (ORD-7); K1 loaded 96% on 2 working "
                                    "days, Mon 7 Dec to Tue 8 Dec")
    late = Reason.of("late.held_up", late=Minutes(150), waited=Minutes(2 * 1440), label="Kanten",
                     cause=Reason.of("wait.previous"))
    assert i18n.say(late, "nl") == "2,5 u te laat; 2,0 d opgehouden bij Kanten: wacht op de vorige bewerking"
    assert i18n.say(late, "nl", short=True) == "2,5 u te laat; 2,0 d gewacht bij Kanten"
    assert i18n.say(Reason.of("wait.previous"), "nl", short=True) == "wacht op de vorige bewerking"  # no short form
    assert i18n.say(Reason.of("late.late", late=Minutes(30)), "de") == "30 Min. zu spät"
    assert i18n.say(Reason.of("text", text="uit een oud plan"), "en") == "uit een oud plan"  # stored before codes
    assert i18n.say(None, "nl") == ""
    assert i18n.money(48_000_000, "nl", cents=False) == "€\xa048.000.000"
    assert i18n.money(1005.4, "de", cents=False) == "1.005\xa0€" and i18n.money(-1234.5, "en", cents=False) == "-€1,234"


def test_numbers_money_and_dates_as_each_language_writes_them():
    assert i18n.number(8850, "nl", 1) == "8.850,0" and i18n.number(8850, "en", 1) == "8,850.0"
    assert i18n.number(1198.64, "de", 1) == "1.198,6" and i18n.number(-3.746, "nl", 2) == "-3,75"
    assert i18n.number(None) == "-"
    assert i18n.money(48_000_000, "nl") == "€\xa048.000.000,00"
    assert i18n.money(1234.5, "en") == "€1,234.50" and i18n.money(1234.5, "de") == "1.234,50\xa0€"
    monday = dt.date(2026, 12, 7)
    assert i18n.day(monday, "nl", "weekday") == "ma 7 dec" and i18n.day(monday, "de", "weekday") == "Mo 7 Dez"
    assert i18n.day(dt.date(2027, 3, 1), "nl") == "1 mrt 2027" and i18n.day(monday, "en") == "7 Dec 2026"
    assert i18n.moment(dt.datetime(2026, 12, 8, 6, 5), "nl") == "di 8 dec 06:05"
    assert i18n.day_names("nl") == ("ma", "di", "wo", "do", "vr", "za", "zo")


def test_the_terminal_refuses_and_reports_in_dutch(app):  # noqa: F811
    known = keys()
    with TestClient(app) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/terminal").text).group(1)
        client.post("/terminal/login", data={"badge": "1001", "pin": "1234", "csrf_token": token})
        queue = client.get("/terminal?wc=LASER")
        op_key = re.search(r'href="/terminal/card/([^"]+)"', queue.text).group(1)
        card = client.get(f"/terminal/card/{op_key}")
        assert not problems(readable(card.text), known)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', card.text).group(1)

        def book(action: str, **fields):
            key = re.search(rf'name="idempotency_key" value="([^"]+-{action})"', card.text)
            return client.post(f"/terminal/book/{op_key}", data={"csrf_token": csrf, "action": action, **fields,
                                                                 "idempotency_key": key.group(1) if key else action})

        refused = book("finish", good="1")  # not started: refused, in Dutch
        assert refused.status_code == 409
        text = readable(refused.text)
        assert f"u bent niet aangemeld op {op_key}; start eerst" in text and not problems(text, known)
        assert book("start_run").status_code == 200
        again = client.post(f"/terminal/book/{op_key}", data={"csrf_token": csrf, "action": "start_run",
                                                              "idempotency_key": "second-press-other-key"})
        assert again.status_code == 409 and f"u bent al aan het produceren op {op_key}" in readable(again.text)
        scrap = client.post(f"/terminal/book/{op_key}", data={"csrf_token": csrf, "action": "finish", "good": "1",
                                                              "scrap": "2", "idempotency_key": "finish-with-scrap"})
        text = readable(scrap.text)
        assert scrap.status_code == 200 and "2 stuks opnieuw te maken: werkorder" in text, text[-400:]
        assert not problems(text, known)


def test_api_errors_in_the_readers_language_with_a_stable_code(app):  # noqa: F811
    """A program that asks nothing gets English; a Dutch reader (Accept-Language, ?lang= or the page's cookie)
    gets Dutch; both get the same code. The viewer's refused page is Dutch too."""
    known = keys()
    with TestClient(app) as client:
        anonymous = client.get("/api/orders-overview", headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"})
        assert anonymous.status_code == 401 and anonymous.json() == {"detail": "log eerst in (POST /api/login)",
                                                                     "code": "error.login_first"}
        wrong = client.post("/api/login?lang=nl", json={"username": "kijker", "password": "verkeerd-wachtwoord"})
        assert wrong.status_code == 401 and wrong.json() == {"detail": "Onbekende gebruiker of verkeerd wachtwoord.",
                                                             "code": "login.wrong"}
        badge = client.post("/api/floor/login", json={"badge": "9999", "pin": "0000"})
        assert badge.json() == {"detail": "Unknown badge or wrong PIN.", "code": "login.wrong_badge"}
        login(client, "kijker")
        cases = [("GET", "/api/orders/NO-SUCH-ORDER/detail", None, 404, "error.not_found", "order 'NO-SUCH-ORDER'",
                  "unknown order"),
                 ("GET", "/api/customers/K9999", None, 404, "error.not_found", "klant 'K9999'", "unknown customer"),
                 ("POST", "/api/plans", {}, 403, "error.role_may_not_do", "uw rol (kijker) mag dit niet",
                  "your role (viewer) may not")]
        for method, path, body, status, code, dutch, english_text in cases:
            english = client.request(method, path, json=body)
            assert english.status_code == status and english.json()["code"] == code, english.text
            assert english_text in english.json()["detail"]
            answer = client.request(method, path + "?lang=nl", json=body)
            assert answer.status_code == status and answer.json()["code"] == code
            detail = answer.json()["detail"]
            assert dutch in detail, detail
            assert not problems(detail, known), detail
            assert detail != english.json()["detail"]
        invalid = client.get("/api/orders-overview?due_before=morgen&lang=nl")
        assert invalid.status_code == 422 and invalid.json()["code"] == "error.invalid_input"
        (problem,) = invalid.json()["detail"]
        assert problem["loc"] == ["query", "due_before"] and problem["msg"] == "moet een datum zijn (JJJJ-MM-DD)"
        english = client.get("/api/orders-overview?due_before=morgen&lang=en")
        assert english.json()["detail"][0]["msg"] == "Input should be a valid date (YYYY-MM-DD)"
        order = client.get("/api/orders-overview").json()[0]["number"]
        wrong = client.get(f"/orders/{order}/document?kind=confirmation&doc=fr&lang=nl")
        assert wrong.status_code == 422
        assert "'fr' is geen taal voor documenten (kies uit nl, en, de)" in html.unescape(wrong.text)
        assert client.get(f"/orders/{order}/document?kind=invoice&lang=nl").status_code == 404
        page = client.get("/users?lang=nl")
        assert page.status_code == 403
        assert "met uw rol (kijker) kunt u deze pagina niet openen" in page.text
        assert 'href="/orders"' in page.text  # the refused page keeps the menu: the viewer is not stranded
        assert not problems(readable(page.text), known)


def test_a_broken_drawing_is_explained_in_dutch_on_the_quote_page(app):  # noqa: F811
    """The DXF reader gives reason codes: the quote page says in Dutch what is wrong and where; the API in the
    reader's language."""
    known = keys()
    open_contour = ("0\nSECTION\n2\nENTITIES\n0\nLINE\n8\n0\n10\n0\n20\n0\n11\n100\n21\n0\n0\nLINE\n8\n0\n10\n100\n"
                    "20\n0\n11\n100\n21\n50\n0\nLINE\n8\n0\n10\n100\n20\n50\n11\n0\n21\n50\n0\nENDSEC\n0\nEOF\n")
    with TestClient(app) as client:
        login(client, "calculator")
        files = [("files", ("kapot.dxf", b"dit is geen tekening", "application/dxf")),
                 ("files", ("open.dxf", open_contour.encode(), "application/dxf"))]
        page = client.post("/quote/calculate?lang=nl", files=files,
                           data={"material": "S235JR", "thickness_mm": "3", "quantities": "1,10"})
        assert page.status_code == 200
        text = html.unescape(readable(page.text))
        assert "kapot.dxf: dit is geen DXF-bestand (een DXF begint met '0 SECTION')" in text
        assert "open.dxf: open contour van 3 elementen: opening van 50,000 mm tussen" in text
        assert not problems(text, known)
        # the page's cookie now says Dutch, and the API follows it; a program may ask English
        dutch = client.post("/api/quotes/calculate", files=files[:1],
                            data={"material": "S235JR", "thickness_mm": "3", "quantities": "1"}).json()
        assert dutch["problems"][0].startswith("kapot.dxf: dit is geen DXF-bestand")
        english = client.post("/api/quotes/calculate?lang=en", files=files[:1],
                              data={"material": "S235JR", "thickness_mm": "3", "quantities": "1"}).json()
        assert english["problems"] == ["kapot.dxf: this is not a DXF file (a DXF starts with '0 SECTION'); export the "
                                       "flat pattern as DXF from the CAD program"]


def test_a_stale_edit_and_a_refused_move_are_told_in_dutch(app):  # noqa: F811
    """What a planner meets on a busy day: someone else changed the record, a move the plan cannot take."""
    known = keys()
    with TestClient(app) as client:
        login(client, "planner")
        customer = client.get("/api/customers/K1001").json()
        body = {k: v for k, v in customer.items() if k != "version"}
        assert client.put("/api/customers/K1001", json=dict(body, phone="010-1"),
                          headers={"If-Match": str(customer["version"])}).status_code == 200
        stale = client.put("/api/customers/K1001?lang=nl", json=dict(body, phone="010-2"),
                           headers={"If-Match": str(customer["version"])})
        assert stale.status_code == 409 and stale.json()["code"] == "error.stale"
        assert stale.json()["detail"].startswith("klant 'K1001' is intussen door iemand anders gewijzigd")
        assert not problems(stale.json()["detail"], known)
        bars = client.get("/api/plans/current/board").json()["items"]
        bar = next(b for b in bars if b.get("id", "").startswith("WO-") and "/" in b["id"])
        machines = {b["group"] for b in bars if "group" in b}
        operation = client.get(f"/api/work-orders/{bar['id'].rsplit('/', 1)[0]}").json()["operations"]
        eligible = next(o for o in operation if str(o["sequence"]) == bar["id"].rsplit("/", 1)[1])
        other = sorted(machines - set(eligible["eligible_machines"]))[0]
        refused = client.post(f"/api/plans/current/operations/{bar['id']}/move?lang=nl",
                              json={"machine": other, "start": bar["start"]})
        assert refused.status_code == 409 and refused.json()["code"] == "move.not_eligible"
        assert refused.json()["detail"].startswith(f"{other} kan {bar['id']} niet doen (wel: ")


def test_one_refusal_of_each_kind_through_the_api_in_dutch(app):  # noqa: F811
    """An import's row reasons, a part the laser cannot cut (the cost tables), a user the shop may not have, a
    correction factor nobody believes, an order that cannot be released and an unknown booking action: each
    answered in Dutch with its code, and nothing English in the answer."""
    known = keys()
    square = ("0\nSECTION\n2\nENTITIES\n0\nLWPOLYLINE\n8\n0\n90\n4\n70\n1\n10\n0\n20\n0\n10\n200\n20\n0\n10\n200\n"
              "20\n100\n10\n0\n20\n100\n0\nENDSEC\n0\nEOF\n")
    with TestClient(app) as client:
        login(client, "beheer")
        due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
        customer = client.get("/api/orders-overview").json()[0]["customer_code"]
        part = client.get("/api/parts").json()[0]["number"]
        rows = (f"order;customer;due_date;part;quantity\nIMP-1;{customer};morgen;{part};1\n"
                f"IMP-2;{customer};{due};{part};tien\nIMP-3;{customer};{due};GEEN;2\n").encode("cp1252")
        refused = client.post("/api/imports?lang=nl", files={"file": ("orders.csv", rows, "text/csv")})
        assert refused.status_code == 422 and refused.json()["code"] == "error.import_refused"
        detail = refused.json()["detail"]
        assert "orders rij 2: due_date: 'morgen' is geen datum (gebruik JJJJ-MM-DD of DD-MM-JJJJ)" in detail
        assert "orders rij 3: quantity: 'tien' is geen getal" in detail, detail
        assert "orders rij 4: part: artikel 'GEEN' bestaat niet" in detail, detail
        thick = client.post("/api/quotes/calculate?lang=nl", files=[("files", ("plaat.dxf", square.encode(),
                                                                                "application/dxf"))],
                            data={"material": "S235JR", "thickness_mm": "45", "quantities": "1"})
        assert thick.status_code == 200, thick.text
        (problem,) = thick.json()["problems"]
        assert problem.startswith("plaat.dxf: ") and "meer dan de laser aankan" in problem, problem
        answers = [
            (client.post("/api/users?lang=nl", json={"username": "baas", "password": "lang-genoeg-1", "role": "baas"}),
             400, "user.role", "de rol moet een van"),
            (client.post("/api/postcalc/corrections/apply?lang=nl", json={"work_center_type": "laser", "factor": 9}),
             422, "postcalc.factor", "is niet geloofwaardig (0,2 tot 5)"),
            (client.post("/api/floor/operations/WO-1-1/10/vliegen?lang=nl", json={"operator": "OP01"},
                         headers={"Idempotency-Key": "x1"}), 404, "booking.unknown_action", "onbekende"),
        ]
        released = [o["number"] for o in client.get("/api/orders-overview").json() if o["status"] == "released"]
        answers.append((client.post(f"/api/orders/{released[0]}/release?lang=nl"), 400, "order.not_releasable",
                        "is vrijgegeven; alleen geoffreerde of bestelde orders kunnen worden vrijgegeven"))
        for answer, status, code, dutch in answers:
            assert answer.status_code == status and answer.json()["code"] == code, answer.text
            detail = answer.json()["detail"]
            text = detail if isinstance(detail, str) else " ".join(d["msg"] for d in detail)
            assert dutch in text, text
            assert not problems(text, known), text
        for detail in [*refused.json()["detail"], problem]:  # the file's own column names may be message keys
            assert not problems(detail, known, {"due_date", "quantity", "part"}), detail


def test_the_work_order_pdf_and_the_co2_report_in_dutch(app):  # noqa: F811
    """The PDFs a Dutch shop prints: the work order for the floor and the CO2 report, no English and no key."""
    import io

    from pypdf import PdfReader

    known = keys()
    with TestClient(app) as client:
        login(client, "beheer")
        work_order = client.get("/api/work-orders").json()[0]["number"]
        order = client.get("/api/orders-overview").json()[0]["number"]
        for path in (f"/work-orders/{work_order}.pdf?lang=nl", f"/co2/report.pdf?order={order}&doc=nl&lang=nl"):
            pdf = client.get(path)
            assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-", (path, pdf.text[:300])
            text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
            assert len(text) > 200, path
            # a reference number's citation "(source, year)" stays in its own language (as lang="en" on a page)
            text = re.sub(r"\([^()]*\b(?:19|20)\d\d\)", " ", " ".join(text.split()))
            wrong = problems(text, known)
            assert not wrong, (path, wrong)
