"""Changes to the supervision registers, each in one transaction with its audit event
(docs/supervision.md): the registers (``registers``), inspections and violations
(``inspections``) and the blacklist (``blacklist``), on the checks they share (``common``).

Every refusal raises a ``DomainError`` before anything is written (or inside the transaction,
which then writes nothing): 403 for a role that may not act, 422 naming the field for bad
input, 409 for a state that does not allow the step.
"""

from chengxin.supervision.services.blacklist import (
    RESPONSIBLE_ITEM,
    listing_delist,
    listings_delist_expired,
)
from chengxin.supervision.services.inspections import (
    inspection_close,
    inspection_follow_up_require,
    inspection_open,
    violation_record,
)
from chengxin.supervision.services.registers import (
    agency_register,
    agency_token_link,
    agency_update,
    handler_register,
    practitioner_add,
)

__all__ = [
    "RESPONSIBLE_ITEM",
    "agency_register",
    "agency_token_link",
    "agency_update",
    "handler_register",
    "inspection_close",
    "inspection_follow_up_require",
    "inspection_open",
    "listing_delist",
    "listings_delist_expired",
    "practitioner_add",
    "violation_record",
]
