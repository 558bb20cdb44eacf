"""One long-lived TensorFlow process of the mutation pass: it runs many mutants.

Started by :mod:`tests.mutation.second_pass` inside ``mutants/`` (``python -m
tests.mutation.tf_worker``), it imports TensorFlow once and then answers
requests, one JSON line each on stdin, one JSON line each on the answer pipe
(the process's original stdout; what tests print goes to /dev/null):

- ``{"op": "record", "tests": [files]}``: run the files clean with mutmut's
  trampolines in ``stats`` mode and answer which tests call each mutated
  function (``{"calls": {function: [node ids]}, "outside": [functions],
  "seconds": {node id: s}, "exit": code}``). A call made while a fixture of
  class, module or session scope is set up counts for every test that uses
  that fixture (a test run alone sets it up itself); a call made outside any
  test (collection, import) is listed in ``outside``: such a function must be
  run in a fresh process, where the import sees the mutant.
- ``{"op": "run", "mutant": name, "tests": [node ids]}``: ``pytest -x`` on
  those tests with ``MUTANT_UNDER_TEST`` naming the mutant. The answer says
  whether the mutant was called (``called``) and, when a test failed, whether
  that test passes again with no mutant active in this same process
  (``clean_rerun``): a failure that stays without the mutant comes from state
  left by an earlier run, not from the mutant, and the parent then retries in
  a fresh worker.

mutmut's trampoline (``mutmut/mutation/trampoline.py``) reads the active
mutant from the environment on every call, so one process can run mutant after
mutant; the mutated module's ``mutants_<function>__mutmut`` dict maps the
mutant's name to its function, which is what the ``called`` check wraps.
"""

import contextlib
import functools
import importlib
import json
import os
import sys
import time
from collections import defaultdict

import pytest

PYTEST_ARGS = ["-q", "-p", "no:cacheprovider"]


class Recorder:
    """pytest plugin: which test (or shared fixture) is running when a trampoline reports a call."""

    def __init__(self):
        self.test = None
        self.fixtures = []  # the fixture definitions being set up, innermost last
        self.calls = defaultdict(set)  # function -> node ids
        self.fixture_calls = defaultdict(set)  # function -> names of shared fixtures
        self.outside = set()
        self.items = []
        self.seconds = defaultdict(float)

    def hit(self, name, caller=None):
        shared = [f.argname for f in self.fixtures if f.scope != "function"]
        if shared:
            self.fixture_calls[name].add(shared[0])
        elif self.test is not None:
            self.calls[name].add(self.test)
        else:
            self.outside.add(name)

    def pytest_collection_modifyitems(self, items):
        self.items = list(items)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self.test = item.nodeid
        yield
        self.test = None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        self.fixtures.append(fixturedef)
        try:
            yield
        finally:
            self.fixtures.pop()

    def pytest_runtest_logreport(self, report):
        self.seconds[report.nodeid] += report.duration

    def answer(self):
        """Node ids per function, in collection order; shared-fixture calls go to every user of the fixture."""
        order = {item.nodeid: n for n, item in enumerate(self.items)}
        users = defaultdict(set)
        for item in self.items:
            for name in getattr(item, "fixturenames", ()):
                users[name].add(item.nodeid)
        calls = {}
        for function in set(self.calls) | set(self.fixture_calls):
            tests = set(self.calls[function])
            for fixture in self.fixture_calls[function]:
                tests |= users[fixture]
            calls[function] = sorted(tests, key=lambda t: order.get(t, len(order)))
        return {"calls": calls, "outside": sorted(self.outside), "seconds": dict(self.seconds)}


class Outcome:
    """pytest plugin: the node ids of the failed tests."""

    def __init__(self):
        self.failed = []

    def pytest_runtest_logreport(self, report):
        if report.failed:
            self.failed.append(report.nodeid)


def set_mutant(name):
    os.environ["MUTANT_UNDER_TEST"] = name


def record(tests):
    """Run `tests` clean with the trampolines reporting every call to our recorder."""
    from mutmut.mutation import trampoline

    recorder = Recorder()
    original = trampoline.record_trampoline_hit
    trampoline.record_trampoline_hit = recorder.hit
    set_mutant("stats")
    try:
        code = int(pytest.main([*PYTEST_ARGS, *tests], plugins=[recorder]))
    finally:
        trampoline.record_trampoline_hit = original
        set_mutant("")
    return {"exit": code, **recorder.answer()}


@contextlib.contextmanager
def watched(mutant):
    """Yield a list that gets True when the mutant's function is called."""
    module_name, _, key = mutant.rpartition(".")
    module = importlib.import_module(module_name)
    table = next((v for n, v in vars(module).items() if n.startswith("mutants_") and isinstance(v, dict)
                  and key in v), None)
    called = []
    if table is None:
        yield called
        return
    function = table[key]

    @functools.wraps(function)
    def spy(*args, **kwargs):
        called.append(True)
        return function(*args, **kwargs)

    table[key] = spy
    try:
        yield called
    finally:
        table[key] = function


def run(mutant, tests):
    outcome = Outcome()
    with watched(mutant) as called:
        set_mutant(mutant)
        try:
            code = int(pytest.main(["-x", *PYTEST_ARGS, *tests], plugins=[outcome]))
        finally:
            set_mutant("")
    answer = {"exit": code, "called": bool(called), "failed": outcome.failed}
    if outcome.failed:
        answer["clean_rerun"] = int(pytest.main([*PYTEST_ARGS, *outcome.failed]))
    return answer


def main():
    answers = os.fdopen(os.dup(1), "w")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # what tests and TensorFlow print (sys.stdout writes to fd 1) must not mix with the answers
    import scratch_nn

    here = os.path.realpath(os.getcwd())
    if not os.path.realpath(scratch_nn.__file__).startswith(here + os.sep):
        sys.exit(f"tf_worker: scratch_nn imported from {scratch_nn.__file__}, not from {here} (the mutants)")
    for line in sys.stdin:
        request = json.loads(line)
        start, cpu = time.monotonic(), time.process_time()
        if request["op"] == "record":
            answer = record(request["tests"])
        else:
            answer = run(request["mutant"], request["tests"])
        answer["wall"], answer["cpu"] = time.monotonic() - start, time.process_time() - cpu
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
