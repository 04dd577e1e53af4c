"""Languages: Flask-Babel set up, the page's language and direction, and strings for the scripts.

Scripts call `t("English text")` and `tn("singular", "plural", n)` (static/js/live.js);
the page carries their translations as JSON (`js_messages()`), so the
scripts need no catalog of their own.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app
from flask_babel import Babel, get_locale, gettext
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

#: The six UN languages, in the order the switcher lists them.
LANGUAGES = ("en", "fr", "es", "ar", "zh", "ru")
RTL = frozenset({"ar"})

babel = Babel()

_JS_CALL = re.compile(r"""\btn?\(\s*"((?:[^"\\]|\\.)*)"(?:\s*,\s*"((?:[^"\\]|\\.)*)")?""")


def select_locale() -> str:
    return "en"


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def direction(language: str | None = None) -> str:
    return "rtl" if (language or current_language()) in RTL else "ltr"


@lru_cache(maxsize=None)
def _script_messages(folder: str) -> tuple[tuple[str, str | None], ...]:
    """Every t("...") and tn("...", "...") in static/js (English source strings)."""
    found: dict[tuple[str, str | None], None] = {}
    for path in sorted(Path(folder, "js").glob("*.js")):
        for singular, plural in _JS_CALL.findall(path.read_text(encoding="utf-8")):
            found[(_unescape(singular), _unescape(plural) if plural else None)] = None
    return tuple(found)


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\\\", "\\")


def js_messages() -> dict:
    """Translations of the scripts' strings for the current language ({} in English)."""
    if current_language() == "en":
        return {}
    messages: dict = {}
    for singular, plural in _script_messages(current_app.static_folder):
        if plural is None:
            text = gettext(singular)
            if text != singular:
                messages[singular] = text
    return messages


def script_messages() -> Markup:
    """The scripts' translations as a JSON data block (not executed; allowed by the CSP)."""
    messages = js_messages()
    if not messages:
        return Markup("")
    return Markup('<script type="application/json" id="messages">%s</script>') % Markup(
        htmlsafe_json_dumps(messages))


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))

    @app.context_processor
    def language_context():
        language = current_language()
        return {"lang": language, "dir": direction(language), "script_messages": script_messages}
