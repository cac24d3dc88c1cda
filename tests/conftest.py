import pytest


@pytest.fixture(autouse=True)
def media_root(tmp_path_factory, settings):
    """Uploads and renditions go to a throwaway folder, never the project's."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT
