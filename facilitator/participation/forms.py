"""Forms of participant actions: the same form validates a socket payload and a form post."""

from __future__ import annotations

from functools import lru_cache

import pycountry
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..fields import choices, IdField, IdListField, StrictStringField, required_value
from .models import REACTION_VALUES, STAKEHOLDER_GROUPS

STAKEHOLDER_LABELS = {
    "government": "Government",
    "civil_society": "Civil society",
    "private_sector": "Private sector",
    "technical_community": "Technical community",
    "academia": "Academia",
    "intergovernmental": "Intergovernmental organization",
    "media": "Media",
    "other": "Other",
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
        "Where are you taking part from?",
        choices=choices([("onsite", "In the room"), ("online", "Online")]),
        validators=[InputRequired("Choose in the room or online.")],
    )
    display_name = StringField("Your name (optional)", validators=[Optional(), _strict_text(80)],
                               description="Shown to moderators only; never exported.")
    stakeholder_group = SelectField(
        "Stakeholder group (optional)",
        choices=choices([("", "Prefer not to say")] + [(g, STAKEHOLDER_LABELS[g]) for g in STAKEHOLDER_GROUPS]),
        validators=[Optional()],
    )
    country = SelectField("Country (optional)", choices=[], validators=[Optional()],
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
