// The Rust Worker beside the JavaScript peer, in one workerd: CPU per request, measured from
// the runtime's process. Run it with bench/edge/bench.sh (which pins this process to one CPU;
// the runtime gets the other).
//
// One origin (in this process) serves the pages with a session cookie and tracker cookies; each
// Worker is asked for every page by sequential requests on one keep-alive connection, as a
// visitor who has not decided (tracker cookies sent, no consent cookie). The figure is the
// workerd process's CPU time (utime + stime of /proc/PID/stat, all its threads) over a sample of
// requests to one Worker, divided by their number; a sample runs until it holds
// --min-cpu-ms of CPU. Workers alternate within each repetition; medians over repetitions.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { Log, LogLevel, Miniflare } from "miniflare";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const require = createRequire(import.meta.url);

const usage = `usage: bench/edge/bench.sh [--reps N] [--pages a,b] [--rust DIR] [--before DIR] [--compare NAME=DIR]...
                          [--min-cpu-ms MS] [--runtime-cpu C] [--dump DIR]
                          [--profile FILE [--profile-worker W] [--profile-page P]]

  --reps N         repetitions (default 5); the table shows medians
  --pages LIST     of small, marketing, listing (bench/pages/generate.py), small-2k and
                   marketing-61k (saved pages); default all five
  --rust DIR       the Rust Worker's build (default wasm/build)
  --before DIR     another build of the Rust Worker, measured as a third Worker ("before")
  --compare N=DIR  more builds of the Rust Worker, each measured as a Worker named N
  --min-cpu-ms MS  CPU time a sample must hold (default 500: 50 clock ticks)
  --runtime-cpu C  the CPU workerd is pinned to (default 1; bench.sh pins this process to 0)
  --dump DIR       write each Worker's answer for each page there, then measure
  --profile FILE   instead of measuring, profile one Worker (default rust) through the
                   runtime's inspector over requests for one page (default the first of --pages) and write
                   a .cpuprofile (summarise it with profile-summary.mjs); build the Worker with
                   CONSENTRY_WASM_NAMES=1 wasm/build.sh for function names`;

function parseArgs(argv) {
  const o = {
    reps: 5,
    pages: ["small", "marketing", "listing", "small-2k", "marketing-61k"],
    rust: path.join(root, "wasm", "build"),
    before: null,
    compare: [],
    minCpuMs: 500,
    runtimeCpu: "1",
    dump: null,
    profile: null,
    profileWorker: "rust",
    profilePage: null,
    profileRequests: 30,
  };
  for (let i = 0; i < argv.length; i++) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (name === "--help" || name === "-h") {
      console.log(usage);
      process.exit(0);
    }
    if (value === undefined) fail(`${name} needs a value\n${usage}`);
    i++;
    if (name === "--reps") o.reps = Number(value);
    else if (name === "--pages") o.pages = value.split(",");
    else if (name === "--rust") o.rust = path.resolve(value);
    else if (name === "--before") o.before = path.resolve(value);
    else if (name === "--compare") o.compare.push([value.split("=")[0], path.resolve(value.split("=").slice(1).join("="))]);
    else if (name === "--min-cpu-ms") o.minCpuMs = Number(value);
    else if (name === "--runtime-cpu") o.runtimeCpu = value;
    else if (name === "--dump") o.dump = path.resolve(value);
    else if (name === "--profile") o.profile = path.resolve(value);
    else if (name === "--profile-worker") o.profileWorker = value;
    else if (name === "--profile-page") o.profilePage = value;
    else if (name === "--profile-requests") o.profileRequests = Number(value);
    else fail(`unexpected argument \`${name}\`\n${usage}`);
  }
  return o;
}

