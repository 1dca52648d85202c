"""The reference receiver on 127.0.0.1 for the exchange's tests: a real HTTP server in a thread."""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from chengxin.exchange.delivery import UpstreamConfig
from chengxin.exchange.fake_upstream import CONTROL_PATH, FakeUpstreamServer, make_server
from chengxin.exchange.signing import SigningKey

SECRET = "test-upstream-key-0123456789abcdef"
KEY = SigningKey(key_id="u1", secret=SECRET)
_sources = itertools.count(1)


@dataclass
class Receiver:
    server: FakeUpstreamServer
    store: Path

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/events"

    def control(self, **order) -> dict:
        response = requests.post(
            self.url.replace("/events", CONTROL_PATH), data=json.dumps(order), timeout=5
        )
        response.raise_for_status()
        return response.json()

    def stats(self) -> dict:
        response = requests.get(self.url.replace("/events", CONTROL_PATH), timeout=5)
        return response.json()

    def config(self, **overrides) -> UpstreamConfig:
        values = {
            "url": self.url,
            "key": KEY,
            "connect_timeout": 2.0,
            "read_timeout": 5.0,
            "batch_size": 100,
            "backoff_base": 30.0,
            "backoff_cap": 3600.0,
            **overrides,
        }
        return UpstreamConfig(**values)


@contextlib.contextmanager
def running_receiver(store: Path, *, key: SigningKey = KEY, port: int = 0) -> Iterator[Receiver]:
    """A receiver on 127.0.0.1 (a free port unless given) storing in ``store``; stopped after."""
    server = make_server(host="127.0.0.1", port=port, store_dir=store, key=key)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Receiver(server=server, store=store)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
