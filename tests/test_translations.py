"""The catalogs: every string the code shows is translated in each language, placeholders and
plural forms are right, and the compiled catalogs that ship are those of the .po files.

After changing strings: `pybabel extract` / `update` / `compile` (docs/development.md).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from facilitator.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "facilitator" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "N_": None, "t": None, "tn": (1, 2)}
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*[sdr]")


def code_strings() -> set[str]:
    """Every msgid the code uses, extracted as `pybabel extract -F babel.cfg` does."""
    found: set[str] = set()
    for folder, method in (("facilitator", "python"), ("templates", "jinja2"), ("static/js", "javascript")):
        pattern = {"python": "**.py", "jinja2": "**.html", "javascript": "**.js"}[method]
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / folder, method_map=[(pattern, method)], keywords=KEYWORDS):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


TRANSLATED = [language for language in LANGUAGES if language != "en"]


@pytest.fixture(scope="module")
def used() -> set[str]:
    strings = code_strings()
    assert len(strings) > 300, "extraction found too little: is babel.cfg's layout still right?"
    return strings


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_the_code_uses_is_translated(used, language):
    messages = catalog(language)
    missing = sorted(s for s in used if not messages.get(s) or not all(
        messages.get(s).string if isinstance(messages.get(s).string, tuple) else [messages.get(s).string]))
    assert missing == [], f"{len(missing)} strings not in {language}'s catalog: run pybabel update, translate"
    fuzzy = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in messages if m.id and m.fuzzy)
    assert fuzzy == [], f"fuzzy (unreviewed) entries in {language}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_and_plural_forms(language):
    messages = catalog(language)
    for message in messages:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        want = set(PLACEHOLDER.findall(" ".join(ids)))
        if len(ids) > 1:
            assert len(strings) == messages.num_plurals, (language, ids[0])
            for form in strings:
                assert set(PLACEHOLDER.findall(form)) <= want, (language, ids[0], form)
        else:
            assert set(PLACEHOLDER.findall(strings[0])) == want, (language, ids[0], strings[0])


@pytest.mark.parametrize("language", TRANSLATED)
def test_compiled_catalogs_are_those_of_the_po_files(language):
    compiled = io.BytesIO()
    write_mo(compiled, catalog(language))
    shipped = TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo"
    assert shipped.exists() and shipped.read_bytes() == compiled.getvalue(), \
        f"run: pybabel compile -d facilitator/translations -l {language}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_each_catalog_says_how_it_was_made(language):
    head = (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")[:4000]
    assert "native" in head.lower() and "review" in head.lower()
