"""Run the fuzz targets (``tests/fuzz/targets.py``) and print executions per target.

    .venv/bin/python -m tests.fuzz.run                       # every target, 2,000 runs each
    .venv/bin/python -m tests.fuzz.run --runs 0 --seconds 3600 --targets text,xlsx_sheet \\
        --corpus var/fuzz                                     # a long run that keeps its corpus
    .venv/bin/python -m tests.fuzz.run --reproduce FILE --targets xlsx_sheet   # one input

Each target runs in its own process under atheris (coverage-guided, libFuzzer), or under
hypothesis (random mutations of the same seeds) where atheris is not installed. The runner
fails when any target crashes or breaks a property; the input that did is saved under
``test-artifacts/fuzz/``. See docs/development.md.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_DIR / "test-artifacts" / "fuzz"
DEFAULT_RUNS = 2_000
RSS_LIMIT_MB = 2_048
_EXECUTED = re.compile(r"stat::number_of_executed_units:\s*(\d+)")
_HYPOTHESIS_EXECUTED = re.compile(r"executed (\d+) inputs")


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    if arguments.one:
        return _run_one(arguments)
    if arguments.reproduce:
        return _reproduce(arguments)
    from tests.fuzz.targets import TARGETS

    names = arguments.targets.split(",") if arguments.targets else list(TARGETS)
    unknown = [name for name in names if name not in TARGETS]
    if unknown:
        print(f"unknown targets: {', '.join(unknown)}", file=sys.stderr)
        return 2
    results = [_spawn(name, arguments) for name in names]
    print(f"\n{'target':<22}{'engine':<12}{'executions':>12}  result")
    for name, engine, executed, code in results:
        result = "ok" if code == 0 and executed else "FAILED"
        print(f"{name:<22}{engine:<12}{executed:>12}  {result}")
    # A target that ran nothing (the engine did not start) fails like one that crashed.
    return 0 if all(code == 0 and executed for _name, _engine, executed, code in results) else 1


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--targets", help="comma-separated target names (default: all)")
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="executions per target")
    parser.add_argument("--seconds", type=int, default=0, help="time per target (0: no limit)")
    parser.add_argument("--engine", choices=("auto", "atheris", "hypothesis"), default="auto")
    parser.add_argument("--corpus", type=Path, help="keep each target's corpus under DIR/name")
    parser.add_argument("--reproduce", type=Path, help="run --targets NAME on one saved input")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _engine(choice: str) -> str:
    if choice != "auto":
        return choice
    try:
        import atheris  # noqa: F401
    except ImportError:
        return "hypothesis"
    return "atheris"


def _spawn(name: str, arguments: argparse.Namespace) -> tuple[str, str, int, int]:
    """Run one target in a child process; (name, engine, executions, exit code)."""
    engine = _engine(arguments.engine)
    command = [sys.executable, "-m", "tests.fuzz.run", "--one", name, "--engine", engine]
    command += ["--runs", str(arguments.runs), "--seconds", str(arguments.seconds)]
    if arguments.corpus:
        command += ["--corpus", str(arguments.corpus)]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "chengxin.config.settings.test"}
    print(f"== fuzz {name} ({engine})", flush=True)
    done = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    output = done.stdout + done.stderr
    if done.returncode != 0:
        start = output.find("Uncaught Python exception")
        print(output[start : start + 6000] if start >= 0 else output[-6000:], file=sys.stderr)
    found = (_EXECUTED if engine == "atheris" else _HYPOTHESIS_EXECUTED).findall(output)
    return name, engine, int(found[-1]) if found else 0, done.returncode


def _reproduce(arguments: argparse.Namespace) -> int:
    """Run one target on a saved input in this process: a crash shows its traceback."""
    _setup_django()
    from tests.fuzz.targets import TARGETS

    TARGETS[arguments.targets].check(arguments.reproduce.read_bytes())
    print(f"{arguments.targets}: {arguments.reproduce} passes")
    return 0


def _run_one(arguments: argparse.Namespace) -> int:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if arguments.engine == "atheris":
        return _atheris(arguments)
    return _hypothesis(arguments)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chengxin.config.settings.test")
    import django

    django.setup()


def _seed_directory(target, corpus: Path | None) -> Path:
    directory = (
        corpus / target.name if corpus else Path(tempfile.mkdtemp(prefix=f"fuzz-{target.name}-"))
    )
    directory.mkdir(parents=True, exist_ok=True)
    for number, seed in enumerate(target.seeds()):
        (directory / f"seed-{number:03d}").write_bytes(seed)
    return directory


def _atheris(arguments: argparse.Namespace) -> int:
    import atheris

    # The platform's code is instrumented for coverage as Django imports it.
    with atheris.instrument_imports(include=["chengxin"]):
        _setup_django()
        import chengxin.collection.ingest.dates
        import chengxin.collection.ingest.files
        import chengxin.core.tabular  # noqa: F401
        from tests.fuzz import targets  # noqa: F401 - the targets import the platform lazily
    from tests.fuzz.targets import TARGETS

    target = TARGETS[arguments.one]
    corpus = _seed_directory(target, arguments.corpus)
    options = [
        f"-runs={arguments.runs if arguments.runs > 0 else -1}",
        f"-max_len={target.max_len}",
        f"-rss_limit_mb={RSS_LIMIT_MB}",
        f"-artifact_prefix={ARTIFACTS}/{target.name}-",
        "-seed=1",
        "-print_final_stats=1",
    ]
    if arguments.seconds:
        options.append(f"-max_total_time={arguments.seconds}")
    atheris.Setup([sys.argv[0], *options, str(corpus)], target.check)
    atheris.Fuzz()
    return 0


def _hypothesis(arguments: argparse.Namespace) -> int:
    """The same target and seeds, mutated by hypothesis: a byte flipped, inserted or cut."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    _setup_django()
    from tests.fuzz.targets import TARGETS

    target = TARGETS[arguments.one]
    seeds = target.seeds()
    executed = 0

    @st.composite
    def inputs(draw) -> bytes:
        data = bytearray(draw(st.sampled_from(seeds)))
        for _ in range(draw(st.integers(0, 8))):
            position = draw(st.integers(0, len(data)))
            action = draw(st.sampled_from(("flip", "insert", "cut")))
            if action == "insert":
                data[position:position] = draw(st.binary(min_size=1, max_size=16))
            elif action == "cut":
                del data[position : position + draw(st.integers(1, 64))]
            elif data:
                data[min(position, len(data) - 1)] ^= 1 << draw(st.integers(0, 7))
        return bytes(data[: target.max_len])

    @settings(
        max_examples=arguments.runs or 10**9,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(inputs())
    def fuzz(data: bytes) -> None:
        nonlocal executed
        executed += 1
        try:
            target.check(data)
        except BaseException:
            (ARTIFACTS / f"{target.name}-crash").write_bytes(data)
            raise

    try:
        fuzz()
    finally:
        print(f"executed {executed} inputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
