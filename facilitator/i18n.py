"""Languages: Flask-Babel set up, the page's language and direction, and strings for the scripts.

Scripts call `t("English text")` and `tn("singular", "plural", n)` (static/js/live.js);
the page carries their translations as JSON (`js_messages()`), so the
scripts need no catalog of their own.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from babel import Locale
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import (Babel, format_date, format_number, format_percent, format_time, get_locale, get_translations,
                         gettext)
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

#: The six UN languages, in the order the switcher lists them, each named in itself.
LANGUAGES = ("en", "fr", "es", "ar", "zh", "ru")
NAMES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "zh": "中文", "ru": "Русский"}
RTL = frozenset({"ar"})

#: The browser session's language, once chosen with ?lang= (CONTRACT §11).
SESSION_LANGUAGE = "lang"

#: Socket.IO connections' languages, by session id: the `lang` of the connect auth, else the
#: language its page was in. Acks and refusals are written in it.
_connection_languages: dict[str, str] = {}

babel = Babel()

_JS_CALL = re.compile(r"""\btn?\(\s*"((?:[^"\\]|\\.)*)"(?:\s*,\s*"((?:[^"\\]|\\.)*)")?""")


def language_of(value) -> str | None:
    """One of LANGUAGES from a tag such as "fr", "fr-CA", "zh-Hans-CN" or "AR", else None."""
    if not isinstance(value, str) or not 2 <= len(value) <= 35:
        return None
    primary = value.replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else None


def browser_language() -> str | None:
    """The first of the browser's Accept-Language that we have, best quality first."""
    for tag, _quality in request.accept_languages:
        language = language_of(tag)
        if language:
            return language
    return None


def select_locale() -> str:
    """?lang= (then remembered), the session's choice, the browser's, the workshop's default."""
    if not has_request_context():
        return "en"
    sid = getattr(request, "sid", None)
    if sid is not None and sid in _connection_languages:
        return _connection_languages[sid]
    asked = language_of(request.args.get("lang"))
    if asked:
        if session.get(SESSION_LANGUAGE) != asked:
            session[SESSION_LANGUAGE] = asked
        return asked
    return (language_of(session.get(SESSION_LANGUAGE)) or browser_language()
            or language_of(g.get("workshop_language")) or "en")


def connection_language(sid: str, auth: dict | None) -> str:
    """Fix a Socket.IO connection's language at connect: `auth.lang`, else as for its page."""
    language = language_of(auth.get("lang")) if isinstance(auth, dict) else None
    language = language or select_locale()
    _connection_languages[sid] = language
    return language


def forget_connection(sid: str) -> None:
    _connection_languages.pop(sid, None)


def switcher_links(key: str = "lang") -> list[dict]:
    """The language switcher: this page's address in each language (plain links, no script).
    With key="also", the projector's second language for its join instructions."""
    args = request.args.to_dict()
    current = current_language() if key == "lang" else language_of(args.get(key))
    links = []
    for language in LANGUAGES:
        args[key] = language
        links.append({"lang": language, "name": NAMES[language], "current": language == current,
                      "url": request.path + "?" + "&".join(f"{k}={quote(v)}" for k, v in args.items())})
    return links


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "en"


def direction(language: str | None = None) -> str:
    return "rtl" if (language or current_language()) in RTL else "ltr"


@lru_cache(maxsize=None)
def _script_messages(folder: str, scripts: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    """Every t("...") and tn("...", "...") in these scripts of static/js (English source strings)."""
    _check_keys(folder)
    found: dict[tuple[str, str | None], None] = {}
    for name in scripts:
        path = Path(folder, "js", f"{name}.js")
        for singular, plural in _JS_CALL.findall(path.read_text(encoding="utf-8")):
            found[(_unescape(singular), _unescape(plural) if plural else None)] = None
    return tuple(found)


@lru_cache(maxsize=None)
def _check_keys(folder: str) -> None:
    """Two script strings with the same message_key would show one's translation for the other."""
    seen: dict[str, str] = {}
    for path in sorted(Path(folder, "js").glob("*.js")):
        for singular, plural in _JS_CALL.findall(path.read_text(encoding="utf-8")):
            text = _unescape(singular) + ("\u0000" + _unescape(plural) if plural else "")
            key = message_key(text)
            if seen.setdefault(key, text) != text:
                raise RuntimeError(f"script strings {seen[key]!r} and {text!r} share the key {key}")


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\\\", "\\")


def message_key(text: str) -> str:
    """The short key of a script string: FNV-1a (32 bits) over its UTF-16 code units, in base 36,
    as static/js/live.js computes it. Keys instead of the English strings keep the translations
    a page carries small (a phone on 3G downloads them on every first visit)."""
    value = 0x811C9DC5
    units = text.encode("utf-16-le")
    for i in range(0, len(units), 2):
        value = ((value ^ (units[i] | units[i + 1] << 8)) * 0x01000193) & 0xFFFFFFFF
    digits = ""
    while True:
        value, digit = divmod(value, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[digit] + digits
        if not value:
            return digits


def js_messages(scripts: tuple[str, ...]) -> dict:
    """Translations of these scripts' strings for the current language ({} in English), keyed by
    message_key (of "singular\u0000plural" for a plural). A plural is one text per CLDR category,
    picked in the browser with Intl.PluralRules; a category whose text is the "other" one is left
    out (the script falls back to "other")."""
    if current_language() == "en":
        return {}
    messages: dict = {}
    categories = _plural_samples(current_language())
    translations = get_translations()
    for singular, plural in _script_messages(current_app.static_folder, scripts):
        if plural is None:
            text = gettext(singular)
            if text != singular:
                messages[message_key(singular)] = text
        else:
            forms = {category: translations.ngettext(singular, plural, n) for category, n in categories.items()}
            other = forms.get("other")
            messages[message_key(singular + "\u0000" + plural)] = {
                category: text for category, text in forms.items() if category == "other" or text != other}
    return messages


@lru_cache(maxsize=None)
def _plural_samples(language: str) -> dict[str, int]:
    """A number of each CLDR plural category of the language (Arabic: zero, one, two, few, many, other)."""
    locale, samples = Locale.parse(language), {}
    for n in (0, 1, 2, 3, 5, 11, 21, 22, 100, 101, 102):
        samples.setdefault(locale.plural_form(n), n)
    return samples


def script_messages(*scripts: str) -> Markup:
    """The translations the page's scripts need ("live", "participant", ...: the names of the
    files in static/js), as a JSON data block (not executed; allowed by the CSP). Only those
    scripts' strings: a phone does not download the console's."""
    messages = js_messages(scripts)
    if not messages:
        return Markup("")
    return Markup('<script type="application/json" id="messages">%s</script>') % Markup(
        htmlsafe_json_dumps(messages, ensure_ascii=False))  # UTF-8: a third of \uXXXX


#: Payload keys whose objects never carry translations: not walked.
_NOT_TRANSLATED = frozenset({"positions", "results", "floor", "participants", "record", "report"})


def localized(value, language: str | None = None, keep_translations: bool = True):
    """A copy of a payload with each text, label and title in `language` where the workshop gives
    one ("translations": {"fr": ...}); pages render it, scripts do the same (live.js). Without
    `keep_translations`, the "translations" are left out: what a connection's `state` carries."""
    language = language or current_language()
    if isinstance(value, list):
        return [localized(item, language, keep_translations) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: (item if key in _NOT_TRANSLATED else localized(item, language, keep_translations))
           for key, item in value.items() if keep_translations or key != "translations"}
    text = (value.get("translations") or {}).get(language) if isinstance(value.get("translations"), dict) else None
    if text:
        for key in ("text", "label", "title"):
            if key in out:
                out[key] = text
                break
    return out


def state_for_connection(state: dict, sid: str) -> dict:
    """The `state` a connection receives: in its language, without the other languages (4 KB less
    per connect with the six-language template; events that change content still carry them)."""
    return localized(state, _connection_languages.get(sid) or current_language(), keep_translations=False)


def in_language(original: str, translations: dict | None) -> str:
    """A workshop's title (a prompt's text, an option's label) in the page's language if given."""
    return (translations or {}).get(current_language()) or original


def percent(count: int, total: int) -> str:
    """A share as the page's language writes it, rounded half up as the scripts round it."""
    whole = int(100 * count / total + 0.5) if total else 0
    return format_percent(whole / 100)


def number(value: int) -> str:
    return format_number(value)


def day(value: date | datetime | str | None, width: str = "medium") -> str:
    """A date as the page's language writes it (Nov 22, 2026; 22 nov. 2026; 2026年11月22日), in UTC;
    ISO text is accepted."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return format_date(value, width)


def time_of_day(value: datetime | str) -> str:
    """A time of day in UTC as the page's language writes it (9:05 AM, 09:05)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_time(value, "short")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))

    @app.before_request
    def remember_asked_language():
        """?lang= is remembered even by a page that only redirects (a role link drops its token)."""
        asked = language_of(request.args.get("lang"))
        if asked and session.get(SESSION_LANGUAGE) != asked:
            session[SESSION_LANGUAGE] = asked

    @app.context_processor
    def language_context():
        language = current_language()
        return {"lang": language, "dir": direction(language), "script_messages": script_messages,
                "in_language": in_language,
                "language_links": switcher_links, "percent": percent, "number": number, "day": day,
                "time_of_day": time_of_day}
