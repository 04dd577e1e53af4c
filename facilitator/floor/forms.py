"""Forms of the floor and the agenda: each validates a socket payload and a form post alike."""

from wtforms import SelectField
from wtforms.validators import InputRequired, Optional

from ..fields import (Form, IdField, IntField, StrictBooleanField, StrictStringField, choices, int_range,
                      max_length, not_blank, required_value)
from ..participation.models import STAKEHOLDER_GROUPS
from .models import CHANNELS, KINDS, NAME_MAX, NOTE_MAX


class RaiseHandForm(Form):
    kind = SelectField("Kind", choices=choices([(k, k) for k in KINDS]), validators=[Optional()])
    note = StrictStringField("Note for the moderators (optional)", validators=[max_length(NOTE_MAX)])
    name = StrictStringField("Your name (optional)", validators=[max_length(NAME_MAX)])


class HandForm(Form):
    hand_id = IdField("Hand", validators=[required_value])


class AddSpeakerForm(Form):
    name = StrictStringField("Name", validators=[required_value, not_blank, max_length(NAME_MAX)])
    attendance = SelectField("Where", choices=choices([(c, c) for c in CHANNELS]), validators=[InputRequired()])
    stakeholder_group = SelectField("Stakeholder group", choices=choices([("", "")] + [(g, g) for g in STAKEHOLDER_GROUPS]),
                                    validators=[Optional()])
    kind = SelectField("Kind", choices=choices([(k, k) for k in KINDS]), validators=[Optional()])
    note = StrictStringField("Note", validators=[max_length(NOTE_MAX)])


class RemoveHandForm(Form):
    hand_id = IdField("Hand", validators=[required_value])
    reason = StrictStringField("Reason (optional)", validators=[max_length(500)])


class MoveHandForm(Form):
    hand_id = IdField("Hand", validators=[required_value])
    place = IntField("Place", validators=[required_value, int_range(1, 100_000)])


class SetFloorForm(Form):
    open = StrictBooleanField("Open to requests", validators=[Optional()])
    speaking_seconds = IntField("Speaking time (seconds, 0 for none)", validators=[Optional(), int_range(0, 1800)])
    alternate = StrictBooleanField("Alternate the room and online", validators=[Optional()])


class AdvanceAgendaForm(Form):
    item = IntField("Agenda item", validators=[required_value, int_range(0, 1000)])
