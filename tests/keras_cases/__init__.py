"""Keras 3.15.1's own unit-test cases, re-run on scratch_nn (one module per Keras test file).

Every case carries the Keras file and test name it comes from; the inputs and
expected values are Keras's, the harness is ours. See ``support.py`` for the
three outcomes a case may have besides passing, and ``summary.py`` for the
count per Keras file that ``docs/TESTS.md`` shows.
"""
