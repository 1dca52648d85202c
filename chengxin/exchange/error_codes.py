"""Machine codes of the exchange app's errors and delivery failures (docs/exchange.md)."""

UPSTREAM_NOT_CONFIGURED = "upstream_not_configured"
OUTBOX_EVENT_NOT_DEAD = "outbox_event_not_dead"

# Why an attempt to deliver an event failed (``OutboxEvent.last_error``).
DELIVERY_TIMEOUT = "timeout"
DELIVERY_CONNECTION = "connection_error"
DELIVERY_HTTP = "http_error"
DELIVERY_RECEIPT_SIGNATURE = "receipt_signature_invalid"
DELIVERY_RECEIPT_MALFORMED = "receipt_malformed"
DELIVERY_NO_RECEIPT = "no_receipt_for_event"
DELIVERY_REJECTED = "rejected_by_receiver"

# What the reference receiver answers to a request it refuses.
SIGNATURE_INVALID = "signature_invalid"
SIGNATURE_KEY_UNKNOWN = "signature_key_unknown"
SIGNATURE_ALGORITHM_UNKNOWN = "signature_algorithm_unknown"
BATCH_MALFORMED = "batch_malformed"
INJECTED_FAILURE = "injected_failure"
CORRECTION_NOTICE_NOT_FOUND = "correction_notice_not_found"
CORRECTION_NOTICE_ACKNOWLEDGED = "correction_notice_acknowledged"
