"""Forms of organizer accounts."""

from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from ..fields import Form


class LoginForm(Form):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Log in")


class LogoutForm(Form):
    submit = SubmitField("Log out")
