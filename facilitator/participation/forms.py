"""Forms of participant actions: the same form validates a socket payload and a form post."""

from __future__ import annotations

from functools import lru_cache

import pycountry
from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from wtforms import RadioField, SelectField
from wtforms.validators import InputRequired, Optional, ValidationError

from ..fields import (Form, IdField, IdListField, StrictStringField, choices, max_length, not_blank, one_line,
                      required_value)
from .models import REACTION_VALUES, STAKEHOLDER_GROUPS
from .snapshot import PAGE_MAX

STAKEHOLDER_LABELS = {
    "government": lazy_gettext("Government"),
    "civil_society": lazy_gettext("Civil society"),
    "private_sector": lazy_gettext("Private sector"),
    "technical_community": lazy_gettext("Technical community"),
    "academia": lazy_gettext("Academia"),
    "intergovernmental": lazy_gettext("Intergovernmental organization"),
    "media": lazy_gettext("Media"),
    "other": lazy_gettext("Other"),
}


#: ISO 3166 alpha-2 codes (pycountry), named in the page's language (Babel's CLDR data).
COUNTRY_CODES = frozenset(c.alpha_2 for c in pycountry.countries)


@lru_cache(maxsize=8)
def _countries(language: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(language).territories
    return tuple(sorted(((code, names.get(code, code)) for code in COUNTRY_CODES), key=lambda c: c[1]))


def country_choices():
    locale = get_locale()
    return choices([("", _("Prefer not to say"))] + list(_countries(str(locale) if locale else "en")))


def country_code(value):
    """A country code from a form or JSON: upper case; blank or only spaces and controls is None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(_("must be a country code"))
    value = one_line(value)
    return value.upper() if value else None


class JoinForm(Form):
    attendance = RadioField(
        lazy_gettext("Where are you taking part from?"),
        choices=choices([("onsite", lazy_gettext("In the room")), ("online", lazy_gettext("Online"))]),
        validators=[InputRequired(lazy_gettext("Choose in the room or online."))],
    )
    display_name = StrictStringField(
        lazy_gettext("Your name (optional)"), validators=[Optional(), max_length(80)],
        description=lazy_gettext("Shown to the moderators, and in the speaking queue when you ask to speak; "
                                 "never in reports."))
    stakeholder_group = SelectField(
        lazy_gettext("Stakeholder group (optional)"),
        choices=choices([("", lazy_gettext("Prefer not to say"))]
                        + [(g, STAKEHOLDER_LABELS[g]) for g in STAKEHOLDER_GROUPS]),
        validators=[Optional()],
    )
    country = SelectField(lazy_gettext("Country (optional)"), choices=[], validators=[Optional()], coerce=country_code)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()


class VoteForm(Form):
    prompt_id = IdField(lazy_gettext("Question"), validators=[required_value])
    option_ids = IdListField(lazy_gettext("Options"), validators=[required_value])


class PositionForm(Form):
    prompt_id = IdField(lazy_gettext("Question"), validators=[required_value])
    text = StrictStringField(lazy_gettext("Your position"), validators=[required_value])
    option_id = IdField(lazy_gettext("The option it argues for"), validators=[Optional()])
    client_id = StrictStringField(lazy_gettext("Client id"), validators=[required_value, not_blank, max_length(64)])


REACTION_LABELS = {"agree": lazy_gettext("Agree"), "disagree": lazy_gettext("Disagree"), "pass": lazy_gettext("Pass")}


class ReactionForm(Form):
    position_id = IdField(lazy_gettext("Position"), validators=[required_value])
    value = SelectField(lazy_gettext("Reaction"), choices=choices([(v, REACTION_LABELS[v]) for v in REACTION_VALUES]),
                        validators=[InputRequired()])


def _page_size(form, field):
    if field.data is not None and not 1 <= field.data <= PAGE_MAX:
        raise ValidationError(_("must be between 1 and %(limit)d", limit=PAGE_MAX))


class PositionsPageForm(Form):
    """get_positions: a prompt's positions older than before_id, newest first."""

    prompt_id = IdField(lazy_gettext("Question"), validators=[required_value])
    before_id = IdField(lazy_gettext("Older than"), validators=[Optional()])
    limit = IdField(lazy_gettext("How many"), validators=[Optional(), _page_size])
