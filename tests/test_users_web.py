"""The users page: an operator's badge, PIN and linked operator set in the web app, a stale edit, the last
administrator kept, refusals in Dutch, the viewer refused."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from tests.test_masterdata_web import post
from tests.test_web import app, login  # noqa: F401  (the demo-shop app fixture)


def _error(page) -> str:
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', page.text, re.S)
    return html.unescape(found.group(1)) if found else ""


def _version(page) -> str:
    return re.search(r'name="version" value="(\d+)"', page.text).group(1)


def _operators(client) -> list[str]:
    return re.findall(r'<option value="([^"]+)"[^>]*>\1 ', client.get("/users").text.split('name="operator_code"')[1])


def test_a_new_operator_gets_a_badge_and_pin_and_logs_in_at_the_terminal(app):
    with TestClient(app) as admin:
        login(admin, "beheer")
        operator = _operators(admin)[0]
        made = post(admin, "/users", {"username": "anouk", "display_name": "Anouk Lasser", "password": "lang-genoeg-1",
                                      "role": "operator", "badge": "2042", "pin": "4321", "operator_code": operator})
        assert made.status_code == 303
        listed = admin.get("/users").text
        assert "Anouk Lasser" in listed and "2042" in listed
        # a badge that is someone else's, a PIN of letters and an operator that does not exist are refused in Dutch
        for form, said in ((dict(badge="1001"), "pas 1001"), (dict(pin="12ab"), "pincode"),
                           (dict(operator_code="NIEMAND"), "medewerker 'niemand' bestaat niet")):
            refused = post(admin, "/users", {"username": "bram", "password": "lang-genoeg-1", "role": "operator"} | form)
            assert refused.status_code == 422 and said in _error(refused).lower(), _error(refused)
            assert 'value="bram"' in refused.text  # what was typed stays
        assert "bram" not in admin.get("/users").text.split('id="new-user"')[0]
    with TestClient(app) as terminal:
        page = terminal.get("/terminal")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        entered = terminal.post("/terminal/login", data={"badge": "2042", "pin": "4321", "csrf_token": token},
                                follow_redirects=False)
        assert entered.status_code == 303


def test_an_edit_changes_the_badge_and_pin_and_a_stale_edit_is_refused(app):
    with TestClient(app) as admin:
        login(admin, "beheer")
        page = admin.get("/users/operator")
        assert page.status_code == 200 and 'value="1001"' in page.text
        version = _version(page)
        changed = post(admin, "/users/operator", {"version": version, "display_name": "Olaf O.", "role": "operator",
                                                  "active": "on", "language": "nl", "badge": "1009", "pin": "8642"})
        assert changed.status_code == 303
        assert "1009" in admin.get("/users").text
        stale = post(admin, "/users/operator", {"version": version, "display_name": "Olaf", "role": "operator",
                                                "active": "on", "badge": "1010"})
        assert stale.status_code == 409 and "gewijzigd" in _error(stale)
        assert 'value="1010"' in stale.text  # the typed badge stays on the page
        assert "1010" not in admin.get("/users").text
    with TestClient(app) as terminal:
        token = re.search(r'name="csrf_token" value="([^"]+)"', terminal.get("/terminal").text).group(1)
        assert terminal.post("/terminal/login", data={"badge": "1001", "pin": "1234", "csrf_token": token},
                             follow_redirects=False).status_code != 303  # the old badge no longer opens it
        assert terminal.post("/terminal/login", data={"badge": "1009", "pin": "8642", "csrf_token": token},
                             follow_redirects=False).status_code == 303


def test_the_last_administrator_stays_and_a_viewer_may_not_see_users(app):
    with TestClient(app) as admin:
        login(admin, "beheer")
        page = admin.get("/users/beheer")
        refused = post(admin, "/users/beheer", {"version": _version(page), "display_name": "Beheerder",
                                                "role": "planner", "active": "on"})
        assert refused.status_code == 422 and "laatste actieve beheerder" in _error(refused)
        off = post(admin, "/users/beheer", {"version": _version(page), "display_name": "Beheerder", "role": "admin"})
        assert off.status_code == 422  # switched off: the same refusal
        assert admin.get("/api/users").json()[0]["role"] == "admin"
    with TestClient(app) as viewer:
        login(viewer, "kijker")
        assert viewer.get("/users").status_code == 403
        assert post(viewer, "/users/operator", {"version": "1", "role": "admin", "active": "on"}).status_code == 403
