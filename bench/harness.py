#!/usr/bin/env python3
"""Side-by-side load benchmark: the origin directly, nginx as a plain reverse proxy, nginx with
sub_filter (banner injected, Set-Cookie hidden), and the Consentry gateway, on the generated
page set, on loopback, alternating targets within each repetition.

Pinning: the system under test (a proxy) runs alone on CPU 1 with one worker (nginx
`worker_processes 1`, Consentry `--threads 1`); wrk and the origin share CPU 0.

Pages: the three that bench/pages/generate.py writes (small, marketing, listing) and two saved
pages kept in bench/pages (small-2k, marketing-61k: a 2 KB thank-you page and a 61 KB marketing
page with more inline tracker snippets; see bench/pages/README.md).

Usage: bench/harness.py [--seconds 10] [--reps 5] [--connections 64]
                        [--pages small,marketing,listing,small-2k,marketing-61k]
                        [--codings identity,gzip,br] [--compare path/to/another/consentry]
                        [--gateway path/to/consentry]
Prints a Markdown table: requests/s, p50/p99 latency, CPU time per request and peak RSS of
the proxy, medians over the repetitions with the spread (min-max), and the ratios
gateway/nginx-sub_filter and gateway/direct. Installs nginx, wrk and brotli from Debian when
missing. Traffic stays on 127.0.0.1.
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Pages kept as they are in bench/pages, beside the generated ones.
SAVED_PAGES = ("small-2k.html", "marketing-61k.html")
TRACKER_COOKIES = "session=abc123; XSRF-TOKEN=tok; _ga=GA1.1.123.456; _gid=GA1.1.789.456; _fbp=fb.1.456.789"
BANNER = '<div id="consent-banner"><p>We use cookies.</p><button>Accept all</button><button>Reject all</button></div>'


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_tools():
    missing = [p for p, b in (("nginx", "nginx"), ("wrk", "wrk"), ("brotli", "brotli")) if not shutil.which(b)]
    if missing:
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True)
        subprocess.run(sudo + ["apt-get", "install", "-y", "-qq"] + missing, check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def wait_port(port, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def nginx_conf(work, name, server_block):
    conf = os.path.join(work, f"{name}.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes 1;
daemon off;
pid {work}/{name}.pid;
error_log {work}/{name}.error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  default_type application/octet-stream;
  types {{ text/html html; }}
  tcp_nodelay on;
  keepalive_requests 1000000;
  upstream origin {{ server 127.0.0.1:{{origin_port}}; keepalive 256; }}
  {server_block}
}}
""")
    return conf


def start(cmd, cpu, **kw):
    return subprocess.Popen(["taskset", "-c", str(cpu)] + cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, **kw)


