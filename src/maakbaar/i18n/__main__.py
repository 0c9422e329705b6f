"""``python -m maakbaar.i18n compile``: the .po catalogues into .mo (set-up runs it); ``check``: every message
translated in every language, none fuzzy, every customer document message in every document language, and every
reason code and message key the code names in Dutch and English (CI runs it)."""

from __future__ import annotations

import sys

from . import compile_catalogues
from .check import missing_codes, missing_document_keys, untranslated


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "compile"
    if command == "compile":
        for path in compile_catalogues():
            print(f"compiled {path.parent.parent.name}: {path.name}")
        return 0
    if command == "check":
        missing = untranslated()
        for lang, keys in missing.items():
            print(f"{lang}: {len(keys)} messages untranslated or fuzzy: {', '.join(keys[:20])}"
                  + (" ..." if len(keys) > 20 else ""))
        lacking = missing_document_keys()
        for lang, keys in lacking.items():
            print(f"{lang}: {len(keys)} customer document messages missing: {', '.join(keys[:20])}"
                  + (" ..." if len(keys) > 20 else ""))
        unknown = missing_codes()
        for key, where in unknown.items():
            print(f"{key}: used at {', '.join(where[:3])} but not in the Dutch and English catalogues")
        return 1 if missing or lacking or unknown else 0
    print("usage: python -m maakbaar.i18n [compile|check]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
