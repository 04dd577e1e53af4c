"""Forms of the floor and the agenda: each validates a socket payload and a form post alike."""

from flask_babel import lazy_gettext
from wtforms import SelectField
from wtforms.validators import InputRequired, Optional

from ..fields import (Form, IdField, IntField, StrictBooleanField, StrictStringField, choices, int_range,
                      max_length, not_blank, required_value)
from ..participation.models import STAKEHOLDER_GROUPS
from .models import CHANNELS, KINDS, NAME_MAX, NOTE_MAX


class RaiseHandForm(Form):
    kind = SelectField(lazy_gettext("Kind"), choices=choices([(k, k) for k in KINDS]), validators=[Optional()])
    note = StrictStringField(lazy_gettext("Note for the moderators (optional)"), validators=[max_length(NOTE_MAX)])
    name = StrictStringField(lazy_gettext("Your name (optional)"), validators=[max_length(NAME_MAX)])


class HandForm(Form):
    hand_id = IdField(lazy_gettext("Hand"), validators=[required_value])


class AddSpeakerForm(Form):
    name = StrictStringField(lazy_gettext("Name"), validators=[required_value, not_blank, max_length(NAME_MAX)])
    attendance = SelectField(lazy_gettext("Where"), choices=choices([(c, c) for c in CHANNELS]),
                             validators=[InputRequired()])
    stakeholder_group = SelectField(lazy_gettext("Stakeholder group"),
                                    choices=choices([("", "")] + [(g, g) for g in STAKEHOLDER_GROUPS]),
                                    validators=[Optional()])
    kind = SelectField(lazy_gettext("Kind"), choices=choices([(k, k) for k in KINDS]), validators=[Optional()])
    note = StrictStringField(lazy_gettext("Note"), validators=[max_length(NOTE_MAX)])


class RemoveHandForm(Form):
    hand_id = IdField(lazy_gettext("Hand"), validators=[required_value])
    reason = StrictStringField(lazy_gettext("Reason (optional)"), validators=[max_length(500)])


class MoveHandForm(Form):
    hand_id = IdField(lazy_gettext("Hand"), validators=[required_value])
    place = IntField(lazy_gettext("Place"), validators=[required_value, int_range(1, 100_000)])


class SetFloorForm(Form):
    open = StrictBooleanField(lazy_gettext("Open to requests"), validators=[Optional()])
    speaking_seconds = IntField(lazy_gettext("Speaking time (seconds, 0 for none)"),
                                validators=[Optional(), int_range(0, 1800)])
    alternate = StrictBooleanField(lazy_gettext("Alternate the room and online"), validators=[Optional()])


class AdvanceAgendaForm(Form):
    item = IntField(lazy_gettext("Agenda item"), validators=[required_value, int_range(0, 1000)])
