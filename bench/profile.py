#!/usr/bin/env python3
"""Where the gateway's CPU goes on one page, set up as bench/harness.py sets it up (an nginx
origin on CPU 0 with the tracker cookies, the gateway alone on CPU 1 with one thread, wrk on
CPU 0 at 64 connections): a `perf` profile by shared object and by function, and the system
calls per request (`strace -c`).

    bench/profile.py [--page small-2k] [--seconds 10] [--gateway BIN] [--strace] [--top 40]

Needs perf (software clock sampling is enough) and, with --strace, strace. Traffic stays on
127.0.0.1. The perf data is kept in the printed folder for `perf report -i`.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--page", default="small-2k")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--gateway", metavar="BIN", help="the build to profile (default: this checkout's release build)")
    ap.add_argument("--strace", action="store_true", help="count system calls per request instead of sampling")
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args()
    binary = args.gateway or os.path.join(harness.ROOT, "target", "release", "consentry")
    if not args.gateway:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "consentry-gateway", "--bin", "consentry"],
                       cwd=harness.ROOT, check=True)
    work = tempfile.mkdtemp(prefix="consentry-profile-")
    os.chmod(work, 0o755)
    pages = os.path.join(work, "pages")
    subprocess.run([sys.executable, os.path.join(harness.ROOT, "bench", "pages", "generate.py"), pages],
                   check=True, stdout=subprocess.DEVNULL)
    for name in harness.SAVED_PAGES:
        subprocess.run(["cp", os.path.join(harness.ROOT, "bench", "pages", name), pages], check=True)
    origin_port, gw_port = harness.free_port(), harness.free_port()
    cookies = "".join(f'add_header Set-Cookie "{c}; Path=/";' for c in harness.TRACKER_COOKIES.split("; "))
    conf = harness.nginx_conf(work, "origin", f"""server {{
    listen 127.0.0.1:{origin_port} reuseport;
    root {pages};
    location / {{ {cookies} }}
  }}""")
    with open(conf) as f:
        text = f.read().replace("{origin_port}", str(origin_port))
    with open(conf, "w") as f:
        f.write(text)
    procs = []
    try:
        procs.append(harness.start(["nginx", "-c", conf, "-p", work], 0))
        harness.wait_port(origin_port)
        gw = harness.start([binary, "proxy", "--to", f"http://127.0.0.1:{origin_port}", "--port", str(gw_port),
                            "--bind", "127.0.0.1", "--threads", "1", "--data-dir", os.path.join(work, "data")], 1,
                           env={**os.environ, "RUST_LOG": "error"})
        procs.append(gw)
        harness.wait_port(gw_port)
        url = f"http://127.0.0.1:{gw_port}/{args.page}.html"
        headers = [f"Cookie: {harness.TRACKER_COOKIES}", "Accept-Language: en"]
        harness.wrk(url, 2, args.connections, headers)  # warm up
        data = os.path.join(work, "perf.data")
        if args.strace:
            tracer = ["strace", "-c", "-f", "-q", "-p", str(gw.pid), "-o", os.path.join(work, "strace.txt")]
        else:
            tracer = ["perf", "record", "-q", "-F", "4000", "-p", str(gw.pid), "-o", data]
        result = {}

        def load():
            time.sleep(0.5)
            result["wrk"] = harness.wrk(url, args.seconds, args.connections, headers)

        t = threading.Thread(target=load)
        tracing = subprocess.Popen(tracer, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cpu0 = harness.cpu_seconds(gw.pid)
        t.start()
        t.join()
        cpu = harness.cpu_seconds(gw.pid) - cpu0
        tracing.send_signal(2)
        tracing.wait(30)
        requests = result["wrk"]["requests"]
        print(f"{args.page}: {requests} requests, {result['wrk']['rps']:.0f} req/s, "
              f"{cpu / requests * 1e6:.1f} µs of gateway CPU per request (under the tracer)")
        if args.strace:
            text = open(os.path.join(work, "strace.txt")).read()
            print(text)
            print(f"(divide the calls by {requests} requests)")
        else:
            for sort in ("dso", "dso,symbol"):
                out = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", sort,
                                      "--percent-limit", "0.3", "--stdio"],
                                     capture_output=True, text=True).stdout
                lines = [line for line in out.splitlines() if line and not line.startswith("#")]
                print("\n".join(lines[: args.top]))
                print()
            print(f"perf data: {data}")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(5)


if __name__ == "__main__":
    main()
