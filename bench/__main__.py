"""Every benchmark, one after the other: ``make bench`` (or ``python -m bench [NAME ...]``).

Each one compares against a baseline measured in the same run and prints its figures;
the feed, digest, quota, pipeline, request and freshness benchmarks also write them into
bench/README.md.  Give names
to run only some: ``python -m bench pipeline feeds_http``.
"""

from __future__ import annotations

import subprocess
import sys
import time

# (module, arguments): the sizes the README's figures were measured with
BENCHMARKS: dict[str, list[str]] = {
    "pipeline": ["--n", "20000"],
    "handlers": ["--n", "10000"],
    "feeds_assemble": ["--activities", "10000"],
    "feeds_http": ["--activities", "600"],
    "dedup_decision": ["--rows", "1000000"],
    "digests_render": ["--activities", "5000"],
    "quotas_tally": ["--activities", "5000"],
    "requests": ["--n", "100000"],
    "freshness": ["--n", "100000"],
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    failed = []
    for index, name in enumerate(names, 1):
        print(f"\n=== [{index}/{len(names)}] bench.{name} {' '.join(BENCHMARKS[name])}", flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", f"bench.{name}", *BENCHMARKS[name]])
        print(f"=== bench.{name}: exit {result.returncode} after {time.monotonic() - started:.0f} s", flush=True)
        if result.returncode:
            failed.append(name)
    if failed:
        print(f"\nbelow target or failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
