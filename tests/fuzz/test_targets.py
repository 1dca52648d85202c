"""Every fuzz target passes on its own seed corpus: the harness keeps working between runs of
the fuzzer (the fuzzing itself is ``python -m tests.fuzz.run``, docs/development.md)."""

from __future__ import annotations

import pytest

from tests.fuzz.targets import TARGETS

SEEDS = {name: target.seeds() for name, target in TARGETS.items()}
CASES = [(name, number) for name, seeds in SEEDS.items() for number in range(len(seeds))]


@pytest.mark.parametrize(("name", "number"), CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_target_holds_on_its_seed(name, number):
    # given
    target = TARGETS[name]
    seed = SEEDS[name][number][: target.max_len]

    # when / then: no property is broken and nothing but the parser's own refusal comes out
    target.check(seed)
