"""Authenticated encryption of personal data and the blind index (chengxin.core.crypto)."""

import base64
import dataclasses

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from chengxin.core import crypto

FIRST_KEY = base64.b64encode(bytes(range(32))).decode()
SECOND_KEY = base64.b64encode(bytes(range(32, 64))).decode()
INDEX_KEY = base64.b64encode(bytes(range(64, 96))).decode()
PURPOSE = "test.id_number"


@pytest.fixture(autouse=True)
def keys():
    with override_settings(
        CHENGXIN_ID_KEYS={"k1": FIRST_KEY, "k2": SECOND_KEY},
        CHENGXIN_ID_ACTIVE_KEY="k1",
        CHENGXIN_BLIND_INDEX_KEY=INDEX_KEY,
    ):
        crypto.reset_key_cache()
        yield
    crypto.reset_key_cache()


def test_round_trip_with_the_active_key():
    # when
    sealed = crypto.encrypt("230202199001011236", purpose=PURPOSE)

    # then
    assert sealed.key_id == "k1"
    assert sealed.algorithm == crypto.ALGORITHM_AES_256_GCM
    assert b"230202199001011236" not in sealed.ciphertext
    assert crypto.decrypt(sealed, purpose=PURPOSE) == "230202199001011236"


def test_round_trip_with_a_named_key():
    # when
    sealed = crypto.encrypt("张三", purpose=PURPOSE, key_id="k2")

    # then
    assert sealed.key_id == "k2"
    assert crypto.decrypt(sealed, purpose=PURPOSE) == "张三"


def test_same_plaintext_encrypts_differently_each_time():
    # when
    first = crypto.encrypt("230202199001011236", purpose=PURPOSE)
    second = crypto.encrypt("230202199001011236", purpose=PURPOSE)

    # then
    assert first.ciphertext != second.ciphertext


@pytest.mark.parametrize("position", [0, 11, 12, -1])
def test_tampered_ciphertext_fails_authentication(position):
    # given
    sealed = crypto.encrypt("230202199001011236", purpose=PURPOSE)
    data = bytearray(sealed.ciphertext)
    data[position] ^= 0x01
    tampered = dataclasses.replace(sealed, ciphertext=bytes(data))

    # when / then
    with pytest.raises(crypto.DecryptionError, match="failed authentication"):
        crypto.decrypt(tampered, purpose=PURPOSE)


def test_relabelled_key_id_fails_authentication():
    # given: the ciphertext claims another known key
    sealed = crypto.encrypt("230202199001011236", purpose=PURPOSE)
    relabelled = dataclasses.replace(sealed, key_id="k2")

    # when / then
    with pytest.raises(crypto.DecryptionError, match="failed authentication"):
        crypto.decrypt(relabelled, purpose=PURPOSE)


def test_wrong_purpose_fails():
    # given
    sealed = crypto.encrypt("230202199001011236", purpose=PURPOSE)

    # when / then
    with pytest.raises(crypto.DecryptionError, match="failed authentication"):
        crypto.decrypt(sealed, purpose="test.name")


def test_unknown_key_id_fails():
    # given
    sealed = crypto.encrypt("230202199001011236", purpose=PURPOSE)
    unknown = dataclasses.replace(sealed, key_id="k9")

    # when / then
    with pytest.raises(crypto.DecryptionError, match="Unknown key id 'k9'"):
        crypto.decrypt(unknown, purpose=PURPOSE)


def test_unsupported_algorithm_fails():
    # given
    sealed = crypto.encrypt("230202199001011236", purpose=PURPOSE)
    other = dataclasses.replace(sealed, algorithm="SM4-GCM")

    # when / then
    with pytest.raises(crypto.DecryptionError, match="Unsupported algorithm 'SM4-GCM'"):
        crypto.decrypt(other, purpose=PURPOSE)


def test_ciphertext_from_a_removed_key_cannot_be_opened():
    # given
    sealed = crypto.encrypt("230202199001011236", purpose=PURPOSE, key_id="k2")

    # when / then
    with override_settings(CHENGXIN_ID_KEYS={"k1": FIRST_KEY}):
        crypto.reset_key_cache()
        with pytest.raises(crypto.DecryptionError, match="Unknown key id 'k2'"):
            crypto.decrypt(sealed, purpose=PURPOSE)


def test_active_key_must_be_in_the_keyring():
    # when / then
    with (
        override_settings(CHENGXIN_ID_ACTIVE_KEY="k7"),
        pytest.raises(ImproperlyConfigured, match="'k7' is not in CHENGXIN_ID_KEYS"),
    ):
        crypto.encrypt("x", purpose=PURPOSE)


def test_blind_index_is_deterministic_keyed_and_purpose_bound():
    # when
    first = crypto.blind_index("230202199001011236")
    again = crypto.blind_index("230202199001011236")
    other_purpose = crypto.blind_index("230202199001011236", purpose="name")
    with override_settings(CHENGXIN_BLIND_INDEX_KEY=FIRST_KEY):
        crypto.reset_key_cache()
        other_key = crypto.blind_index("230202199001011236")

    # then
    assert first == again
    assert len(first) == 64
    assert set(first) <= set("0123456789abcdef")
    assert other_purpose != first
    assert other_key != first
