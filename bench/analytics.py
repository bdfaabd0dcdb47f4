#!/usr/bin/env python3
"""The gateway's throughput with analytics on and off, side by side, in one run.

Two gateways in front of one nginx origin serving the generated pages, identical but for
`[analytics] enabled`; each alone on CPU 1 with one worker thread, wrk and the origin on CPU 0
(as bench/harness.py pins them). Every request carries a browser's User-Agent (a request
without one is not counted), the tracker cookies, and one of 500 paths with campaign tags, so
that counting does its full work: agent, salted visitor hash, six dimensions, the caps.
Repetitions alternate the two gateways; the ratio is the median of per-repetition ratios.

Usage: bench/analytics.py [--seconds 10] [--reps 5] [--connections 64] [--pages small,marketing]
Traffic stays on 127.0.0.1.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, TRACKER_COOKIES, cpu_seconds, ensure_tools, free_port, nginx_conf, start, wait_port  # noqa: E402

AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
# wrk picks a path per request from this list (a Lua script), each with campaign tags.
LUA = """
local paths = {}
for i = 1, 500 do paths[i] = "/%s.html?utm_source=s" .. (i %% 7) .. "&utm_campaign=c" .. i .. "&id=" .. i end
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, paths[(n %% 500) + 1])
end
"""


def gateway_config(work, name, port, origin_port, enabled):
    data = os.path.join(work, name)
    os.makedirs(data)
    conf = os.path.join(data, "consentry.toml")
    with open(conf, "w") as f:
        f.write(f"""[server]
listen = "127.0.0.1:{port}"
data_dir = "{data}"
worker_threads = 1

[analytics]
enabled = {"true" if enabled else "false"}

[[site]]
name = "bench"
hosts = ["*"]
upstream = "http://127.0.0.1:{origin_port}"
""")
    return conf


def run_wrk(port, page, seconds, connections, work):
    script = os.path.join(work, f"{page}.lua")
    with open(script, "w") as f:
        f.write(LUA % page)
    cmd = ["taskset", "-c", "0", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", script,
           "-H", f"User-Agent: {AGENT}", "-H", f"Cookie: {TRACKER_COOKIES}", "-H", "Accept-Language: nl",
           f"http://127.0.0.1:{port}/"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(next(l for l in out.splitlines() if l.startswith("Requests/sec:")).split()[1])
    total = int(next(l for l in out.splitlines() if "requests in" in l).split()[0])
    bad = [l.strip() for l in out.splitlines() if "Non-2xx" in l or "Socket errors" in l]
    if bad:
        raise SystemExit(f"wrk saw failures on {page}: {bad}")
    return rps, total, bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--pages", default="small,marketing")
    args = ap.parse_args()
    ensure_tools()
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "consentry-gateway", "--bin", "consentry"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "consentry")
    work = tempfile.mkdtemp(prefix="consentry-analytics-bench-")
    os.chmod(work, 0o755)  # nginx's workers read the pages as an unprivileged user
    pages = os.path.join(work, "pages")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "pages", "generate.py"), pages], check=True, stdout=subprocess.DEVNULL)
    origin_port = free_port()
    origin_conf = nginx_conf(work, "origin", f"""server {{
    listen 127.0.0.1:{origin_port} reuseport;
    root {pages};
    location / {{ add_header Set-Cookie "_ga=GA1.1.1.1; Max-Age=63072000; Path=/"; }}
  }}""")
    text = open(origin_conf).read().replace("{origin_port}", str(origin_port))
    open(origin_conf, "w").write(text)
    procs = []
    try:
        procs.append(start(["nginx", "-c", origin_conf, "-p", work], 0))
        wait_port(origin_port)
        gateways = {}
        for name, enabled in (("analytics on", True), ("analytics off", False)):
            port = free_port()
            conf = gateway_config(work, name.replace(" ", "-"), port, origin_port, enabled)
            p = start([binary, "run", "--config", conf], 1, env={**os.environ, "RUST_LOG": "error"})
            procs.append(p)
            wait_port(port)
            gateways[name] = (port, p.pid)
        results = {}
        for page in args.pages.split(","):
            for _ in range(args.reps):
                for name, (port, pid) in gateways.items():
                    cpu0 = cpu_seconds(pid)
                    rps, total, bad = run_wrk(port, page, args.seconds, args.connections, work)
                    cpu = (cpu_seconds(pid) - cpu0) / max(total, 1) * 1e6
                    results.setdefault((page, name), []).append((rps, cpu, bad))
        import time
        print(f"\n{time.strftime('%Y-%m-%d')}: bench/analytics.py --seconds {args.seconds} --reps {args.reps} "
              f"--connections {args.connections}, medians (min-max)\n")
        print("| page | gateway | req/s | CPU µs/req | errors |")
        print("| --- | --- | --- | --- | --- |")
        for (page, name), rs in results.items():
            rps = [r[0] for r in rs]
            cpu = [r[1] for r in rs]
            bad = sorted({b for r in rs for b in r[2]})
            print(f"| {page} | {name} | {statistics.median(rps):.0f} ({min(rps):.0f}-{max(rps):.0f}) | "
                  f"{statistics.median(cpu):.0f} ({min(cpu):.0f}-{max(cpu):.0f}) | {'; '.join(bad) or 'none'} |")
        print()
        for page in args.pages.split(","):
            on, off = results[(page, "analytics on")], results[(page, "analytics off")]
            ratio = statistics.median(a[0] / b[0] for a, b in zip(on, off))
            cpu = statistics.median(a[1] - b[1] for a, b in zip(on, off))
            print(f"- {page}: throughput with analytics on / off {ratio:.3f}x; CPU added per request {cpu:.1f} µs")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
