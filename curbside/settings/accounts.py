"""Accounts: authentication, passwords, django-allauth (sign-up, log-in,
rate limits, two-factor authentication), sessions and Wagtail's log-in
forms. Imported whole by base.py; docs/accounts-security.md explains the
choices."""

from .env import env_int, env_str

# One backend: allauth's log-in by username or email (with Django's permission
# checks), at one password hash per attempt whether or not the account exists.
AUTHENTICATION_BACKENDS = ["curbside.security.AuthenticationBackend"]

# Length over composition rules (NIST SP 800-63B): at least 12 characters, not
# a common password, not like the username, name or email, not all digits. No
# "one digit, one symbol" rules. See docs/accounts-security.md.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts (django-allauth): sign-up, log-in, log-out, password reset.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/me/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
# No account enumeration (docs/accounts-security.md): sign-up asks for an email
# address and a password only (a username is made from the address; demo and
# staff users may still log in by username), and an address must be confirmed
# before the first log-in, so signing up with an address that has an account
# looks exactly like a new sign-up ("confirm your address"; the owner gets an
# "you already have an account" email instead). Failed log-ins say the same
# and cost the same for known and unknown accounts (curbside.security).
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Security notices by email (password changed or reset, email changed, 2FA
# switched on or off).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_ADAPTER = "curbside.security.AccountAdapter"
# The site's wording on the log-in and sign-up forms (templates/account/).
ACCOUNT_FORMS = {
    "login": "curbside.account_forms.LoginForm",
    "signup": "curbside.account_forms.SignupForm",
}
# Rate limits (allauth; "amount/period/per", per = ip, key or user; the key is
# the email or username tried). Shared between processes through the default
# cache (CACHE_URL). Hospitals put many doctors behind one address, so the
# per-address limits leave room for a busy ward; the per-account limits stop
# guessing one account's password. 429 answers render templates/429.html.
ACCOUNT_RATE_LIMITS = {
    # Every log-in POST, and failed log-ins (a 6th failure for one account in 5
    # minutes, or an 11th from one address in a minute, answers 429). Failed
    # two-factor codes count against the same per-account limit.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "5/m/ip,30/h/ip",
    # Reset emails: per address, and at most 5 an hour to one mailbox.
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    "confirm_email": "1/3m/key",
}
# Behind a load balancer every request comes from its address: set
# TRUSTED_PROXY_COUNT to the number of proxies in front of the app that append
# to X-Forwarded-For, so limits apply per client (also learning.ratelimit).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Two-factor authentication (allauth.mfa): an authenticator app (TOTP) with
# recovery codes. Offered to everyone at /accounts/2fa/; required for
# superusers, CME reviewers and institution staff before they use the admin
# (curbside.security.AdminSecurityMiddleware).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "curbside.security.MFAAdapter"
MFA_TOTP_ISSUER = "Curbside"
# No "trust this browser for 14 days": clinicians share workstations.
MFA_TRUST_ENABLED = False
# Changing 2FA, the password or the email asks for the password (or a code)
# again when the last authentication is older than 5 minutes.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300

# Sessions: a log-in lasts at most 8 hours (one clinical shift). Without
# "remember me" (unticked by default) the cookie also ends when the browser
# closes, for shared hospital workstations; with it, it survives a browser
# restart within those 8 hours. See docs/accounts-security.md.
ACCOUNT_SESSION_REMEMBER = None
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Wagtail's log-in forms (admin and private pages) and its admin password
# reset are replaced by allauth's, so rate limits and 2FA always apply
# (curbside/urls.py sends /admin/login/ and /_util/login/ to /accounts/login/).
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
