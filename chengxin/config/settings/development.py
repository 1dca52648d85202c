"""The embedded default: SQLite, local secrets file, debug pages off unless asked for."""

from chengxin.config.settings.base import *  # noqa: F403
