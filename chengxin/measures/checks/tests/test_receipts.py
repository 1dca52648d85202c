"""Receipts: a receipt verifies; one changed byte of the receipt or of the answer does not."""

from __future__ import annotations

import base64
import datetime
import json

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from chengxin.core.json import canonical
from chengxin.measures.checks.choices import VerificationReason
from chengxin.measures.checks.receipts import public_keys, receipt_issue, receipt_verify

REQUEST = {
    "check_id": "5b0c4c0e-3d8b-4f7e-9a55-111111111111",
    "id_number_masked": "230202********1236",
    "subject_index": "a" * 64,
    "matter": "public_procurement",
    "case_no": "案-2026-1",
    "purpose": "政府采购供应商资格审查",
}
ANSWER = {
    "check_id": REQUEST["check_id"],
    "known": True,
    "lists": [{"kind": "key_supervision", "records": [{"record_id": 7, "disputed": True}]}],
    "measures": [{"code": "tax-procurement-limit", "legal_basis": "《政府采购法》第二十二条"}],
    "green_channel": {"eligible": False, "reason": "有效的严重失信记录。"},
}
RULES = {"measures": "f" * 64, "policies": {"green_channel.lookback_years": 3}}


def _receipt() -> dict:
    return receipt_issue(
        check_id=REQUEST["check_id"],
        issued_at=datetime.datetime(2026, 11, 28, 4, 0, tzinfo=datetime.UTC),
        request=REQUEST,
        answer=ANSWER,
        rules=RULES,
        catalog_version="sha256:" + "0" * 64,
    )


def _changed(text: str, position: int) -> str:
    character = text[position]
    replacement = (
        "1"
        if character == "0"
        else "0"
        if character.isdigit()
        else "b"
        if character == "a"
        else "a"
        if character.isascii()
        else "乙"
        if character != "乙"
        else "甲"
    )
    return text[:position] + replacement + text[position + 1 :]


def test_a_receipt_verifies_with_its_answer_and_request():
    receipt = _receipt()
    outcome = receipt_verify(receipt, answer=ANSWER, request=REQUEST)
    assert (outcome.valid, outcome.reason) == (True, VerificationReason.VALID)
    assert receipt["algorithm"] == "Ed25519"
    assert receipt["key_id"] == public_keys()[0]["key_id"]


def test_anyone_with_the_public_key_can_verify_the_signature():
    receipt = _receipt()
    key = next(key for key in public_keys() if key["key_id"] == receipt["key_id"])
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))
    body = {name: value for name, value in receipt.items() if name != "signature"}
    signature = bytes.fromhex(receipt["signature"])
    assert public.verify(signature, canonical(body)) is None  # raises InvalidSignature if wrong
    with pytest.raises(InvalidSignature):
        public.verify(signature, canonical({**body, "check_id": "another"}))


def test_every_one_byte_change_of_the_receipt_fails():
    text = json.dumps(_receipt(), ensure_ascii=False, sort_keys=True)
    for position in range(len(text)):
        try:
            changed = json.loads(_changed(text, position))
        except ValueError:
            continue  # no longer JSON: nothing to verify
        assert not receipt_verify(changed, answer=ANSWER).valid, position


def test_every_one_byte_change_of_the_answer_fails():
    receipt = _receipt()
    text = json.dumps(ANSWER, ensure_ascii=False)
    checked = 0
    for position in range(len(text)):
        try:
            changed = json.loads(_changed(text, position))
        except ValueError:
            continue
        outcome = receipt_verify(receipt, answer=changed)
        assert (outcome.valid, outcome.reason) == (False, VerificationReason.ANSWER_MISMATCH)
        checked += 1
    assert checked > 100


def test_a_changed_request_fails():
    outcome = receipt_verify(_receipt(), request={**REQUEST, "case_no": "案-2026-2"})
    assert (outcome.valid, outcome.reason) == (False, VerificationReason.REQUEST_MISMATCH)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"key_id": "r-unknown"}, VerificationReason.KEY_UNKNOWN),
        ({"algorithm": "SM2"}, VerificationReason.ALGORITHM_UNSUPPORTED),
        ({"signature": "zz"}, VerificationReason.MALFORMED),
        ({"extra": 1}, VerificationReason.MALFORMED),
    ],
)
def test_wrong_receipts_name_the_reason(change, reason):
    outcome = receipt_verify({**_receipt(), **change})
    assert (outcome.valid, outcome.reason) == (False, reason)


def test_a_retired_key_still_verifies_and_the_active_key_signs(settings):
    old = _receipt()
    settings.CHENGXIN_RECEIPT_KEYS = {
        **settings.CHENGXIN_RECEIPT_KEYS,
        "r-next": base64.b64encode(bytes(range(32))).decode(),
    }
    settings.CHENGXIN_RECEIPT_ACTIVE_KEY = "r-next"
    new = _receipt()
    assert new["key_id"] == "r-next"
    assert receipt_verify(old, answer=ANSWER).valid
    assert receipt_verify(new, answer=ANSWER).valid
    assert public_keys()[0]["key_id"] == "r-next"


def test_not_a_receipt_at_all_is_malformed():
    for value in (None, [], "text", {}, {"signature": "00"}):
        assert receipt_verify(value).reason == VerificationReason.MALFORMED
