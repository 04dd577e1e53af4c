"""Forms of participant actions: the same form validates a socket payload and a form post."""

from __future__ import annotations

from functools import lru_cache

import pycountry
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..fields import choices, IdField, IdListField, StrictStringField, required_value
from .models import REACTION_VALUES, STAKEHOLDER_GROUPS

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


@lru_cache(maxsize=1)
def country_choices():
    countries = sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda c: c[1])
    return choices([("", "Prefer not to say")] + countries)


def _strict_text(max_length: int):
    def check(form, field):
        if field.data is not None and not isinstance(field.data, str):
            raise ValidationError("must be text")
        if field.data and len(field.data) > max_length:
            raise ValidationError(f"may have at most {max_length} characters")
    return check


class JoinForm(FlaskForm):
    attendance = RadioField(
        _l("Where are you taking part from?"),
        choices=choices([("onsite", _l("In the room")), ("online", _l("Online"))]),
        validators=[InputRequired(_l("Choose in the room or online."))],
    )
    display_name = StringField(_l("Your name (optional)"), validators=[Optional(), _strict_text(80)],
                               description=_l("Shown to the moderators, and in the speaking queue when you "
                                              "ask to speak; never in reports."))
    stakeholder_group = SelectField(
        _l("Stakeholder group (optional)"),
        choices=choices([("", _l("Prefer not to say"))] + [(g, STAKEHOLDER_LABELS[g]) for g in STAKEHOLDER_GROUPS]),
        validators=[Optional()],
    )
    country = SelectField(_l("Country (optional)"), choices=[], validators=[Optional()],
                          coerce=lambda v: v.upper() if isinstance(v, str) else v)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()


class VoteForm(FlaskForm):
    prompt_id = IdField("Question", validators=[required_value])
    option_ids = IdListField("Options", validators=[required_value])


class PositionForm(FlaskForm):
    prompt_id = IdField("Question", validators=[required_value])
    text = StrictStringField("Your position", validators=[required_value])
    option_id = IdField("The option it argues for", validators=[Optional()])
    client_id = StrictStringField("Client id", validators=[required_value, Length(min=1, max=64)])


class ReactionForm(FlaskForm):
    position_id = IdField("Position", validators=[required_value])
    value = SelectField("Reaction", choices=choices([(v, v) for v in REACTION_VALUES]),
                        validators=[InputRequired()])
