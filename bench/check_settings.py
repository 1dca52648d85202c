"""Settings of the check benchmark's server: the production settings (every secret from the
environment, which ``bench/check.py`` generates for its own database), with the benchmark's
URLconf (the platform plus the minimal endpoint of ``bench/check_site.py``)."""

from chengxin.config.settings.production import *  # noqa: F403

ROOT_URLCONF = "check_site"
