"""Forms of moderator actions: the same form validates a socket payload and a form post."""

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from ..fields import IdField, StrictBooleanField, StrictStringField, choices, max_length, required_value
from .services import ACTIONS


class PromptActionForm(FlaskForm):
    prompt_id = IdField("Question", validators=[required_value])


class ShowResultsForm(FlaskForm):
    prompt_id = IdField("Question", validators=[required_value])
    visible = StrictBooleanField("Show results", validators=[required_value])


class ModeratePositionForm(FlaskForm):
    position_id = IdField("Position", validators=[required_value])
    action = SelectField("Action", choices=choices([(a, a) for a in ACTIONS]), validators=[InputRequired()])
    reason = StrictStringField("Reason (optional)", validators=[max_length(500)])


class EndWorkshopForm(FlaskForm):
    """Nothing to fill in: a CSRF-protected confirmation."""
