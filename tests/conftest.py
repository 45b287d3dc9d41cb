import os
import tempfile
from pathlib import Path

import pytest

# Settings read the environment at import: give the test run its own data folder.
os.environ.setdefault("TERRITORIA_DATA_DIR", tempfile.mkdtemp(prefix="territoria-test-"))

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


@pytest.fixture
def seeds():
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    return SEEDS


def make_user(django_user_model, username, role):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username, password="pw-" + username, is_superuser=(role == "admin"))
    if role in ("member", "editor"):
        user.groups.add(Group.objects.get_or_create(name=role)[0])  # transactional tests flush migration data
    return user


@pytest.fixture
def editor(django_user_model):
    return make_user(django_user_model, "editor", "editor")


@pytest.fixture
def member(django_user_model):
    return make_user(django_user_model, "member", "member")
