// Times the engine's HTML pass in WebAssembly, driven directly from node (no runtime around
// it): bench/edge/rewrite.sh builds the module. For each page, the CPU time of one rewrite
// (median of --reps runs of --n rewrites) in 4 KB chunks, as the runtime hands a body over, and
// lol_html with no handlers over the same bytes.
//
//   node bench/edge/rewrite.mjs PKG_DIR [--pages small,marketing,listing] [--chunk 4096] [--reps 7]
// Under `node --cpu-prof` it gives the profile of the rewrite alone.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const pkg = path.resolve(args.shift());
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const pages = opt("--pages", "small,marketing,listing").split(",");
const chunk = Number(opt("--chunk", "4096"));
const reps = Number(opt("--reps", "7"));
const only = opt("--only", "");
const m = createRequire(import.meta.url)(path.join(pkg, "consentry_rewrite_wasm.js"));
const dir = opt("--dir", path.join(here, "..", "pages"));

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
function time(fn, page, n) {
  const runs = [];
  for (let r = 0; r < reps; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) fn(page, chunk);
    const used = process.cpuUsage(start);
    runs.push((used.user + used.system) / 1000 / n);
  }
  return median(runs);
}
for (const name of pages) {
  const page = fs.readFileSync(path.join(dir, `${name}.html`));
  const n = Math.max(3, Math.round(3e6 / page.length));
  // Warm-up: V8 compiles the module's hot functions again, optimised, after their first runs.
  for (let i = 0; i < n; i++) m.rewrite(page, chunk), m.plain(page, chunk);
  const rewrite = only === "plain" ? NaN : time(m.rewrite, page, n);
  const plain = only === "rewrite" ? NaN : time(m.plain, page, n);
  console.log(`${name.padEnd(14)} ${String(page.length).padStart(8)} B  rewrite ${rewrite.toFixed(3)} ms  lol_html alone ${plain.toFixed(3)} ms  (${n} per run, ${chunk} B chunks)`);
}
