"""The rapporteur's form on the summary page."""

from wtforms import FieldList, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from ..fields import Form, StrictStringField, TextListField, clean_filter, max_length

from .models import ITEM_MAX_LENGTH, MAX_ITEMS


def at_most_three(form, field) -> None:
    """Refuse more than MAX_ITEMS non-blank entries (FieldList alone would drop extras silently)."""
    filled = [entry for entry in field.data if (entry or "").strip()]
    if len(filled) > MAX_ITEMS:
        raise ValidationError(f"Give at most {MAX_ITEMS}.")


class ReportForm(Form):
    key_takeaways = FieldList(
        # A FieldList binds its entries itself: they get the cleaning filter here.
        TextAreaField("Key takeaway", validators=[Optional(), Length(max=ITEM_MAX_LENGTH)], filters=[clean_filter]),
        "Key takeaways", min_entries=MAX_ITEMS, validators=[at_most_three],
    )
    calls_to_action = FieldList(
        TextAreaField("Call to action", validators=[Optional(), Length(max=ITEM_MAX_LENGTH)], filters=[clean_filter]),
        "Calls to action", min_entries=MAX_ITEMS, validators=[at_most_three],
    )
    summary = TextAreaField("Short summary", validators=[Optional(), Length(max=5000)],
                            description="A few sentences on what was discussed.")
    gender_balance = StringField("Gender balance (estimate)", validators=[Optional(), Length(max=500)],
                                 description="For example: about 55% women, 45% men among speakers.")
    moderators = StringField("Moderators", validators=[Optional(), Length(max=500)],
                             description="Names as they should appear in the report "
                                         "(log-in e-mails are never exported).")
    submit = SubmitField("Save report")


def _items(form, field):
    filled = [item for item in field.data if item.strip()]
    if len(filled) > MAX_ITEMS:
        raise ValidationError(f"Give at most {MAX_ITEMS}.")
    if any(len(item) > ITEM_MAX_LENGTH for item in filled):
        raise ValidationError(f"Each may have at most {ITEM_MAX_LENGTH} characters.")


class UpdateReportForm(Form):
    """update_report: the rapporteur's fields saved as they go (absent keys stay as they were)."""

    key_takeaways = TextListField("Key takeaways", validators=[_items])
    calls_to_action = TextListField("Calls to action", validators=[_items])
    summary = StrictStringField("Short summary", validators=[max_length(5000)])
    gender_balance = StrictStringField("Gender balance (estimate)", validators=[max_length(500)])
    moderators = StrictStringField("Moderators", validators=[max_length(500)])
