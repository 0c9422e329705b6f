"""Everything a person reads, in his language: one gettext catalogue per language (``locale/<lang>/LC_MESSAGES/
maakbaar.po``, compiled to .mo at set-up), with plural forms, and numbers, money, dates and durations written the
way the language writes them (Babel's locale data: 10.264,5 and € 48.000,00 in Dutch, 10,264.5 in English).

Messages are keyed: the msgid is a key such as ``orders`` or ``status.quoted``, and every language, English
too, has its .po file. A key on a page is therefore a message nobody translated, and the tests look for them.
Adding a language is adding a .po file (and its name in ``LOCALES``). German is kept for what goes to
customers (quotes, order confirmations, delivery notes, the CO2 report); where a German text is missing the
English one is used, and the catalogue check lists it.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal

HERE = Path(__file__).resolve().parent
LOCALE_DIR = HERE / "locale"
DOMAIN = "maakbaar"
LOCALES = {"nl": "nl_NL", "en": "en_GB", "de": "de_DE"}  # every language with a catalogue
SCREEN_LANGUAGES = ("nl", "en")  # the app's own pages
DOCUMENT_LANGUAGES = ("nl", "en", "de")  # what goes to a customer
DEFAULT_LANGUAGE = "nl"
FALLBACK = {"de": "en"}  # a missing German text: the English one (the catalogue check lists it)


def language(code: str | None, choices=tuple(LOCALES)) -> str:
    """``code`` when it is one of ``choices``, else the default (Dutch)."""
    code = (code or "").strip().lower()[:2]
    return code if code in choices else DEFAULT_LANGUAGE


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compiled(lang: str) -> bytes:
    """The .mo form of ``lang``'s .po file."""
    from babel.messages.mofile import write_mo

    from .check import read

    buffer = io.BytesIO()
    write_mo(buffer, read(lang))
    return buffer.getvalue()


def compile_catalogues() -> list[Path]:
    """Write each language's .mo beside its .po (set-up runs this; ``python -m maakbaar.i18n compile``)."""
    written = []
    for lang in LOCALES:
        mo = po_path(lang).with_suffix(".mo")
        mo.write_bytes(_compiled(lang))
        written.append(mo)
    return written


@functools.cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (compiled from the .po in memory when set-up has not compiled it or
    the .po is newer), with its fallback."""
    lang = language(lang)
    po = po_path(lang)
    mo = po.with_suffix(".mo")
    fresh = mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime
    translations = gettext.GNUTranslations(io.BytesIO(mo.read_bytes() if fresh else _compiled(lang)))
    if lang in FALLBACK:
        translations.add_fallback(catalogue(FALLBACK[lang]))
    return translations


class Translator:
    """``t("key", **values)``: the message in this language with its values filled in; ``t("key", n=3)``
    chooses the plural form by ``n`` ("1 werkdag", "3 werkdagen")."""

    def __init__(self, lang: str):
        self.lang = language(lang)
        self.locale = LOCALES[self.lang]
        self._catalogue = catalogue(self.lang)

    def __call__(self, key: str, /, n: int | None = None, **values) -> str:
        if n is None:
            text = self._catalogue.gettext(key)
        else:
            text = self._catalogue.ngettext(key, key, n) if isinstance(n, int) else key
            if text == key:  # not a message with plural forms: n is one of its values
                text = self._catalogue.gettext(key)
            values["n"] = format_decimal(n, locale=self.locale) if isinstance(n, (int, float)) else n
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return self._catalogue.gettext(key) != key


@functools.cache
def translator(lang: str) -> Translator:
    return Translator(lang)


def number(value: float | None, lang: str = DEFAULT_LANGUAGE, digits: int = 0) -> str:
    """Thousands and decimals as the language writes them (10.264 and 3,74 in Dutch); "-" for no value."""
    if value is None:
        return "-"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(round(float(value), digits), format=pattern, locale=LOCALES[language(lang)])


def money(value: float | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """An amount in euros with its sign: € 48.000,00 in Dutch, €48,000.00 in English, 48.000,00 € in German."""
    if value is None:
        return "-"
    return format_currency(value, "EUR", locale=LOCALES[language(lang)])


def day(value: dt.date | None, lang: str = DEFAULT_LANGUAGE, form: str = "medium") -> str:
    """A date: ``medium`` 7 dec 2026, ``short`` 07-12-2026, ``weekday`` ma 7 dec (in Dutch)."""
    if value is None:
        return "-"
    if isinstance(value, dt.datetime):
        value = value.date()
    locale = LOCALES[language(lang)]
    if form == "weekday":
        return format_date(value, "EEE d MMM", locale=locale).replace(".", "")
    if form == "short":
        return format_date(value, "dd-MM-yyyy" if language(lang) != "en" else "dd/MM/yyyy", locale=locale)
    return format_date(value, "d MMM yyyy", locale=locale).replace(".", "")


def moment(value: dt.datetime | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date and a clock time: ma 7 dec 14:30."""
    if value is None:
        return "-"
    return f"{day(value, lang, 'weekday')} {format_time(value, 'HH:mm', locale=LOCALES[language(lang)])}"


def day_names(lang: str = DEFAULT_LANGUAGE) -> tuple[str, ...]:
    """Monday to Sunday, abbreviated: ma di wo do vr za zo in Dutch."""
    names = Locale.parse(LOCALES[language(lang)]).days["format"]["abbreviated"]
    return tuple(names[k].rstrip(".") for k in range(7))


__all__ = ["DEFAULT_LANGUAGE", "DOCUMENT_LANGUAGES", "LOCALES", "SCREEN_LANGUAGES", "Translator", "catalogue",
           "compile_catalogues", "day", "day_names", "format_datetime", "language", "money", "moment", "number",
           "translator"]
