"""Platform signals that apps may listen to without importing each other."""

from django.dispatch import Signal

# Sent by ``chengxin worker`` before it starts taking tasks: an app re-enqueues here the work that
# a worker killed earlier left unfinished (its own tasks are idempotent).
worker_starting = Signal()
