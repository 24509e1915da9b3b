"""allauth's log-in and sign-up forms with the site's wording: "Log in",
"E-mail", "Password", as in the header and the rest of the site."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "E-mail"
        login.help_text = "Staff and demo accounts may use their username instead."
        login.widget.attrs.pop("placeholder", None)
        self.fields["password"].label = "Password"
        # allauth's small "Forgot your password?" link: the page has a full-size one.
        self.fields["password"].help_text = ""
        self.fields["password"].widget.attrs.pop("placeholder", None)
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me logged in when I close the browser"
        self.label_suffix = ""


class SignupForm(AllauthSignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {"email": "E-mail", "password1": "Password", "password2": "Password again"}
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].widget.attrs.pop("placeholder", None)
        self.label_suffix = ""
