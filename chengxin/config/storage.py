"""Static files as served in production: hashed names (cached for a year) and compressed copies,
by WhiteNoise, from the folder ``collectstatic`` fills (``chengxin serve`` runs it first)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage; a file missing from the manifest is served under its plain name
    instead of failing the page."""

    manifest_strict = False
