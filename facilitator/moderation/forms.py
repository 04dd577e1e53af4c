"""Forms of moderator actions: the same form validates a socket payload and a form post."""

from flask_babel import lazy_gettext
from wtforms import SelectField
from wtforms.validators import InputRequired

from ..fields import Form, IdField, StrictBooleanField, StrictStringField, choices, max_length, required_value
from .services import ACTIONS


class PromptActionForm(Form):
    prompt_id = IdField(lazy_gettext("Question"), validators=[required_value])


class ShowResultsForm(Form):
    prompt_id = IdField(lazy_gettext("Question"), validators=[required_value])
    visible = StrictBooleanField(lazy_gettext("Show results"), validators=[required_value])


class ModeratePositionForm(Form):
    position_id = IdField(lazy_gettext("Position"), validators=[required_value])
    action = SelectField(lazy_gettext("Action"), choices=choices([(a, a) for a in ACTIONS]),
                         validators=[InputRequired()])
    reason = StrictStringField(lazy_gettext("Reason (optional)"), validators=[max_length(500)])


class EndWorkshopForm(Form):
    """Nothing to fill in: a CSRF-protected confirmation."""


INVITE_ROLES = ("moderator:onsite", "moderator:online", "rapporteur")


class InviteForm(Form):
    """A new link: a moderator at a desk, or the rapporteur."""

    role = SelectField(lazy_gettext("Role"), choices=choices([(r, r) for r in INVITE_ROLES]),
                       validators=[InputRequired()])


class RevokeForm(Form):
    role = SelectField(lazy_gettext("Role"),
                       choices=choices([("moderator", "moderator"), ("rapporteur", "rapporteur")]),
                       validators=[InputRequired()])


class ShowOpinionMapForm(Form):
    prompt_id = IdField(lazy_gettext("Question"), validators=[required_value])
    visible = StrictBooleanField(lazy_gettext("Show the opinion map"), validators=[required_value])
