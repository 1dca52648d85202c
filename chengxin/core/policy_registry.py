"""The policy registry: a policy value's declaration (``PolicyDefinition``), the registry every
app's ``policies`` module adds its definitions to, and the process-local snapshot of small tables
that the policy values and the calendar are read through (docs/policies.md).

The platform's own definitions, and the legal sources and units they cite, are in
``chengxin.core.policies``."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.db import connection
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext

from chengxin.core import error_codes
from chengxin.core.choices import PolicyType
from chengxin.core.errors import DomainError, NotFoundError

PolicyScalar = int | bool

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
NAME_MAX_LENGTH = 64
_TRUE_WORDS = frozenset({"true", "yes", "1", "是"})
_FALSE_WORDS = frozenset({"false", "no", "0", "否"})


@dataclass(frozen=True)
class PolicyDefinition:
    """One named policy value as the code declares it.

    ``name`` is dotted lower case (``disclosure.general_months``) and at most 64 characters.
    ``default`` must itself be valid. ``minimum`` and ``maximum`` are inclusive bounds of a whole
    number value (not used for ``boolean``). ``legal_source`` names the rule that sets the
    default, with its article where known, or says 平台默认值 when the default is the platform's
    own choice.
    """

    name: str
    type: PolicyType
    default: PolicyScalar
    title: str
    unit: str
    legal_source: str
    description: str
    description_en: str
    minimum: int | None = None
    maximum: int | None = None

    def __post_init__(self) -> None:
        if len(self.name) > NAME_MAX_LENGTH or not NAME_PATTERN.fullmatch(self.name):
            raise ValueError(f"Policy name {self.name!r} is not a dotted lower-case name.")
        self.validate(self.default)

    def validate(self, value: object) -> PolicyScalar:
        """Return ``value`` if it fits this definition; raise ``DomainError`` otherwise."""
        if self.type == PolicyType.BOOLEAN:
            if not isinstance(value, bool):
                raise _invalid_type(self)
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid_type(self)
        if not self.accepts(value):
            raise _out_of_range(self, value)
        return value

    def accepts(self, number: int) -> bool:
        """Whether a whole number lies inside the allowed range."""
        below = self.minimum is not None and number < self.minimum
        above = self.maximum is not None and number > self.maximum
        return not (below or above)

    def parse(self, text: str) -> PolicyScalar:
        """Read a value typed by an operator (CLI, admin form) and validate it."""
        cleaned = text.strip().lower()
        if self.type == PolicyType.BOOLEAN:
            if cleaned in _TRUE_WORDS:
                return True
            if cleaned in _FALSE_WORDS:
                return False
            raise _invalid_type(self)
        try:
            number = int(cleaned)
        except ValueError:
            raise _invalid_type(self) from None
        return self.validate(number)

    def display(self, value: PolicyScalar) -> str:
        """The value as staff read it: ``3 个月``, ``是``."""
        if self.type == PolicyType.BOOLEAN:
            return gettext("是") if value else gettext("否")
        return f"{value} {self.unit}".strip()

    def range_display(self) -> str:
        """The allowed range as staff read it, or an empty string for a boolean."""
        if self.type == PolicyType.BOOLEAN:
            return ""
        low = "" if self.minimum is None else str(self.minimum)
        high = "" if self.maximum is None else str(self.maximum)
        return f"{low}–{high} {self.unit}".strip()


def _invalid_type(definition: PolicyDefinition) -> DomainError:
    return DomainError(
        code=error_codes.POLICY_INVALID_TYPE,
        message=gettext("政策参数“%(name)s”的取值类型应为%(type)s。")
        % {"name": definition.name, "type": definition.type.label},
        message_en=f"Policy {definition.name} takes a value of type {definition.type.value}.",
        details={"policy": definition.name, "type": definition.type.value},
    )


def _out_of_range(definition: PolicyDefinition, value: int) -> DomainError:
    return DomainError(
        code=error_codes.POLICY_OUT_OF_RANGE,
        message=gettext("政策参数“%(name)s”的取值 %(value)s 超出允许范围（%(range)s）。")
        % {"name": definition.name, "value": value, "range": definition.range_display()},
        message_en=(
            f"Policy {definition.name} value {value} is outside the allowed range "
            f"{definition.minimum}..{definition.maximum}."
        ),
        details={
            "policy": definition.name,
            "minimum": definition.minimum,
            "maximum": definition.maximum,
        },
    )


# --- Registry ------------------------------------------------------------------------------

_REGISTRY: dict[str, PolicyDefinition] = {}
_DISCOVERED = False


def register(definition: PolicyDefinition) -> PolicyDefinition:
    """Add a definition to the registry and return it (so a module can keep it as a constant).

    Registering the same definition again is harmless (a module imported twice); registering a
    different definition under a name already taken is a programming error.
    """
    existing = _REGISTRY.get(definition.name)
    if existing is not None and existing != definition:
        raise ValueError(f"Policy {definition.name!r} is already registered differently.")
    _REGISTRY[definition.name] = definition
    return definition


def get_definition(name: str) -> PolicyDefinition:
    """The definition registered under ``name``; ``NotFoundError`` for an unknown name."""
    _discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise NotFoundError(
            code=error_codes.POLICY_UNKNOWN,
            message=gettext("没有名为“%(name)s”的政策参数。") % {"name": name},
            message_en=f"There is no policy named {name}.",
        ) from None


def all_definitions() -> list[PolicyDefinition]:
    """Every registered definition, ordered by name."""
    _discover()
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def _discover() -> None:
    """Import the ``policies`` module of every installed app once, so all are registered."""
    global _DISCOVERED
    if not _DISCOVERED:
        autodiscover_modules("policies")
        _DISCOVERED = True


# --- Process-local snapshots of small tables (policy values, the calendar table) --------------

Snapshot = TypeVar("Snapshot")
DEFAULT_CACHE_SECONDS = 60


class ProcessSnapshot(Generic[Snapshot]):
    """A process-local copy of a small, rarely changed table, reloaded when it is too old.

    The copy lives at most ``CHENGXIN_POLICY_CACHE_SECONDS`` (default 60; 0 turns it off). The
    process that makes a change drops its copy at once and again on commit; other processes see
    the change when their copy expires. Inside an open transaction the table is always read from
    the database, so a value written but not yet committed (or rolled back) is never cached.
    """

    def __init__(self, load: Callable[[], Snapshot]) -> None:
        self._load = load
        self._entry: tuple[float, Snapshot] | None = None

    def get(self) -> Snapshot:
        seconds = getattr(settings, "CHENGXIN_POLICY_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
        if seconds <= 0 or connection.in_atomic_block:
            return self._load()
        now = time.monotonic()
        entry = self._entry
        if entry is None or entry[0] <= now:
            entry = (now + seconds, self._load())
            self._entry = entry
        return entry[1]

    def invalidate(self) -> None:
        self._entry = None
