"""Mutation testing of scratch_nn's maths (`make mutate`; not part of CI): see docs/TESTS.md.

mutmut 3 runs the NumPy-only tests in forked workers (TensorFlow deadlocks
there); `tests.mutation.second_pass` then runs the TensorFlow comparisons on
each mutant they left alive, one fresh process per mutant, and prints the
score per module over the mutants that can be killed (`equivalent.toml`
lists the reviewed ones that cannot).
"""
