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
