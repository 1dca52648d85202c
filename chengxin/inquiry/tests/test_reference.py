"""The shipped purposes, loaded by ``chengxin seed``."""

import io

import pytest

from chengxin.inquiry.models import QueryPurpose
from chengxin.inquiry.reference import load_reference_data, purpose_definitions

pytestmark = pytest.mark.django_db


def test_loading_twice_creates_each_purpose_once_and_keeps_edits():
    # given
    load_reference_data(stdout=io.StringIO())
    QueryPurpose.objects.filter(code="honour_review").update(legal_basis="本地修改")
    out = io.StringIO()
    # when
    load_reference_data(stdout=out)
    # then
    assert QueryPurpose.objects.count() == len(purpose_definitions()) == 12
    assert QueryPurpose.objects.get(code="honour_review").legal_basis == "本地修改"
    assert out.getvalue().strip() == "查询事由：新增 0 项，共 12 项。"
    assert all(purpose.legal_basis for purpose in QueryPurpose.objects.all())
