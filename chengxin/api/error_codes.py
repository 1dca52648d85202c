"""Machine codes of the answers the API layer gives itself (docs/api.md), before or around the
apps' own operations: the request could not be read, matched no operation, or was refused by
authentication."""

REQUEST_INVALID = "request_invalid"
AUTH_REQUIRED = "auth_required"
CSRF_FAILED = "csrf_failed"
FORBIDDEN = "forbidden"
NOT_FOUND = "not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"
BODY_NOT_JSON = "body_not_json"
BODY_INVALID_JSON = "body_invalid_json"
BODY_NOT_UTF8 = "body_not_utf8"
BODY_INVALID_FORM = "body_invalid_form"
CONTENT_TYPE_UNSUPPORTED = "content_type_unsupported"
BAD_REQUEST = "bad_request"
SERVER_ERROR = "server_error"
HTTP_ERROR = "http_error"
