from wagtail import hooks

from .http_cache.headers import mark_public_page

# A Wagtail page at its own address may be shared by an HTTP cache
# (curbside.http_cache.headers decides with the answer in hand).
hooks.register("before_serve_page", mark_public_page)
