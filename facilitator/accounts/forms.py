"""Forms of organizer accounts."""

from flask_babel import lazy_gettext
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from ..fields import Form


class LoginForm(Form):
    email = EmailField(lazy_gettext("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(lazy_gettext("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(lazy_gettext("Log in"))


class LogoutForm(Form):
    submit = SubmitField(lazy_gettext("Log out"))
