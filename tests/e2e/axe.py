"""axe-core for the browser tests: fetched from the npm registry at test set-up, injected into the
page, run there; only its serious and critical findings fail a test.

axe-core is MPL-2.0: it may be used and redistributed unchanged, but it is not committed here.
``axe_script()`` runs ``npm pack`` once into ``tests/e2e/vendor/`` (ignored by git) and unpacks
``axe.min.js`` and its licence beside it. Without npm or the registry the check is skipped, except
in CI (``CHENGXIN_REQUIRE_ALL_SUITES=1``), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest

AXE_VERSION = "4.14.1"
VENDOR = Path(__file__).parent / "vendor" / f"axe-core-{AXE_VERSION}"
SCRIPT = VENDOR / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")


def _unavailable(message: str):
    if os.environ.get("CHENGXIN_REQUIRE_ALL_SUITES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def axe_script() -> Path:
    """The path of ``axe.min.js``, fetched from the npm registry on first use."""
    if SCRIPT.exists():
        return SCRIPT
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is not installed: the axe-core check needs it to fetch axe-core")
    with tempfile.TemporaryDirectory() as folder:
        try:
            subprocess.run(  # noqa: S603 - a fixed command line
                [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", folder, "--silent"],
                check=True,
                capture_output=True,
                timeout=300,
            )
        except (subprocess.SubprocessError, OSError) as error:
            _unavailable(f"axe-core could not be fetched from the npm registry: {error}")
        archive = Path(folder) / f"axe-core-{AXE_VERSION}.tgz"
        VENDOR.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as packed:
            for name in ("axe.min.js", "LICENSE"):
                member = packed.extractfile(f"package/{name}")
                if member is not None:
                    (VENDOR / name).write_bytes(member.read())
    return SCRIPT


def serious_violations(page) -> list[dict]:
    """The serious and critical axe-core findings on the page as it is now (rule, impact, the
    first few elements)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol: the pages' Content Security
        # Policy (script-src 'self') rightly refuses an injected <script> element.
        page.evaluate(axe_script().read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate("async () => await window.axe.run(document)")
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"][:5]],
        }
        for violation in results["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]
