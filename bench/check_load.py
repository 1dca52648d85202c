"""The load of ``bench/check.py`` (``--role load``, no Django): threads, one keep-alive connection
each, sending the bare look-up, the minimal endpoint and ``POST /api/v1/checks`` in turn at each
concurrency level; throughput, p50 and p99 of each (``load.json``)."""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

CHECK_PATH = "/api/v1/checks"
LOOKUP_PATH = "/bench/api/lookup"
LOOKUP_AUDITED_PATH = "/bench/api/lookup-audited"
# The minimal endpoint is the look-up with its audit event: whether the platform knows a person
# is personal data, and every read of it is audited (SPEC §14). The bare look-up, below what the
# platform allows, shows what the audit itself costs.
MINIMAL = "minimal"
BARE = "bare lookup"
MATTERS = (
    "administrative_licensing",
    "public_procurement",
    "public_hiring",
    "subsidy",
    "honour",
)


@dataclass
class LoadRun:
    """One endpoint at one concurrency level."""

    endpoint: str
    concurrency: int
    requests: int
    errors: int
    seconds: float
    throughput: float
    p50_ms: float
    p99_ms: float
    mean_ms: float


def role_load(args) -> int:
    work = args.work
    ids = json.loads((work / "ids.json").read_text())["load"]
    token = (work / "token.txt").read_text().strip()
    target = urlsplit(args.url)
    runs = []
    endpoints = (
        (BARE, LOOKUP_PATH, _lookup_body),
        (MINIMAL, LOOKUP_AUDITED_PATH, _lookup_body),
        ("check", CHECK_PATH, check_body),
    )
    for level in [int(value) for value in args.levels.split(",")]:
        # The endpoints take turns, in short rounds, so that a change in the machine's other
        # load touches all of them alike.
        samples: dict[str, list[tuple[list[float], int]]] = {name: [] for name, *_ in endpoints}
        for _round in range(args.rounds):
            for name, path, body in endpoints:
                samples[name].append(
                    _drive(
                        host=target.hostname,
                        port=target.port,
                        path=path,
                        token=token,
                        body=body,
                        ids=ids,
                        concurrency=level,
                        warmup=args.warmup,
                        duration=args.duration / args.rounds,
                    )
                )
        for name, *_ in endpoints:
            run = _load_run(name, level, samples[name], seconds=args.duration)
            print(
                f"  {name:<12} c={level:<3} {run.throughput:8.1f} req/s  p50 {run.p50_ms:7.1f} ms"
                f"  p99 {run.p99_ms:7.1f} ms  ({run.requests} requests, {run.errors} errors)",
                flush=True,
            )
            runs.append(asdict(run))
    (work / "load.json").write_text(json.dumps(runs))
    return 0


def _lookup_body(rng: random.Random, ids: list[str]) -> dict:
    return {"id_number": rng.choice(ids)}


def check_body(rng: random.Random, ids: list[str]) -> dict:
    return {
        "id_number": rng.choice(ids),
        "matter": rng.choice(MATTERS),
        "case_no": f"bench-{rng.randrange(1_000_000)}",
        "purpose": "基准测试",
    }


def _drive(
    *, host, port, path, token, body, ids, concurrency, warmup, duration
) -> tuple[list[float], int]:
    """``concurrency`` threads, each sending requests back to back on its own keep-alive
    connection; latencies of the requests that start after the warm-up and end before the
    deadline."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
        # The reverse proxy's header: the production settings redirect plain HTTP.
        "X-Forwarded-Proto": "https",
    }
    start = time.perf_counter()
    measure_from = start + warmup
    deadline = measure_from + duration
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency

    def worker(slot: int) -> None:
        rng = random.Random(slot)
        connection = http.client.HTTPConnection(host, port, timeout=120)
        while True:
            began = time.perf_counter()
            if began >= deadline:
                break
            payload = json.dumps(body(rng, ids)).encode()
            try:
                connection.request("POST", path, payload, headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=120)
                ok = False
            ended = time.perf_counter()
            if began >= measure_from and ended <= deadline:
                if ok:
                    latencies[slot].append(ended - began)
                else:
                    errors[slot] += 1
        connection.close()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [value for values in latencies for value in values], sum(errors)


def _load_run(name: str, level: int, samples, *, seconds: float) -> LoadRun:
    every = sorted(value for values, _errors in samples for value in values)
    count = len(every)
    return LoadRun(
        endpoint=name,
        concurrency=level,
        requests=count,
        errors=sum(errors for _values, errors in samples),
        seconds=seconds,
        throughput=count / seconds,
        p50_ms=percentile(every, 0.50) * 1000,
        p99_ms=percentile(every, 0.99) * 1000,
        mean_ms=(statistics.fmean(every) * 1000) if every else 0.0,
    )


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    position = min(len(values) - 1, max(0, round(share * len(values)) - 1))
    return values[position]
