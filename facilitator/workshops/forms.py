"""Forms of the organizer pages."""

from flask_babel import gettext
from flask_babel import lazy_gettext
from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..fields import Form, choices


class CreateWorkshopForm(Form):
    title = StringField(lazy_gettext("Title"), validators=[DataRequired(), Length(max=200)])
    template = SelectField(lazy_gettext("Agenda"), choices=[], validators=[Optional()])
    moderation = RadioField(
        lazy_gettext("Positions"),
        choices=choices([("post", lazy_gettext("Visible at once (moderate afterwards)")),
                         ("pre", lazy_gettext("Wait for a moderator's approval"))]),
        default="post",
    )
    position_max_length = IntegerField(
        lazy_gettext("Longest position (characters)"), default=500,
        validators=[DataRequired(), NumberRange(min=20, max=5000)],
    )
    submit = SubmitField(lazy_gettext("Create workshop"))


class TitleForm(Form):
    title = StringField(lazy_gettext("Title"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(lazy_gettext("Save title"))


class PromptForm(Form):
    text = TextAreaField(lazy_gettext("Question"),
                         validators=[DataRequired(lazy_gettext("Write the question.")), Length(max=2000)])
    kind = RadioField(
        lazy_gettext("Answers"),
        choices=choices([("single", lazy_gettext("One option")), ("multiple", lazy_gettext("Several options"))]),
        default="single",
    )
    options = TextAreaField(
        lazy_gettext("Options, one per line"),
        validators=[DataRequired(lazy_gettext("A question needs at least two options, one per line.")),
                    Length(max=3000)],
        description=lazy_gettext("Between 2 and 12 options."),
    )
    submit = SubmitField(lazy_gettext("Save question"))

    def option_labels(self) -> list[str]:
        return (self.options.data or "").splitlines()


class ActionForm(Form):
    """A bare CSRF-protected button (delete, move up, move down)."""

    submit = SubmitField(lazy_gettext("Go"))


def _sdg_numbers(form, field) -> None:
    """"9, 17" -> [9, 17]; anything but numbers 1-17 is refused."""
    import re

    from wtforms.validators import ValidationError

    numbers = []
    for cell in re.split(r"[,\s]+", field.data or ""):
        if not cell:
            continue
        if not cell.isdigit() or not 1 <= int(cell) <= 17:
            raise ValidationError(gettext("'%(cell)s' is not an SDG: they are numbered 1 to 17.", cell=cell))
        numbers.append(int(cell))
    field.numbers = numbers


class SessionRecordForm(Form):
    """The session record (workshops/record.py): what IGF session pages and reports ask for."""

    format = SelectField(lazy_gettext("Session format"), validators=[Optional()])
    theme = StringField(lazy_gettext("Theme or track"), validators=[Optional(), Length(max=300)])
    # Their hints (which codes to type) are in templates/workshops/edit.html, the codes as <code>.
    organizers = TextAreaField(lazy_gettext("Organizers"), validators=[Optional(), Length(max=5000)])
    speakers = TextAreaField(lazy_gettext("Speakers"), validators=[Optional(), Length(max=10000)])
    moderator_onsite = StringField(lazy_gettext("Onsite moderator"), validators=[Optional(), Length(max=120)])
    moderator_online = StringField(lazy_gettext("Online moderator"), validators=[Optional(), Length(max=120)])
    sdgs = StringField(lazy_gettext("SDGs"), validators=[Optional(), Length(max=100), _sdg_numbers],
                       description=lazy_gettext("For example: 9, 17"))
    sdg_targets = StringField(lazy_gettext("SDG targets"), validators=[Optional(), Length(max=300)],
                              description=lazy_gettext("For example: 9.b, 17.6, 17.7"))
    submit = SubmitField(lazy_gettext("Save the session record"))


class LanguageForm(Form):
    language = SelectField(
        lazy_gettext("Language of the texts"),
        description=lazy_gettext("The language the title, questions and options are written in. Participants "
                                 "whose browser asks for none of the six languages see the workshop in it."))
    submit = SubmitField(lazy_gettext("Save language"))


class TranslationsForm(Form):
    """One field per text and language, named "<kind>-<id>-<language>" (title-0-fr, prompt-12-es,
    option-40-ar); the class is built per workshop by `translations_form`."""

    submit = SubmitField(lazy_gettext("Save translations"))

    def translations(self) -> dict[tuple[str, int], dict[str, str]]:
        out: dict[tuple[str, int], dict[str, str]] = {}
        for field in self:
            if getattr(field, "text_key", None):
                kind, item_id, language = field.text_key
                out.setdefault((kind, item_id), {})[language] = field.data or ""
        return out


def translations_form(rows: list[dict], languages: list[str]) -> TranslationsForm:
    """The translations form of a workshop (filled from the post being checked, if any): `rows` are
    {"kind", "id", "original", "translations"}."""

    class WorkshopTranslationsForm(TranslationsForm):
        pass

    limits = {"title": 200, "prompt": 2000, "option": 200}
    data = {}
    for row in rows:
        for language in languages:
            name = f"{row['kind']}-{row['id']}-{language}"
            field_class = TextAreaField if row["kind"] == "prompt" else StringField
            setattr(WorkshopTranslationsForm, name, field_class(
                row["original"], validators=[Optional(), Length(max=limits[row["kind"]])],
                render_kw={"lang": language, "dir": "auto"}))
            data[name] = (row["translations"] or {}).get(language, "")
    form = WorkshopTranslationsForm(data=data)
    for field in form:
        parts = field.name.split("-")
        if len(parts) == 3 and parts[0] in limits:
            field.text_key = (parts[0], int(parts[1]), parts[2])
    return form
