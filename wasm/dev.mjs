// Serves the Worker built by wasm/build.sh in the real runtime (workerd, through miniflare for a
// local D1), in front of any origin, as `consentry proxy` does natively. See wasm/dev.sh.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { Log, LogLevel, Miniflare } from "miniflare";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const usage = `usage: wasm/dev.sh --port P (--origin URL | --config FILE) [--data-dir DIR] [--country CC [--region RR]] [--gvl FILE]

  --port P        port on 127.0.0.1 (0 for any free one; the first line printed names it)
  --origin URL    the origin, every setting at its default (as \`consentry proxy --to\`)
  --config FILE   a whole consentry.toml instead (as \`consentry run --config\`)
  --data-dir DIR  where the local D1 database and the signing key live (default consentry-data)
  --country CC    the visitor's country, as Cloudflare puts it in request.cf.country (default none)
  --region RR     their state or province, the ISO 3166-2 code's own part ("CA" for California),
                  as Cloudflare puts it in request.cf.regionCode (default none; needs --country)
  --gvl FILE      the IAB Global Vendor List (vendor-list.json) for sites with [site.tcf], as
                  the CONSENTRY_GVL binding (what tcf.vendor_list names natively); the
                  translations beside it (purposes-de.json, purposes-fr.json, purposes-nl.json),
                  where present, as CONSENTRY_GVL_DE, CONSENTRY_GVL_FR and CONSENTRY_GVL_NL

The signing key is CONSENTRY_SECRET from the environment, else DIR/secret.key (made on first
run). RUST_LOG sets what the Worker logs (default info); logs go to standard error.`;

function fail(message) {
  process.stderr.write(`wasm/dev.sh: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { dataDir: "consentry-data" };
  const names = { "--port": "port", "--origin": "origin", "--config": "config", "--data-dir": "dataDir", "--country": "country", "--gvl": "gvl", "--region": "region" };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--help" || argv[i] === "-h") {
      process.stdout.write(`${usage}\n`);
      process.exit(0);
    }
    const key = names[argv[i]];
    if (!key || i + 1 >= argv.length) fail(`unexpected argument \`${argv[i]}\`\n${usage}`);
    options[key] = argv[++i];
  }
  const port = Number(options.port);
  if (options.port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`--port: a port number is required (0 for any free one)\n${usage}`);
  }
  options.port = port;
  if (!options.origin === !options.config) fail(`give --origin or --config\n${usage}`);
  if (options.region && !options.country) fail(`--region: give the visitor's --country too\n${usage}`);
  return options;
}

/// The signing key as text: from the environment, or DIR/secret.key in the native format (the
/// hex of the key's bytes), created on first run so that `consentry log --data-dir DIR` reads
/// the same log with the same key.
function signingKey(dataDir) {
  if (process.env.CONSENTRY_SECRET) return process.env.CONSENTRY_SECRET;
  const file = path.join(dataDir, "secret.key");
  if (fs.existsSync(file)) {
    const key = Buffer.from(fs.readFileSync(file, "utf8").trim(), "hex");
    const text = key.toString("utf8");
    if (key.length < 32 || Buffer.from(text, "utf8").compare(key) !== 0) {
      fail(`${file} holds a key that is not text; give the Worker its own --data-dir or set CONSENTRY_SECRET`);
    }
    return text;
  }
  const text = randomBytes(32).toString("hex");
  fs.writeFileSync(file, Buffer.from(text, "utf8").toString("hex"), { mode: 0o600, flag: "wx" });
  return text;
}

/// Miniflare's own messages go to standard error: standard output carries only the address.
class StderrLog extends Log {
  log(message) {
    process.stderr.write(`${message}\n`);
  }
}

const options = parseArgs(process.argv.slice(2));
const build = path.join(here, "build");
if (!fs.existsSync(path.join(build, "index.js"))) fail("no Worker build: run wasm/build.sh first");
const dataDir = path.resolve(options.dataDir);
fs.mkdirSync(dataDir, { recursive: true });

const bindings = {
  CONSENTRY_SECRET: signingKey(dataDir),
  CONSENTRY_LOG: process.env.RUST_LOG || "info",
};
if (options.config) bindings.CONSENTRY_CONFIG = fs.readFileSync(options.config, "utf8");
else bindings.CONSENTRY_ORIGIN = options.origin;
if (options.gvl) {
  bindings.CONSENTRY_GVL = fs.readFileSync(options.gvl, "utf8");
  for (const lang of ["de", "fr", "nl"]) {
    const file = path.join(path.dirname(options.gvl), `purposes-${lang}.json`);
    if (fs.existsSync(file)) bindings[`CONSENTRY_GVL_${lang.toUpperCase()}`] = fs.readFileSync(file, "utf8");
  }
}

// workerd dies with this process, even on SIGKILL (see workerd.sh).
process.env.CONSENTRY_WORKERD = require("workerd").default;
process.env.MINIFLARE_WORKERD_PATH = path.join(here, "workerd.sh");

const cf = { httpProtocol: "HTTP/1.1" };
if (options.country) cf.country = options.country.toUpperCase();
if (options.region) cf.regionCode = options.region.toUpperCase();

const mf = new Miniflare({
  modules: true,
  scriptPath: path.join(build, "index.js"),
  modulesRoot: build,
  modulesRules: [{ type: "CompiledWasm", include: ["**/*.wasm"] }],
  compatibilityDate: "2025-09-01",
  bindings,
  d1Databases: { DB: "consentry" },
  d1Persist: path.join(dataDir, "d1"),
  host: "127.0.0.1",
  port: options.port,
  cf,
  log: new StderrLog(LogLevel.WARN),
  handleRuntimeStdio(stdout, stderr) {
    stdout.pipe(process.stderr);
    stderr.pipe(process.stderr);
  },
});

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await mf.dispose().catch(() => {});
  process.exit(0);
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

const url = await mf.ready;
// The first request prepares D1 (schema, learned cookies); it answers 404 without the origin.
await (await mf.dispatchFetch(new URL("/__consentry/ready", url))).arrayBuffer();
// Locally, D1 is an SQLite file: link it where the native gateway keeps its store, so that
// `consentry log ... --data-dir DIR` (and any SQLite tool) reads the Worker's consent log.
const d1Dir = path.join(dataDir, "d1", "miniflare-D1DatabaseObject");
const database = fs.existsSync(d1Dir)
  ? fs.readdirSync(d1Dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")
  : undefined;
if (database) {
  const link = path.join(dataDir, "consentry.sqlite3");
  fs.rmSync(link, { force: true });
  fs.symlinkSync(path.join(d1Dir, database), link);
} else {
  process.stderr.write("wasm/dev.sh: the local D1 database was not created; see the log above\n");
}
process.stdout.write(`Consentry listening on ${url.href}\n`);
process.stdout.write(`  Cloudflare Worker in workerd; D1 and signing key in ${dataDir}\n`);