function fail(message) {
  process.stderr.write(`bench/edge: ${message}\n`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
opts.profilePage ??= opts.pages[0];
const work = fs.mkdtempSync(path.join(os.tmpdir(), "consentry-edge-"));

// --- The pages ---
const generated = path.join(work, "pages");
const gen = spawnSync("python3", [path.join(root, "bench", "pages", "generate.py"), generated], { stdio: "inherit" });
if (gen.status !== 0) fail("bench/pages/generate.py failed");
const saved = (name) =>
  [path.join(root, "bench", "pages", name), path.join(root, "..", "shared", "bench-pages", name)].find((f) => fs.existsSync(f));
const pages = new Map();
for (const name of opts.pages) {
  const file = fs.existsSync(path.join(generated, `${name}.html`)) ? path.join(generated, `${name}.html`) : saved(`${name}.html`);
  if (!file) fail(`no page ${name}`);
  pages.set(name, fs.readFileSync(file));
}

// --- The origin: what bench/harness.py's nginx origin sends, a session and tracker cookies ---
const ORIGIN_COOKIES = ["session=abc123", "XSRF-TOKEN=tok", "_ga=GA1.1.123.456", "_gid=GA1.1.789.456", "_fbp=fb.1.456.789"];
const origin = http.createServer((req, res) => {
  const name = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/^\//, "").replace(/\.html$/, "");
  const page = pages.get(name);
  if (!page) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  res.writeHead(200, {
    "content-type": "text/html; charset=utf-8",
    "content-length": page.length,
    "cache-control": "no-store",
    "set-cookie": ORIGIN_COOKIES.map((c) => `${c}; Path=/`),
  });
  res.end(page);
});
origin.keepAliveTimeout = 600_000;
await new Promise((resolve) => origin.listen(0, "127.0.0.1", resolve));
const originUrl = `http://127.0.0.1:${origin.address().port}`;

// --- The runtime, with both Workers (three with --before) ---
class StderrLog extends Log {
  log(message) {
    process.stderr.write(`${message}\n`);
  }
}
process.env.EDGE_BENCH_WORKERD = require("workerd").default;
process.env.EDGE_BENCH_CPU = opts.runtimeCpu;
process.env.MINIFLARE_WORKERD_PATH = path.join(here, "workerd-pinned.sh");

const direct = [{ host: "127.0.0.1", port: 0 }];
const compatibilityDate = "2025-09-01";
function rustWorker(name, build) {
  if (!fs.existsSync(path.join(build, "index.js"))) fail(`no Worker build in ${build}: run wasm/build.sh`);
  return {
    name,
    modules: true,
    scriptPath: path.join(build, "index.js"),
    modulesRoot: build,
    modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate,
    bindings: {
      CONSENTRY_ORIGIN: originUrl,
      CONSENTRY_SECRET: randomBytes(32).toString("hex"),
      CONSENTRY_LOG: "warn",
    },
    d1Databases: { DB: `consentry-${name}` },
    unsafeDirectSockets: direct,
  };
}
const workers = [rustWorker("rust", opts.rust)];
if (opts.before) workers.push(rustWorker("before", opts.before));
for (const [name, dir] of opts.compare) workers.push(rustWorker(name, dir));
const rulesFile = path.join(here, "rules.mjs");
if (!fs.existsSync(rulesFile)) fail("no bench/edge/rules.mjs: run node bench/edge/gen-rules.mjs");
workers.push({
  name: "js",
  modules: true,
  scriptPath: path.join(here, "peer.mjs"),
  modulesRoot: here,
  compatibilityDate,
  bindings: { ORIGIN: originUrl },
  unsafeDirectSockets: direct,
});
const inspectorPort = opts.profile ? 9300 + (process.pid % 500) : undefined;
for (const w of workers) if (opts.profile && w.name === opts.profileWorker) w.unsafeInspectorProxy = true;

const mf = new Miniflare({
  workers,
  host: "127.0.0.1",
  port: 0,
  d1Persist: path.join(work, "d1"),
  cf: { httpProtocol: "HTTP/1.1" },
  inspectorPort,
  log: new StderrLog(LogLevel.WARN),
  handleRuntimeStdio(stdout, stderr) {
    stdout.pipe(process.stderr);
    stderr.pipe(process.stderr);
  },
});
let stopped = false;
async function stop() {
  if (stopped) return;
  stopped = true;
  await mf.dispose().catch(() => {});
  origin.close();
  origin.closeAllConnections?.();
  fs.rmSync(work, { recursive: true, force: true });
}
process.on("SIGINT", () => stop().then(() => process.exit(130)));
process.on("SIGTERM", () => stop().then(() => process.exit(143)));

await mf.ready;
const urls = {};
for (const w of workers) urls[w.name] = (await mf.unsafeGetDirectURL(w.name)).href;
const names = workers.map((w) => w.name);

const runtimePid = (() => {
  const ps = spawnSync("ps", ["-o", "pid=,comm=", "--ppid", String(process.pid)], { encoding: "utf8" }).stdout;
  const line = ps.split("\n").find((l) => /\bworkerd$/.test(l.trim()));
  if (!line) fail(`workerd not found among this process's children:\n${ps}`);
  return Number(line.trim().split(/\s+/)[0]);
})();
const affinity = spawnSync("taskset", ["-pc", String(runtimePid)], { encoding: "utf8" }).stdout.trim();
const ticksPerSecond = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim());

/// utime + stime of the runtime process (all its threads), in clock ticks.
function runtimeTicks() {
  const stat = fs.readFileSync(`/proc/${runtimePid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

// --- The visitor: one keep-alive connection per Worker, one request at a time ---
const agents = Object.fromEntries(names.map((n) => [n, new http.Agent({ keepAlive: true, maxSockets: 1 })]));
const visitorHeaders = {
  "accept": "text/html",
  "accept-language": "en",
  "accept-encoding": "identity",
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) consentry-edge-bench",
  "cookie": ORIGIN_COOKIES.join("; "),
};
function get(worker, page, keep = false) {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(`/${page}.html`, urls[worker]), { agent: agents[worker], headers: visitorHeaders }, (res) => {
      const chunks = [];
      let bytes = 0;
      res.on("data", (c) => {
        bytes += c.length;
        if (keep) chunks.push(c);
      });
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, bytes, body: keep ? Buffer.concat(chunks) : null }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

// --- What each Worker did to each page (a check that both do the job) ---
function count(text, re) {
  return (text.match(re) || []).length;
}
console.error(`runtime: workerd pid ${runtimePid} (${affinity}); harness and origin: pid ${process.pid} (${spawnSync("taskset", ["-pc", String(process.pid)], { encoding: "utf8" }).stdout.trim()})`);
console.error(`answers as a visitor without consent: bytes, scripts made inert, frames held, images held, Set-Cookie kept`);
if (opts.dump) fs.mkdirSync(opts.dump, { recursive: true });
for (const page of pages.keys()) {
  for (const w of names) {
    const r = await get(w, page, true);
    if (r.status !== 200) fail(`${w} answered ${r.status} for ${page}: ${r.body.toString().slice(0, 400)}`);
    const text = r.body.toString("utf8");
    const setCookies = (r.headers["set-cookie"] || []).map((c) => c.split("=")[0]).join(",");
    console.error(
      `  ${page.padEnd(14)} ${w.padEnd(7)} ${String(r.bytes).padStart(8)} B  scripts ${count(text, /type="text\/plain"/g)}  ` +
        `frames ${count(text, /<iframe[^>]*data-consentry-src/g)}  images ${count(text, /<img[^>]*data-consentry-src/g)}  set-cookie ${setCookies}`,
    );
    if (opts.dump) fs.writeFileSync(path.join(opts.dump, `${page}.${w}.html`), r.body);
  }
}

// --- Warm-up: the isolates compile their code and build what they keep ---
for (const page of pages.keys()) {
  const n = pages.get(page).length > 500_000 ? 5 : 30;
  for (const w of names) for (let i = 0; i < n; i++) await get(w, page);
}

if (opts.profile) {
  await profile();
  await stop();
  process.exit(0);
}

/// A CPU profile of one Worker through the runtime's inspector (the DevTools protocol).
async function profile() {
  const { default: WebSocket } = await import("ws");
  const ws = new WebSocket(`ws://127.0.0.1:${inspectorPort}/${opts.profileWorker}`);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let id = 0;
  const pending = new Map();
  ws.on("message", (data) => {
    const msg = JSON.parse(data);
    if (msg.id && pending.has(msg.id)) {
      pending.get(msg.id)(msg);
      pending.delete(msg.id);
    }
  });
  const call = (method, params = {}) =>
    new Promise((resolve) => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 100 });
  const before = runtimeTicks();
  await call("Profiler.start");
  for (let i = 0; i < opts.profileRequests; i++) await get(opts.profileWorker, opts.profilePage);
  const { result, error } = await call("Profiler.stop");
  if (error) fail(`Profiler.stop: ${JSON.stringify(error)}`);
  const cpu = ((runtimeTicks() - before) * 1000) / ticksPerSecond / opts.profileRequests;
  fs.writeFileSync(opts.profile, JSON.stringify(result.profile));
  console.error(`profile of ${opts.profileRequests} requests for ${opts.profilePage} to ${opts.profileWorker} (${cpu.toFixed(2)} ms of CPU each, profiler on) -> ${opts.profile}`);
  ws.close();
}

async function sample(worker, page) {
  const minTicks = Math.ceil((opts.minCpuMs / 1000) * ticksPerSecond);
  const before = runtimeTicks();
  const start = process.hrtime.bigint();
  let n = 0;
  let ticks = 0;
  do {
    const r = await get(worker, page);
    if (r.status !== 200) fail(`${worker} answered ${r.status} for ${page}`);
    n++;
    ticks = runtimeTicks() - before;
  } while (ticks < minTicks || n < 5);
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  return { cpu: (ticks * 1000) / ticksPerSecond / n, wall: wall / n, n };
}

const results = {}; // page -> worker -> [samples]
for (let rep = 0; rep < opts.reps; rep++) {
  for (const page of pages.keys()) {
    const order = rep % 2 === 0 ? names : [...names].reverse();
    for (const w of order) {
      const s = await sample(w, page);
      ((results[page] ??= {})[w] ??= []).push(s);
    }
  }
  process.stderr.write(`repetition ${rep + 1} of ${opts.reps} done\n`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => (x >= 10 ? x.toFixed(1) : x.toFixed(2));
const kb = (n) => (n >= 1e6 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`);
const rustCols = names.filter((n) => n !== "js");
const cols = [...rustCols, "js"];
const label = (c) => ({ rust: "Rust", before: "Rust before", js: "JS" })[c] ?? c;
console.log(`\nCPU per request (ms, workerd process, median of ${opts.reps}; range in brackets), ratio to JS (median of per-repetition ratios), wall ms per request\n`);
console.log(`| page | ${cols.map((c) => `${label(c)} CPU`).join(" | ")} | ${rustCols.map((c) => `${label(c)}/JS`).join(" | ")} | ${cols.map((c) => `${label(c)} wall`).join(" | ")} |`);
console.log(`| --- |${" ---: |".repeat(cols.length * 2 + rustCols.length)}`);
for (const [page, byWorker] of Object.entries(results)) {
  const cpu = (w) => byWorker[w].map((s) => s.cpu);
  const cell = (w) => `${ms(median(cpu(w)))} (${ms(Math.min(...cpu(w)))}–${ms(Math.max(...cpu(w)))})`;
  const ratio = (w) => `${median(byWorker[w].map((s, i) => s.cpu / byWorker.js[i].cpu)).toFixed(2)}×`;
  console.log(
    `| ${page} (${kb(pages.get(page).length)}) | ${cols.map(cell).join(" | ")} | ${rustCols.map(ratio).join(" | ")} | ` +
      `${cols.map((w) => ms(median(byWorker[w].map((s) => s.wall)))).join(" | ")} |`,
  );
}
console.log(`\nrequests per sample (${cols.join("/")}): ${Object.entries(results).map(([p, b]) => `${p} ${cols.map((w) => median(b[w].map((s) => s.n))).join("/")}`).join(", ")}`);
await stop();
process.exit(0);
