"""The security headers' settings: the Content Security Policy (django-csp,
applied by curbside.headers) and the Permissions-Policy. Imported whole by
base.py."""

# Content Security Policy (django-csp, curbside.headers), in every settings module
# so tests see the header too. The public site allows no inline script and no
# inline style; the Wagtail admin gets CONTENT_SECURITY_POLICY_ADMIN (see
# docs/deploy.md). An absolute MEDIA_URL's origin is added to img-src/media-src.
_SELF, _NONE = "'self'", "'none'"
# Guides embed YouTube and Vimeo videos (cms.blocks.VideoBlock).
_VIDEO_FRAMES = [
    "https://www.youtube.com",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "media-src": [_SELF],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "frame-src": [_SELF, *_VIDEO_FRAMES],
        "frame-ancestors": [_NONE],
        "form-action": [_SELF],
        "base-uri": [_SELF],
        "object-src": [_NONE],
    }
}
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        # Wagtail's admin templates and scripts use inline style attributes
        # and a few inline scripts (checked with Chromium, tests/browser/test_csp.py).
        "script-src": [_SELF, "'unsafe-inline'"],
        "style-src": [_SELF, "'unsafe-inline'"],
        # blob: image previews while uploading. (No Gravatar: editors' email
        # hashes are not sent to a third party; see WAGTAIL_GRAVATAR_PROVIDER_URL.)
        "img-src": [_SELF, "data:", "blob:"],
        # Page previews are shown in an iframe of the admin itself.
        "frame-ancestors": [_SELF],
    }
}
# Browser features Curbside never uses (Permissions-Policy header).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
