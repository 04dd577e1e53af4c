"""The rapporteur's form on the summary page."""

from flask_babel import gettext, lazy_gettext, ngettext
from wtforms import FieldList, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from ..fields import Form, StrictStringField, TextListField, clean_filter, max_length

from .models import ITEM_MAX_LENGTH, MAX_ITEMS


def at_most_three(form, field) -> None:
    """Refuse more than MAX_ITEMS non-blank entries (FieldList alone would drop extras silently)."""
    filled = [entry for entry in field.data if (entry or "").strip()]
    if len(filled) > MAX_ITEMS:
        raise ValidationError(gettext("Give at most %(num)d.", num=MAX_ITEMS))


class ReportForm(Form):
    key_takeaways = FieldList(
        # A FieldList binds its entries itself: they get the cleaning filter here.
        TextAreaField(lazy_gettext("Key takeaway"), validators=[Optional(), Length(max=ITEM_MAX_LENGTH)],
                      filters=[clean_filter]),
        lazy_gettext("Key takeaways"), min_entries=MAX_ITEMS, validators=[at_most_three],
    )
    calls_to_action = FieldList(
        TextAreaField(lazy_gettext("Call to action"), validators=[Optional(), Length(max=ITEM_MAX_LENGTH)],
                      filters=[clean_filter]),
        lazy_gettext("Calls to action"), min_entries=MAX_ITEMS, validators=[at_most_three],
    )
    summary = TextAreaField(lazy_gettext("Short summary"), validators=[Optional(), Length(max=5000)],
                            description=lazy_gettext("A few sentences on what was discussed."))
    gender_balance = StringField(lazy_gettext("Gender balance (estimate)"), validators=[Optional(), Length(max=500)],
                                 description=lazy_gettext("For example: about 55% women, 45% men among speakers."))
    moderators = StringField(lazy_gettext("Moderators"), validators=[Optional(), Length(max=500)],
                             description=lazy_gettext("Names as they should appear in the report "
                                                      "(log-in e-mails are never exported)."))
    submit = SubmitField(lazy_gettext("Save report"))


def _items(form, field):
    filled = [item for item in field.data if item.strip()]
    if len(filled) > MAX_ITEMS:
        raise ValidationError(gettext("Give at most %(num)d.", num=MAX_ITEMS))
    if any(len(item) > ITEM_MAX_LENGTH for item in filled):
        raise ValidationError(ngettext("Each may have at most %(num)d character.",
                                       "Each may have at most %(num)d characters.", ITEM_MAX_LENGTH))


class UpdateReportForm(Form):
    """update_report: the rapporteur's fields saved as they go (absent keys stay as they were)."""

    key_takeaways = TextListField(lazy_gettext("Key takeaways"), validators=[_items])
    calls_to_action = TextListField(lazy_gettext("Calls to action"), validators=[_items])
    summary = StrictStringField(lazy_gettext("Short summary"), validators=[max_length(5000)])
    gender_balance = StrictStringField(lazy_gettext("Gender balance (estimate)"), validators=[max_length(500)])
    moderators = StrictStringField(lazy_gettext("Moderators"), validators=[max_length(500)])
