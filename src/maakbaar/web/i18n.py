"""The web app's languages: the words come from the message catalogue (``maakbaar.i18n``: one .po file per
language); what is left here turns the import's English row reasons into Dutch until they are codes."""

from __future__ import annotations

from fastapi import Request

from ..i18n import DEFAULT_LANGUAGE, SCREEN_LANGUAGES as LANGUAGES, day_names, translator  # noqa: F401

DAY_NAMES = {lang: day_names(lang) for lang in LANGUAGES}
API_DEFAULT_LANGUAGE = "en"  # a program that asks nothing gets English; a browser's fetch sends the page's cookie


def language_of(request: Request) -> str:
    """The pages' language: ``?lang=``, else the ``lang`` cookie (the switch in the menu), else Dutch."""
    chosen = request.query_params.get("lang") or request.cookies.get("lang") or DEFAULT_LANGUAGE
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def api_language(request: Request) -> str:
    """The API's language: ``?lang=``, the ``lang`` cookie, else the first language of ``Accept-Language`` the
    app speaks, else English."""
    for chosen in (request.query_params.get("lang"), request.cookies.get("lang")):
        if chosen in LANGUAGES:
            return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return API_DEFAULT_LANGUAGE


def reader_language(request: Request) -> str:
    """The language of whoever made the request: the API's rules under /api, the pages' elsewhere."""
    return api_language(request) if request.url.path.startswith("/api") else language_of(request)


# The import's row reasons in Dutch: the import reports them in English today (a stopgap until the one message
# catalogue of issue #20 turns them into codes). Phrases the table does not know stay as they are.
IMPORT_PHRASES_NL = (
    (r"^(orders|parts|routings|stock) rows? ", lambda m: {"orders": "orders", "parts": "artikelen",
                                                           "routings": "bewerkingen", "stock": "voorraad"}[m.group(1)]
     + " rij "),
    (r"^row 1: missing column\(s\) (.*) for (\w+)", r"rij 1: kolom(men) \1 ontbreken voor \2"),
    (r"^row 1: unknown column\(s\) (.*?);", r"rij 1: onbekende kolom(men) \1;"),
    (r"^row (\d+): more cells than header columns", r"rij \1: meer cellen dan kolommen in de kopregel"),
    (r"'([^']*)' is not a date \(use YYYY-MM-DD or DD-MM-YYYY\)", r"'\1' is geen datum (gebruik JJJJ-MM-DD of DD-MM-JJJJ)"),
    (r"'([^']*)' is not a whole number", r"'\1' is geen geheel getal"),
    (r"'([^']*)' is not a number", r"'\1' is geen getal"),
    (r"'([^']*)' is not yes/no \(ja/nee\)", r"'\1' is geen ja/nee"),
    (r"unknown customer '([^']*)'", r"onbekende klant '\1'"),
    (r"unknown part '([^']*)'", r"onbekend artikel '\1'"),
    (r"unknown material '([^']*)'", r"onbekend materiaal '\1'"),
    (r"unknown machine '([^']*)'", r"onbekende machine '\1'"),
    (r"order (\S+) already exists", r"order \1 bestaat al"),
    (r"already appears in row (\d+)", r"staat al in rij \1"),
    (r"(\w+) differs from row (\d+) of the same order", r"\1 wijkt af van rij \2 van dezelfde order"),
    (r"has a sequence number twice", "heeft een volgnummer twee keer"),
    (r": missing$", ": ontbreekt"),
    (r"Field required", "verplicht veld ontbreekt"),
    (r"Input should be greater than (\S+)", r"moet groter zijn dan \1"),
    (r"Input should be less than or equal to (\S+)", r"mag hoogstens \1 zijn"),
    (r"(\S+) is not a date to plan with \(between (\S+) and (\S+)\); a 'no end date' value such as 9999-12-31 needs "
     r"a real due date", r"\1 is geen datum om mee te plannen (tussen \2 en \3); een 'geen einddatum'-waarde als "
                         r"9999-12-31 heeft een echte leverdatum nodig"),
    (r"is before release_date", "ligt voor de vrijgavedatum"),
    (r"contains control characters \(such as NUL\); type the text again",
     "bevat stuurtekens (zoals NUL); typ de tekst opnieuw"),
    (r"the file is not text in UTF-8, cp1252 or cp1250: save it from Excel as 'CSV UTF-8' and import it again",
     "het bestand is geen tekst in UTF-8, cp1252 of cp1250: sla het in Excel op als 'CSV UTF-8' en importeer opnieuw"),
    (r"the file is empty: expected a header row", "het bestand is leeg: een kopregel ontbreekt"),
)


def import_problem(text: str, language: str) -> str:
    """One row reason of an import in the reader's language."""
    import re

    if language != "nl":
        return text
    for pattern, replacement in IMPORT_PHRASES_NL:
        text = re.sub(pattern, replacement, text)
    return text
