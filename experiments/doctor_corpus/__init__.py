"""The doctor corpus: real buggy Keras programs from the fault-diagnosis benchmarks, rebuilt."""
