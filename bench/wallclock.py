#!/usr/bin/env python3
"""Wall-clock time per document of the HTML pass, robust to a busy machine: the modes of
gateway/engine/examples/rewrite_once.rs are run in turn, RUNS times each, DOCS documents per
run, and the fastest run of each mode is kept (the median is printed beside it).

    bench/wallclock.py [PAGE] [RUNS] [DOCS]      # defaults: marketing 15 500

The example is built in release with CARGO_TARGET_DIR (default /work/target-perf); set BIN to
time another build of it. Start-up (one document's run) is subtracted.
"""
import os
import statistics
import subprocess
import sys
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
page = sys.argv[1] if len(sys.argv) > 1 else "marketing"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
docs = int(sys.argv[3]) if len(sys.argv) > 3 else 500
target = os.environ.get("CARGO_TARGET_DIR", "/work/target-perf")
path = os.path.join(root, "bench", "pages", f"{page}.html")
if not os.path.exists(path):
    subprocess.run([sys.executable, os.path.join(root, "bench", "pages", "generate.py")],
                   check=True, stdout=subprocess.DEVNULL)
binary = os.environ.get("BIN")
if not binary:
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "consentry-engine",
                    "--example", "rewrite_once", "--manifest-path",
                    os.path.join(root, "Cargo.toml")],
                   check=True, env={**os.environ, "CARGO_TARGET_DIR": target})
    binary = os.path.join(target, "release", "examples", "rewrite_once")
modes = ["consentry", "lol_html", "selectors"]


def seconds(mode, count):
    start = time.perf_counter()
    subprocess.run([binary, path, str(count), mode], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


startup = {m: min(seconds(m, 1) for _ in range(3)) for m in modes}
times = {m: [] for m in modes}
for _ in range(runs):
    for m in modes:
        times[m].append((seconds(m, docs) - startup[m]) / docs * 1e6)
best = {m: min(t) for m, t in times.items()}
for m in modes:
    print(f"{page:10} {m:10} fastest {best[m]:9.1f} us  median {statistics.median(times[m]):9.1f} us"
          f"  ratio {best['lol_html'] / best[m] * 100:5.1f}%")
