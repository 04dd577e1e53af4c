"""Forms of participant actions: the same form validates a socket payload and a form post."""

from __future__ import annotations

from functools import lru_cache

import pycountry
from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField
from wtforms.validators import InputRequired, Optional, ValidationError

from ..fields import (Form, IdField, IdListField, StrictStringField, choices, max_length, not_blank, one_line,
                      required_value)
from .models import REACTION_VALUES, STAKEHOLDER_GROUPS
from .snapshot import PAGE_MAX

STAKEHOLDER_LABELS = {
    "government": _l("Government"),
    "civil_society": _l("Civil society"),
    "private_sector": _l("Private sector"),
    "technical_community": _l("Technical community"),
    "academia": _l("Academia"),
    "intergovernmental": _l("Intergovernmental organization"),
    "media": _l("Media"),
    "other": _l("Other"),
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
        raise ValueError("must be a country code")
    value = one_line(value)
    return value.upper() if value else None


class JoinForm(Form):
    attendance = RadioField(
        _l("Where are you taking part from?"),
        choices=choices([("onsite", _l("In the room")), ("online", _l("Online"))]),
        validators=[InputRequired(_l("Choose in the room or online."))],
    )
    display_name = StrictStringField(
        _l("Your name (optional)"), validators=[Optional(), max_length(80)],
        description=_l("Shown to the moderators, and in the speaking queue when you ask to speak; "
                       "never in reports."))
    stakeholder_group = SelectField(
        _l("Stakeholder group (optional)"),
        choices=choices([("", _l("Prefer not to say"))] + [(g, STAKEHOLDER_LABELS[g]) for g in STAKEHOLDER_GROUPS]),
        validators=[Optional()],
    )
    country = SelectField(_l("Country (optional)"), choices=[], validators=[Optional()], coerce=country_code)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()


class VoteForm(Form):
    prompt_id = IdField("Question", validators=[required_value])
    option_ids = IdListField("Options", validators=[required_value])


class PositionForm(Form):
    prompt_id = IdField("Question", validators=[required_value])
    text = StrictStringField("Your position", validators=[required_value])
    option_id = IdField("The option it argues for", validators=[Optional()])
    client_id = StrictStringField("Client id", validators=[required_value, not_blank, max_length(64)])


class ReactionForm(Form):
    position_id = IdField("Position", validators=[required_value])
    value = SelectField("Reaction", choices=choices([(v, v) for v in REACTION_VALUES]),
                        validators=[InputRequired()])


def _page_size(form, field):
    if field.data is not None and not 1 <= field.data <= PAGE_MAX:
        raise ValidationError(f"must be between 1 and {PAGE_MAX}")


class PositionsPageForm(Form):
    """get_positions: a prompt's positions older than before_id, newest first."""

    prompt_id = IdField("Question", validators=[required_value])
    before_id = IdField("Older than", validators=[Optional()])
    limit = IdField("How many", validators=[Optional(), _page_size])
