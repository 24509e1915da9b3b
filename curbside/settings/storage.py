"""Where media (uploads, renditions, certificate PDFs) are stored: local disk
in the embedded setup, an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is
set (docs/scaled-setup.md). Read by the settings; no Django imports here."""

from curbside.settings.env import env_bool, env_int, env_str

FILE_SYSTEM = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

# Longer than the longest-cached HTML fragment that holds an image URL (the
# guide body, 24 hours): cached pages never carry an expired link.
PRESIGNED_URL_SECONDS = 48 * 3600


def media_storage():
    """The STORAGES["default"] entry the environment asks for.

    The bucket stays private (no ACL on objects): pages get presigned URLs,
    and certificate PDFs get no URL at all, since the download view checks
    who asks and streams the file from storage. boto3 reads AWS_ACCESS_KEY_ID
    and AWS_SECRET_ACCESS_KEY (or an instance role) from the environment.
    Names are never overwritten: two uploads called ``photo.jpg`` stay two files.
    """
    bucket = env_str("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return dict(FILE_SYSTEM)
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
            "region_name": env_str("AWS_S3_REGION_NAME"),
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE"),
            "location": env_str("AWS_LOCATION", ""),
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN"),
            "default_acl": None,
            "querystring_auth": env_bool("AWS_QUERYSTRING_AUTH", True),
            "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", PRESIGNED_URL_SECONDS),
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }
