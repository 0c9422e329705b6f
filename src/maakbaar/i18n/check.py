"""The catalogue's completeness: per language the messages without a translation or marked fuzzy, and the
message keys the code and templates use that a catalogue lacks (Babel's extraction)."""

from __future__ import annotations

from pathlib import Path

from . import LOCALES, po_path

SOURCE = Path(__file__).resolve().parent.parent  # src/maakbaar
# every message of these languages has its text (German holds only what a customer reads: it may hold fewer)
COMPLETE = ("nl", "en", "de")
# what a customer reads (documents, their units and language names): every document language has all of these
DOCUMENT_KEYS = ("doc.", "co2.", "unit.", "language_name.")


def read(lang: str):
    from babel.messages.pofile import read_po

    with open(po_path(lang), "rb") as handle:
        return read_po(handle, locale=LOCALES[lang])


def _key(message) -> str:
    """A message's key (a plural message's id is the pair of its singular and plural)."""
    return str(message.id if isinstance(message.id, str) else message.id[0])


def untranslated(languages=COMPLETE) -> dict[str, list[str]]:
    out = {}
    for lang in languages:
        missing = [_key(m) for m in read(lang) if m.id and (
            m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))]
        if missing:
            out[lang] = missing
    return out


def keys(lang: str) -> set[str]:
    """Every message key ``lang``'s catalogue holds."""
    return {_key(m) for m in read(lang) if m.id}


def missing_document_keys(languages=("nl", "en", "de")) -> dict[str, list[str]]:
    """Per document language, the customer-facing keys (``DOCUMENT_KEYS``) the Dutch catalogue has and it lacks."""
    needed = {key for key in keys("nl") if key.startswith(DOCUMENT_KEYS)}
    out = {}
    for lang in languages:
        missing = sorted(needed - keys(lang))
        if missing:
            out[lang] = missing
    return out


def used_keys() -> dict[str, list[str]]:
    """Message keys given literally to ``t(...)`` in templates and code, with where (Babel's extractors: Jinja2's
    for templates, Python's for code)."""
    from babel.messages.extract import extract_from_dir

    method_map = [("web/templates/**.html", "jinja2"), ("web/**.py", "python")]
    options = {"web/templates/**.html": {"extensions": "jinja2.ext.do"}}
    out: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(SOURCE), method_map, options_map=options, keywords={"t": None, "_": None},
            comment_tags=(), strip_comment_tags=True):
        key = message if isinstance(message, str) else message[0]
        if key and not key.endswith("."):  # "status." + value: the keys made so are checked where they are made
            out.setdefault(key, []).append(f"{filename}:{lineno}")
    return out


# Reason codes and message keys written as literals outside templates: an error's ``code=``, ``Reason.of``, an
# engine's refusal (``refusal``, ``Refusal``, ``CostError``, ``FactorError``: the code first), a placement's reason
# and a cell's (second), a booking's (``booking.`` + its code) and the CLI's ``say`` and ``h`` (its help texts).
_CODE_PATTERNS = (
    r"""\bcode=["']([a-z][\w .]*)["']""",
    r"""\bReason\.of\(\s*["']([a-z][\w .]*)["']""",
    r"""\b(?:refusal|Refusal|CostError|FactorError)\(\s*["']([a-z][\w .]*)["']""",
    r"""\b(?:PlacementError|CellError)\([^,()]+,\s*["']([a-z][\w .]*)["']""",
    r"""\b(?:say|h)\(\s*["']([a-z][\w .]*)["']""",
    r"""\bRefused\(\s*\d+,\s*["']([a-z][\w .]*)["']""",
)


def missing_codes(languages=("nl", "en")) -> dict[str, list[str]]:
    """Codes the code uses (``used_codes``) that a screen language's catalogue lacks, with where."""
    have = set.intersection(*(keys(lang) for lang in languages))
    return {key: where for key, where in used_codes().items() if key not in have}


def used_codes() -> dict[str, list[str]]:
    """Reason codes and message keys the Python code names literally (``_CODE_PATTERNS``), with where; a code
    made from a value (``f"wct.{type}"``) is left to the check of the place that makes it."""
    import re

    patterns = [re.compile(p) for p in _CODE_PATTERNS]
    booking = re.compile(r"""\bBookingError\(\s*["']([a-z][\w]*)["']""")
    out: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found = [(m.group(1), m.start()) for pattern in patterns for m in pattern.finditer(text)]
        found += [(f"booking.{m.group(1)}", m.start()) for m in booking.finditer(text)]
        for key, offset in found:
            if key == "text" or key.endswith("."):  # text as it is; a prefix the code completes with a value
                continue
            line = text.count("\n", 0, offset) + 1
            out.setdefault(key, []).append(f"{path.relative_to(SOURCE)}:{line}")
    return out
