"""The production switches of docs/deploy.md, read from the environment."""

import json
import os
import subprocess
import sys

CODE = (
    "import json, omag.settings as s;"
    "print(json.dumps({'storage': s.STORAGES['default'], 'serve': s.SERVE_MEDIA}))"
)


def settings_with(**env):
    environ = {**os.environ, **env}
    for name in ("AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL"):
        if not env.get(name):
            environ.pop(name, None)
    out = subprocess.run(
        [sys.executable, "-c", CODE],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_media_stays_on_the_local_disk_without_a_bucket():
    found = settings_with()
    assert found["storage"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_a_bucket_name_puts_media_on_s3_compatible_storage():
    found = settings_with(
        AWS_STORAGE_BUCKET_NAME="omag-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.org",
    )
    assert found["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = found["storage"]["OPTIONS"]
    assert options["bucket_name"] == "omag-media"
    assert options["endpoint_url"] == "https://s3.example.org"
    assert options["querystring_auth"] is False  # public URLs: cacheable pages
    assert options["file_overwrite"] is False
    assert found["serve"] is False
