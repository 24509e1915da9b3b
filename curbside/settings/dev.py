from .base import *  # noqa: F403
from .env import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
# Links built in a request follow the port and host the site is served on.
BASE_URL_FROM_REQUEST = True
