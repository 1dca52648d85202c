"""The OpenAPI document as a contract: every operation documents every answer it can give.

``ContractAPI`` generates django-ninja's document and then, for every operation:

- documents the answers that any operation can give whatever its own logic (``SHARED_ANSWERS``:
  400, 401, 403, 404, 413, 422, 429, 503; 415 where the operation reads a body), beside the
  operation's own (declared with ``problem_answers``);
- gives every error answer the one problem schema (``Problem``) as
  ``application/problem+json``, and ``Retry-After`` to 429 and 503.

Operation ids are set on each route, ``<resource>_<verb>`` (docs/api.md); a test holds the list.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ninja import NinjaAPI, Schema
from pydantic import ConfigDict, Field

from chengxin.api.errors import PROBLEM_CONTENT_TYPE

SCHEMA_REF = "#/components/schemas/{model}"
PROBLEM_REF = {"$ref": SCHEMA_REF.format(model="Problem")}
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Seconds to wait before sending the request again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}
RETRY_AFTER_STATUSES = (429, 503)
BODY_STATUS = 415
MULTIPART_CONTENT_TYPE = "multipart/form-data"


class ProblemFieldError(Schema):
    """One field of the request and what is wrong with it."""

    field: str = Field(description="The field, as the request names it (`records.0.name`).")
    code: str = Field(description="Machine code of the rule the field breaks.")
    message: str = Field("", description="What is wrong, in Chinese.")
    message_en: str = Field("", description="What is wrong, in English.")


class Problem(Schema):
    """An error answer (RFC 9457): ``code`` says what went wrong, for programs; ``title`` says it
    in Chinese for people and ``message_en`` in English. Further members depend on the code
    (``errors``, ``accepted``, ``allowed``, ``line`` and ``column``, ``limit``, …)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="`urn:chengxin:error:<code>`.")
    title: str = Field(description="What went wrong, in Chinese.")
    status: int = Field(description="The HTTP status of the answer.")
    code: str = Field(description="Machine code (docs/api.md lists them).")
    detail: str = Field("", description="More about this occurrence, in Chinese.")
    message_en: str = Field("", description="What went wrong, in English.")
    errors: list[ProblemFieldError] = Field(
        default_factory=list, description="One entry per field that is wrong."
    )
    accepted: list[str] = Field(
        default_factory=list, description="415: the content types the operation accepts."
    )
    allowed: list[str] = Field(
        default_factory=list, description="405: the methods the path supports."
    )
    line: int | None = Field(None, description="`body_invalid_json`: line of the first fault.")
    column: int | None = Field(None, description="`body_invalid_json`: column of the first fault.")


SHARED_ANSWERS: dict[int, str] = {
    400: (
        "The request cannot be read: `body_not_json`, `body_invalid_json` (with `line` and "
        "`column`), `body_not_utf8`, `body_invalid_form`, `bad_request`."
    ),
    401: (
        "No usable credentials: `auth_required` (none given), `token_invalid`, `token_expired`, "
        "`token_revoked`, `token_account_disabled`; a token sent to an operation that needs "
        "none is checked all the same."
    ),
    403: "The caller may not do this: `forbidden`, `csrf_failed`, or the operation's role code.",
    404: "No such object for this caller, or no such path (`not_found`, or the object's code).",
    413: "The body is larger than the operation accepts; the problem says the limit.",
    422: (
        "The request does not match this operation's schema (`request_invalid`, each field in "
        "`errors`), or breaks a rule the schema cannot state (the operation's own codes)."
    ),
    429: "Too many requests from this client or for this account; wait `Retry-After` seconds.",
    503: "The database is busy; send the request again after `Retry-After` seconds.",
}
BODY_ANSWER = "The body's content type is not accepted (`content_type_unsupported`, `accepted`)."


def problem_answers(answers: Mapping[int, str]) -> dict[str, Any]:
    """``openapi_extra`` that documents an operation's own error answers (status → what)."""
    return {"responses": {status: {"description": text} for status, text in answers.items()}}


def request_body(content: Mapping[str, type[Schema]]) -> dict[str, Any]:
    """``openapi_extra`` for an operation that reads its body itself: one pydantic model per
    content type, each named in the components like django-ninja's own."""
    return {
        "requestBody": {
            "required": True,
            "content": {
                media_type: {"schema": _model_reference(model)}
                for media_type, model in content.items()
            },
        }
    }


def _model_reference(model: type[Schema]) -> dict[str, Any]:
    """A reference to ``model``, carrying its definitions for ``contract_document`` to hoist."""
    schema = model.model_json_schema(ref_template=SCHEMA_REF)
    definitions = schema.pop("$defs", {})
    return {
        "$ref": SCHEMA_REF.format(model=model.__name__),
        "$defs": {**definitions, model.__name__: schema},
    }


class ContractAPI(NinjaAPI):
    """django-ninja's API whose document is completed as the module docstring says."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        contract_document(document)
        return document


def contract_document(document: dict[str, Any]) -> None:
    """Complete ``document`` in place (see the module docstring)."""
    # The operations' ``openapi_extra`` dicts are shared with every later document: edit copies.
    document["paths"] = copy.deepcopy(document.get("paths", {}))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    _add_model(schemas, Problem)
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            _hoist_definitions(schemas, operation.get("requestBody", {}))
            _name_form(schemas, operation)
            operation["responses"] = _answers(operation)


def _answers(operation: dict[str, Any]) -> dict[int, Any]:
    answers = {int(status): answer for status, answer in operation["responses"].items()}
    shared = dict(SHARED_ANSWERS)
    if "requestBody" in operation:
        shared[BODY_STATUS] = BODY_ANSWER
    for status, description in shared.items():
        answers.setdefault(status, {"description": description})
    for status, answer in answers.items():
        if status < 400:
            continue
        answer["content"] = {PROBLEM_CONTENT_TYPE: {"schema": dict(PROBLEM_REF)}}
        if status in RETRY_AFTER_STATUSES:
            answer["headers"] = dict(RETRY_AFTER_HEADER)
    return dict(sorted(answers.items()))


def _add_model(schemas: dict[str, Any], model: type[Schema]) -> None:
    schema = model.model_json_schema(ref_template=SCHEMA_REF)
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema


def _name_form(schemas: dict[str, Any], operation: dict[str, Any]) -> None:
    """Give the form django-ninja builds from an operation's parameters (``MultiPartBodyParams``)
    a name of its own in the components, ``<OperationId>Form``, with its enums as references."""
    media = operation.get("requestBody", {}).get("content", {}).get(MULTIPART_CONTENT_TYPE)
    if media is None or "$ref" in media["schema"]:
        return
    form = media["schema"]
    name = "".join(part.title() for part in operation["operationId"].split("_")) + "Form"
    for field, details in form.get("properties", {}).items():
        parts = details.get("allOf", [])
        if len(parts) == 1 and parts[0].get("title") in schemas:
            form["properties"][field] = {
                "$ref": SCHEMA_REF.format(model=parts[0]["title"]),
                **{key: value for key, value in details.items() if key != "allOf"},
            }
    schemas[name] = {**form, "title": name}
    media["schema"] = {"$ref": SCHEMA_REF.format(model=name)}


def _hoist_definitions(schemas: dict[str, Any], body: dict[str, Any]) -> None:
    """Move the ``$defs`` of hand-written body schemas (``request_body``) to the components."""
    for media in body.get("content", {}).values():
        schemas.update(media.get("schema", {}).pop("$defs", {}))
