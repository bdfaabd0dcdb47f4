// Summarises a .cpuprofile (from bench.mjs --profile, or node --cpu-prof): the functions with
// the most self time, and with the most total time (self and callees, once per stack).
//
//   node bench/edge/profile-summary.mjs FILE [TOP]
import fs from "node:fs";

const [file, top = "40"] = process.argv.slice(2);
const profile = JSON.parse(fs.readFileSync(file, "utf8"));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n) => `${n.callFrame.functionName || "(anonymous)"}${n.callFrame.url ? ` ${n.callFrame.url.split("/").pop()}` : ""}`;

const self = new Map();
const total = new Map();
const counts = new Map();
for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
let all = 0;
for (const [id, count] of counts) {
  all += count;
  const leaf = nodes.get(id);
  self.set(name(leaf), (self.get(name(leaf)) ?? 0) + count);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const n = name(nodes.get(at));
    if (seen.has(n)) continue;
    seen.add(n);
    total.set(n, (total.get(n) ?? 0) + count);
  }
}
const show = (title, map) => {
  console.log(`\n${title} (${all} samples)`);
  for (const [n, c] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`${((100 * c) / all).toFixed(1).padStart(6)}%  ${n.slice(0, 150)}`);
  }
};
show("self", self);
show("total", total);
