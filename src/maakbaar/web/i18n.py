"""The UI's words in Dutch (default) and English."""

from __future__ import annotations

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

WORDS: dict[str, dict[str, str]] = {
    "orders": {"nl": "Orders", "en": "Orders"},
    "open_orders": {"nl": "Openstaande orders", "en": "Open orders"},
    "order": {"nl": "Order", "en": "Order"},
    "customer": {"nl": "Klant", "en": "Customer"},
    "reference": {"nl": "Referentie", "en": "Reference"},
    "due_date": {"nl": "Leverdatum", "en": "Due date"},
    "release_date": {"nl": "Vrijgave", "en": "Release"},
    "status": {"nl": "Status", "en": "Status"},
    "priority": {"nl": "Prio", "en": "Prio"},
    "lines": {"nl": "Regels", "en": "Lines"},
    "quantity": {"nl": "Aantal", "en": "Quantity"},
    "value": {"nl": "Waarde (EUR)", "en": "Value (EUR)"},
    "late": {"nl": "te laat", "en": "late"},
    "planned": {"nl": "Gepland gereed", "en": "Planned ready"},
    "planned_late": {"nl": "plan te laat", "en": "plan late"},
    "not_planned": {"nl": "niet gepland", "en": "not planned"},
    "days_left": {"nl": "dagen", "en": "days"},
    "summary": {"nl": "{n} open orders, {late} te laat, totale waarde EUR {value}",
                "en": "{n} open orders, {late} late, total value EUR {value}"},
    "no_orders": {"nl": "Nog geen orders. Laad de demo met `maakbaar demo` of importeer uw orders.",
                  "en": "No orders yet. Load the demo with `maakbaar demo` or import your orders."},
    "status.quoted": {"nl": "offerte", "en": "quoted"},
    "status.ordered": {"nl": "besteld", "en": "ordered"},
    "status.released": {"nl": "vrijgegeven", "en": "released"},
    "status.in_progress": {"nl": "in productie", "en": "in progress"},
    "status.done": {"nl": "gereed", "en": "done"},
    "status.delivered": {"nl": "geleverd", "en": "delivered"},
    "status.cancelled": {"nl": "geannuleerd", "en": "cancelled"},
    "language": {"nl": "English", "en": "Nederlands"},
}


def translator(language: str):
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE

    def t(key: str, **values) -> str:
        entry = WORDS.get(key)
        text = entry.get(language, entry[DEFAULT_LANGUAGE]) if entry else key
        return text.format(**values) if values else text

    return t
