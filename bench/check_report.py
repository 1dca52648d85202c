"""The closing table of ``bench/check.py``: the machine, the data, each endpoint at each level
with the check's ratios to the minimal endpoint and the bare look-up, the batch check against the
raw join, each against its target."""

from __future__ import annotations

import os
import platform

import psycopg
from benchdb import memory_gb
from check_load import BARE, MINIMAL

TARGET_SINGLE = 0.5
TARGET_BATCH = 3.0


def report_fill(fill: dict) -> None:
    print(
        f"  {fill['records']:,} records ({fill['records_active']:,} active) over "
        f"{fill['people']:,} people; {fill['people_serious']:,} people with an active serious "
        f"record, {fill['people_red_list']:,} on the red list; subjects "
        f"{fill['subjects_seconds']:.0f} s, records {fill['records_seconds']:.0f} s, "
        f"fill {fill['seconds']:.0f} s in all"
    )


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def summary(*, args, fill, load, batch) -> None:
    server = _server_version(args.pg_url)
    lines = [
        "",
        f"machine   {platform.node()}: {os.cpu_count()} CPUs, {memory_gb():.0f} GB RAM, "
        f"Python {platform.python_version()}, {server}",
        f"data      {fill['records']:,} records ({fill['records_active']:,} active), "
        f"{fill['people']:,} people ({fill['people_serious']:,} with an active serious record, "
        f"{fill['people_red_list']:,} on the red list)",
    ]
    if load:
        lines.append(
            f"server    gunicorn, {args.workers} workers x {args.threads} threads; "
            f"{args.duration:.0f} s measured per endpoint and level, in {args.rounds} turns "
            f"(each after {args.warmup:.0f} s warm-up)"
        )
        lines.append(
            "endpoint          conc    req/s    p50 ms   p99 ms   errors   check/minimal"
            "   check/bare"
        )
        by_level: dict[int, dict[str, dict]] = {}
        for run in load:
            by_level.setdefault(run["concurrency"], {})[run["endpoint"]] = run
        ratios = []
        for level, runs in sorted(by_level.items()):
            for name, run in runs.items():
                shown = ""
                if name == "check":
                    minimal, bare = (_ratio(run, runs.get(other)) for other in (MINIMAL, BARE))
                    ratios.append(minimal)
                    shown = f"{minimal:>13.2f} {bare:>12.2f}"
                lines.append(
                    f"{name:<17} {level:>4} {run['throughput']:>8.1f} {run['p50_ms']:>9.1f} "
                    f"{run['p99_ms']:>8.1f} {run['errors']:>8}   {shown}"
                )
        if ratios:
            lines.append(
                f"single checks: lowest check/minimal throughput ratio {min(ratios):.2f}, "
                f"target >= {TARGET_SINGLE}   {_verdict(min(ratios) >= TARGET_SINGLE)}"
            )
    if batch:
        raw = batch["raw"]
        ratio = batch["ratio"]
        note = " (first turn profiled: not a benchmark figure)" if batch["profiled"] else ""
        lines += [
            f"batch     {batch['ids']:,} IDs: {batch['seconds']:.2f} s end to end (accept "
            f"{batch['create_seconds']:.2f} s, run {batch['run_seconds']:.2f} s), median of "
            f"{batch['runs']} turns{note}",
            f"raw join  {raw['seconds']:.2f} s ({raw['people']:,} people, {raw['rows']:,} active "
            f"records), median of {batch['runs']} turns",
            f"batch/raw {ratio:.2f} (median of the turns' ratios), target <= {TARGET_BATCH}   "
            f"{_verdict(ratio <= TARGET_BATCH)}",
        ]
    print("\n".join(lines))


def _ratio(run: dict, base: dict | None) -> float:
    return run["throughput"] / base["throughput"] if base and base["throughput"] else 0.0


def _server_version(url: str) -> str:
    with psycopg.connect(url) as conn:
        version = conn.info.server_version
    return f"PostgreSQL {version // 10000}.{version % 10000}"
