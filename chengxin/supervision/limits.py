"""The longest text each supervision field may carry (docs/supervision.md, "Limits").

Every text goes through ``core.text.text_checked``: over its limit it is refused (422
``text_too_long``), and none may hold an ID number (422 ``text_holds_id_number``); a
practitioner's number goes in its own field, where it is kept encrypted. The forms state the
same maxima.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.text import TextField

NAME_MAX_LENGTH = 200
LICENCE_NO_MAX_LENGTH = 64
ADDRESS_MAX_LENGTH = 200
CONTACT_MAX_LENGTH = 100
PERSON_NAME_MAX_LENGTH = 30
CERTIFICATE_NO_MAX_LENGTH = 64
INFORMATION_MAX_LENGTH = 200
BASIS_MAX_LENGTH = 500
COLLECTS_MAX_ENTRIES = 50
INSPECTORS_MAX_LENGTH = 200
SCOPE_MAX_LENGTH = 500
FINDINGS_MAX_LENGTH = 2000
FOLLOW_UP_MAX_LENGTH = 1000
DESCRIPTION_MAX_LENGTH = 2000
DOCUMENT_MAX_LENGTH = 100
REASON_MAX_LENGTH = 500
SEARCH_MAX_LENGTH = 100
PAGE_SIZE = 25

NAME = TextField(name="name", label=_("名称"), max_length=NAME_MAX_LENGTH)
LICENCE_NO = TextField(
    name="licence_no", label=_("许可或备案编号"), max_length=LICENCE_NO_MAX_LENGTH
)
ADDRESS = TextField(name="address", label=_("地址"), max_length=ADDRESS_MAX_LENGTH)
CONTACT = TextField(name="contact", label=_("联系方式"), max_length=CONTACT_MAX_LENGTH)
PERSON_NAME = TextField(name="name", label=_("姓名"), max_length=PERSON_NAME_MAX_LENGTH)
CERTIFICATE_NO = TextField(
    name="certificate_no", label=_("从业资格证书编号"), max_length=CERTIFICATE_NO_MAX_LENGTH
)
INFORMATION = TextField(
    name="collects", label=_("收集的个人信息"), max_length=INFORMATION_MAX_LENGTH
)
COLLECTION_BASIS = TextField(name="collects", label=_("法律依据"), max_length=BASIS_MAX_LENGTH)
INSPECTORS = TextField(name="inspectors", label=_("检查人员"), max_length=INSPECTORS_MAX_LENGTH)
SCOPE = TextField(name="scope", label=_("检查范围"), max_length=SCOPE_MAX_LENGTH)
FINDINGS = TextField(name="findings", label=_("检查发现"), max_length=FINDINGS_MAX_LENGTH)
FOLLOW_UP = TextField(name="follow_up", label=_("整改要求"), max_length=FOLLOW_UP_MAX_LENGTH)
CLOSING_NOTE = TextField(name="note", label=_("结案说明"), max_length=FOLLOW_UP_MAX_LENGTH)
DESCRIPTION = TextField(name="description", label=_("违规事实"), max_length=DESCRIPTION_MAX_LENGTH)
BASIS = TextField(name="basis", label=_("认定依据"), max_length=BASIS_MAX_LENGTH)
DOCUMENT = TextField(
    name="decision_document", label=_("决定文书号"), max_length=DOCUMENT_MAX_LENGTH
)
REASON = TextField(name="reason", label=_("列入理由"), max_length=REASON_MAX_LENGTH)
DELISTING_NOTE = TextField(name="note", label=_("移出说明"), max_length=REASON_MAX_LENGTH)
SEARCH = TextField(name="q", label=_("名称或代码"), max_length=SEARCH_MAX_LENGTH)
