"""tempkit's benchmark suite; run it with ``python -m benchmarks`` (see ``_harness``)."""