def nginx_worker_pid(master):
    out = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout.split()
    return int(out[0]) if out else master.pid


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def wrk(url, seconds, connections, headers):
    # wrk counts a response slower than its timeout (2 s by default) as a socket error; at 256
    # connections on 1 MB pages the median is near a second, so only a stall of 10 s counts.
    cmd = ["taskset", "-c", "0", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", out)

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    if errors:
        # A run that answered errors (a 403 from the origin, resets) measures nothing useful.
        raise SystemExit(f"wrk saw failures on {url}: {errors.group(0)}")
    return {"rps": rps, "p50": pct(50), "p99": pct(99), "requests": total, "errors": ""}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--pages", default="small,marketing,listing,small-2k,marketing-61k")
    ap.add_argument("--codings", default="identity", help="identity,gzip,br: how the origin sends pages")
    ap.add_argument("--compare", metavar="BIN", help="another build of consentry, measured as a fifth target")
    ap.add_argument("--gateway", metavar="BIN", help="the build of consentry to measure (default: this checkout's, built in release)")
    args = ap.parse_args()
    ensure_tools()
    binary = args.gateway or os.path.join(ROOT, "target", "release", "consentry")
    if not args.gateway:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "consentry-gateway", "--bin", "consentry"], cwd=ROOT, check=True)

    work = tempfile.mkdtemp(prefix="consentry-bench-")
    os.chmod(work, 0o755)  # nginx's workers read the pages as an unprivileged user
    pages = os.path.join(work, "pages")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "pages", "generate.py"), pages], check=True, stdout=subprocess.DEVNULL)
    for name in SAVED_PAGES:
        shutil.copy(os.path.join(ROOT, "bench", "pages", name), pages)
    for name in os.listdir(pages):
        path = os.path.join(pages, name)
        subprocess.run(["gzip", "-k", "-6", path], check=True)
        subprocess.run(["brotli", "-k", "-q", "5", path], check=True)

    origin_port, plain_port, sub_port = free_port(), free_port(), free_port()
    cookies = "".join(f'add_header Set-Cookie "{c}; Path=/";' for c in TRACKER_COOKIES.split("; "))
    origin_conf = nginx_conf(work, "origin", f"""server {{
    listen 127.0.0.1:{origin_port} reuseport;
    root {pages};
    location / {{ {cookies} }}
    location /gzip/ {{ alias {pages}/; gzip_static always; gunzip off; {cookies} add_header Vary Accept-Encoding; }}
    location /br/ {{ alias {pages}/; default_type text/html; {cookies} rewrite ^/br/(.*)$ /br-files/$1.br last; }}
    location /br-files/ {{ internal; alias {pages}/; types {{ }} default_type text/html; add_header Content-Encoding br; {cookies} }}
  }}""")
    plain_conf = nginx_conf(work, "plain", f"""server {{
    listen 127.0.0.1:{plain_port};
    location / {{ proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }}
  }}""")
    sub_conf = nginx_conf(work, "subfilter", f"""server {{
    listen 127.0.0.1:{sub_port};
    location / {{
      proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_set_header Accept-Encoding ""; proxy_hide_header Set-Cookie;
      sub_filter '</body>' '{BANNER}</body>'; sub_filter_once on;
    }}
  }}""")
    for conf in (origin_conf, plain_conf, sub_conf):
        text = open(conf).read().replace("{origin_port}", str(origin_port))
        open(conf, "w").write(text)

    procs = []
    try:
        procs.append(start(["nginx", "-c", origin_conf, "-p", work], 0))
        wait_port(origin_port)
        targets = {}
        for name, conf, port in (("nginx", plain_conf, plain_port), ("nginx sub_filter", sub_conf, sub_port)):
            p = start(["nginx", "-c", conf, "-p", work], 1)
            procs.append(p)
            wait_port(port)
            time.sleep(0.2)
            targets[name] = (port, nginx_worker_pid(p))
        gw_port = free_port()
        gw = start([binary, "proxy", "--to", f"http://127.0.0.1:{origin_port}", "--port", str(gw_port),
                    "--bind", "127.0.0.1", "--threads", "1", "--data-dir", os.path.join(work, "data")], 1,
                   env={**os.environ, "RUST_LOG": "error"})
        procs.append(gw)
        wait_port(gw_port)
        targets["consentry"] = (gw_port, gw.pid)
        if args.compare:
            other_port = free_port()
            other = start([args.compare, "proxy", "--to", f"http://127.0.0.1:{origin_port}", "--port", str(other_port),
                           "--bind", "127.0.0.1", "--threads", "1", "--data-dir", os.path.join(work, "data-compare")], 1,
                          env={**os.environ, "RUST_LOG": "error"})
            procs.append(other)
            wait_port(other_port)
            targets["consentry --compare"] = (other_port, other.pid)
        targets["direct"] = (origin_port, None)

        headers = [f"Cookie: {TRACKER_COOKIES}", "Accept-Language: en"]
        results = {}
        for coding in args.codings.split(","):
            prefix = {"identity": "", "gzip": "/gzip", "br": "/br"}[coding]
            hdrs = headers + ([f"Accept-Encoding: {coding}"] if coding != "identity" else [])
            for page in args.pages.split(","):
                for rep in range(args.reps):
                    for target, (port, pid) in targets.items():
                        if coding != "identity" and target.startswith("nginx"):
                            continue
                        url = f"http://127.0.0.1:{port}{prefix}/{page}.html"
                        cpu0 = cpu_seconds(pid) if pid else 0
                        r = wrk(url, args.seconds, args.connections, hdrs)
                        r["cpu_us"] = (cpu_seconds(pid) - cpu0) / max(r["requests"], 1) * 1e6 if pid else 0
                        r["rss"] = peak_rss_mb(pid) if pid else 0
                        one = wrk(url, max(2, args.seconds // 2), 1, hdrs)
                        r["p50_1conn"] = one["p50"]
                        results.setdefault((coding, page, target), []).append(r)
        print(f"\n{time.strftime('%Y-%m-%d')}: bench/harness.py --seconds {args.seconds} --reps {args.reps} "
              f"--connections {args.connections} --pages {args.pages}"
              + (f" --compare {args.compare}" if args.compare else "")
              + ", medians (min-max) over repetitions\n")
        print("| coding | page | target | req/s | p50 ms | p99 ms | p50 ms, 1 conn | CPU µs/req | peak RSS MB |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for (coding, page, target), rs in results.items():
            def med(k, fmt="{:.0f}"):
                vals = [r[k] for r in rs]
                return f"{fmt.format(statistics.median(vals))} ({fmt.format(min(vals))}-{fmt.format(max(vals))})"
            print(f"| {coding} | {page} | {target} | {med('rps')} | {med('p50', '{:.2f}')} | {med('p99', '{:.2f}')} | "
                  f"{med('p50_1conn', '{:.3f}')} | {med('cpu_us', '{:.0f}')} | {med('rss', '{:.1f}')} |")
        print("\nRatios (median of per-repetition ratios):\n")
        for page in args.pages.split(","):
            sub, direct = (results.get(("identity", page, t)) for t in ("nginx sub_filter", "direct"))
            for name in ("consentry", "consentry --compare"):
                gw = results.get(("identity", page, name))
                if not (gw and sub and direct):
                    continue
                ratio_sub = statistics.median(g["rps"] / s["rps"] for g, s in zip(gw, sub))
                ratio_direct = statistics.median(g["rps"] / d["rps"] for g, d in zip(gw, direct))
                added = statistics.median(g["p50_1conn"] - d["p50_1conn"] for g, d in zip(gw, direct))
                cpu_ratio = statistics.median(g["cpu_us"] / s["cpu_us"] for g, s in zip(gw, sub) if s["cpu_us"])
                label = page if name == "consentry" else f"{page}, --compare"
                print(f"- {label}: gateway/nginx-sub_filter throughput {ratio_sub:.2f}x, gateway/direct {ratio_direct:.2f}x, "
                      f"added p50 latency at 1 connection {added:.3f} ms, CPU per request {cpu_ratio:.2f}x nginx sub_filter")
            gw = results.get(("identity", page, "consentry"))
            other = results.get(("identity", page, "consentry --compare"))
            if gw and other:
                ratio = statistics.median(o["rps"] / g["rps"] for o, g in zip(other, gw))
                cpu = statistics.median(o["cpu_us"] / g["cpu_us"] for o, g in zip(other, gw))
                print(f"- {page}: --compare/consentry throughput {ratio:.2f}x, CPU per request {cpu:.2f}x")
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
