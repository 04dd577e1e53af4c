"""Forms of the organizer pages."""

from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..fields import Form, choices


class CreateWorkshopForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    template = SelectField("Agenda", choices=[], validators=[Optional()])
    moderation = RadioField(
        "Positions",
        choices=choices([("post", "Visible at once (moderate afterwards)"),
                 ("pre", "Wait for a moderator's approval")]),
        default="post",
    )
    position_max_length = IntegerField(
        "Longest position (characters)", default=500,
        validators=[DataRequired(), NumberRange(min=20, max=5000)],
    )
    submit = SubmitField("Create workshop")


class TitleForm(Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Save title")


class PromptForm(Form):
    text = TextAreaField("Question", validators=[DataRequired("Write the question."), Length(max=2000)])
    kind = RadioField(
        "Answers",
        choices=choices([("single", "One option"), ("multiple", "Several options")]),
        default="single",
    )
    options = TextAreaField(
        "Options, one per line",
        validators=[DataRequired("A question needs at least two options, one per line."), Length(max=3000)],
        description="Between 2 and 12 options.",
    )
    submit = SubmitField("Save question")

    def option_labels(self) -> list[str]:
        return (self.options.data or "").splitlines()


class ActionForm(Form):
    """A bare CSRF-protected button (delete, move up, move down)."""

    submit = SubmitField("Go")


def _sdg_numbers(form, field) -> None:
    """"9, 17" -> [9, 17]; anything but numbers 1-17 is refused."""
    import re

    from wtforms.validators import ValidationError

    numbers = []
    for cell in re.split(r"[,\s]+", field.data or ""):
        if not cell:
            continue
        if not cell.isdigit() or not 1 <= int(cell) <= 17:
            raise ValidationError(f"'{cell}' is not an SDG: they are numbered 1 to 17.")
        numbers.append(int(cell))
    field.numbers = numbers


class SessionRecordForm(Form):
    """The session record (workshops/record.py): what IGF session pages and reports ask for."""

    format = SelectField("Session format", validators=[Optional()])
    theme = StringField("Theme or track", validators=[Optional(), Length(max=300)])
    organizers = TextAreaField("Organizers", validators=[Optional(), Length(max=5000)],
                               description="One per line: name; stakeholder group (government, civil_society, "
                                           "private_sector, technical_community, academia, intergovernmental).")
    speakers = TextAreaField("Speakers", validators=[Optional(), Length(max=10000)],
                             description="One per line: name; affiliation; stakeholder group; regional group "
                                         "(african, asia_pacific, eastern_european, grulac, weog, "
                                         "intergovernmental); onsite or online.")
    moderator_onsite = StringField("Onsite moderator", validators=[Optional(), Length(max=120)])
    moderator_online = StringField("Online moderator", validators=[Optional(), Length(max=120)])
    sdgs = StringField("SDGs", validators=[Optional(), Length(max=100), _sdg_numbers], description="For example: 9, 17")
    sdg_targets = StringField("SDG targets", validators=[Optional(), Length(max=300)], description="For example: 9.b, 17.6, 17.7")
    submit = SubmitField("Save the session record")
