"""Fixtures of the identity tests: known data keys, so tests can name the key ids they expect."""

import base64

import pytest

from chengxin.core.crypto import reset_key_cache

OLD_KEY = base64.b64encode(bytes(range(32))).decode()
NEW_KEY = base64.b64encode(bytes(range(32, 64))).decode()
BLIND_INDEX_KEY = base64.b64encode(bytes(range(64, 96))).decode()


@pytest.fixture(autouse=True)
def data_keys(settings):
    """Key "k-old" active, "k-new" not yet known; a fixed blind-index key."""
    settings.CHENGXIN_ID_KEYS = {"k-old": OLD_KEY}
    settings.CHENGXIN_ID_ACTIVE_KEY = "k-old"
    settings.CHENGXIN_BLIND_INDEX_KEY = BLIND_INDEX_KEY
    reset_key_cache()
    yield settings
    reset_key_cache()


def activate_new_key(settings) -> None:
    """Add key "k-new" beside "k-old" and make it the active one."""
    settings.CHENGXIN_ID_KEYS = {"k-old": OLD_KEY, "k-new": NEW_KEY}
    settings.CHENGXIN_ID_ACTIVE_KEY = "k-new"
    reset_key_cache()
