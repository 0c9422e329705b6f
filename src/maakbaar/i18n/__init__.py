"""Everything a person reads, in his language: one gettext catalogue per language (``locale/<lang>/LC_MESSAGES/
maakbaar.po``, compiled to .mo at set-up), with plural forms, and numbers, money, dates and durations written the
way the language writes them (Babel's locale data: 10.264,5 and € 48.000,00 in Dutch, 10,264.5 in English).

Messages are keyed: the msgid is a key such as ``orders`` or ``status.quoted``, and every language, English
too, has its .po file. A key on a page is therefore a message nobody translated, and the tests look for them.
Adding a language is adding a .po file (and its name in ``LOCALES``). German holds what goes to customers
(quotes, order confirmations, delivery notes, the CO2 report: the catalogue check fails on a missing one); any
other message asked in German is the English one.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal, format_percent

HERE = Path(__file__).resolve().parent
LOCALE_DIR = HERE / "locale"
DOMAIN = "maakbaar"
LOCALES = {"nl": "nl_NL", "en": "en_GB", "de": "de_DE"}  # every language with a catalogue
SCREEN_LANGUAGES = ("nl", "en")  # the app's own pages
DOCUMENT_LANGUAGES = ("nl", "en", "de")  # what goes to a customer
DEFAULT_LANGUAGE = "nl"
FALLBACK = {"de": "en"}  # a message German does not hold (the screens'): the English one


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
        text = self.template(key, n)
        if n is not None:
            values["n"] = format_decimal(n, locale=self.locale) if isinstance(n, (int, float)) else n
        return text.format(**values) if values else text

    def template(self, key: str, n: int | None = None) -> str:
        """The message with its placeholders, in the plural form for ``n``."""
        if n is None or not isinstance(n, int):
            return self._catalogue.gettext(key)
        text = self._catalogue.ngettext(key, key, n)
        return self._catalogue.gettext(key) if text == key else text  # not a plural message: n is a value

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


def money(value: float | None, lang: str = DEFAULT_LANGUAGE, cents: bool = True) -> str:
    """An amount in euros with its sign: € 48.000,00 in Dutch, €48,000.00 in English, 48.000,00 € in German;
    without ``cents`` rounded to whole euros (€ 48.000)."""
    if value is None:
        return "-"
    locale = LOCALES[language(lang)]
    if cents:
        return format_currency(value, "EUR", locale=locale)
    pattern = Locale.parse(locale).currency_formats["standard"].pattern.replace(".00", "")
    return format_currency(round(value), "EUR", format=pattern, locale=locale, currency_digits=False)


SHORT_DATE = {"nl": "dd-MM-yyyy", "en": "dd/MM/yyyy", "de": "dd.MM.yyyy"}  # with the century, as forms want


def country(code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A country's name in the language: DE is Duitsland in Dutch, Deutschland in German."""
    return Locale.parse(LOCALES[language(lang)]).territories.get(code.upper(), code)


def day(value: dt.date | None, lang: str = DEFAULT_LANGUAGE, form: str = "medium") -> str:
    """A date: ``medium`` 7 dec 2026, ``short`` 07-12-2026 (07/12/2026, 07.12.2026), ``weekday`` ma 7 dec (in
    Dutch)."""
    if value is None:
        return "-"
    if isinstance(value, dt.datetime):
        value = value.date()
    locale = LOCALES[language(lang)]
    if form == "weekday":
        return format_date(value, "EEE d MMM", locale=locale).replace(".", "")
    if form == "short":
        return format_date(value, SHORT_DATE[language(lang)], locale=locale)
    return format_date(value, "d MMM yyyy", locale=locale).replace(".", "")


def moment(value: dt.datetime | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date and a clock time: ma 7 dec 14:30."""
    if value is None:
        return "-"
    return f"{day(value, lang, 'weekday')} {format_time(value, 'HH:mm', locale=LOCALES[language(lang)])}"


def duration(minutes: int | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """A planner's duration: 45 min, 3,5 u, 2,1 d (in Dutch; 3.5 h and 2.1 d in English)."""
    if minutes is None:
        return "-"
    t = translator(lang)
    if abs(minutes) >= 1440:
        return t("unit.days", x=number(minutes / 1440, lang, 1))
    if abs(minutes) >= 60:
        return t("unit.hours", x=number(minutes / 60, lang, 1))
    return t("unit.minutes", x=number(minutes, lang))


class _Blank(dict):
    def __missing__(self, key: str) -> str:  # a value a reason may leave out (such as wait.busy's loaded)
        return ""


def say(reason, lang: str = DEFAULT_LANGUAGE, short: bool = False) -> str:
    """A ``maakbaar.reasons.Reason`` in the reader's language: its code is the message key, its values are
    written the language's way (durations, days, moments, shares, numbers; other reasons in turn; tuples as a
    list), and a value ``n`` chooses the plural form. Text stored before reasons were (code ``text``) is shown
    as it is, and so is the ``text`` of a reason whose code the catalogue lacks (one of pydantic's rarer checks). ``short``: the message's short form (key ``<code>.short``) where it has one, for a narrow column."""
    from ..reasons import Day, Figure, Minutes, Moment, Reason, Share

    if reason is None:
        return ""
    if reason.code == "text":
        return str(reason.get("text", ""))

    def write(value) -> str:
        if isinstance(value, Reason):
            return say(value, lang)
        if isinstance(value, Minutes):
            return duration(value.value, lang)
        if isinstance(value, Moment):
            return moment(value.value, lang)
        if isinstance(value, Day):
            return day(value.value, lang, value.form)
        if isinstance(value, Share):
            return format_percent(value.value, locale=LOCALES[language(lang)])
        if isinstance(value, Figure):
            return number(value.value, lang, value.digits)
        if isinstance(value, tuple):
            return ", ".join(write(v) for v in value)
        if isinstance(value, bool) or value is None:
            return str(value or "")
        if isinstance(value, (int, float)):
            return number(value, lang, 0 if isinstance(value, int) else 1)
        return str(value)

    t = translator(lang)
    if not t.has(reason.code) and reason.get("text") is not None:
        return str(reason.get("text"))  # a message the catalogue lacks (pydantic's rarer ones): its own text
    n = reason.get("n")
    code = f"{reason.code}.short" if short and t.has(f"{reason.code}.short") else reason.code
    return t.template(code, n).format_map(_Blank({k: write(v) for k, v in reason.values}))


def day_names(lang: str = DEFAULT_LANGUAGE) -> tuple[str, ...]:
    """Monday to Sunday, abbreviated: ma di wo do vr za zo in Dutch."""
    names = Locale.parse(LOCALES[language(lang)]).days["format"]["abbreviated"]
    return tuple(names[k].rstrip(".") for k in range(7))


__all__ = ["DEFAULT_LANGUAGE", "DOCUMENT_LANGUAGES", "LOCALES", "SCREEN_LANGUAGES", "Translator", "catalogue",
           "compile_catalogues", "country", "day", "day_names", "duration", "format_datetime", "language", "money",
           "moment", "number", "say", "translator"]
