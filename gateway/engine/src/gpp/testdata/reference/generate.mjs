// Writes vectors.json: US sections, whole GPP strings and the product's own cases, each
// encoded by the IAB's reference library (@iabgpp/cmpapi), for the engine's tests to compare
// with. See ../SOURCES.md for how to run it. Deterministic: a fixed seed.
const lib = await import(process.env.IABGPP ?? "@iabgpp/cmpapi");

let seed = 0x6770_7032;
function random() {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (n) => Math.floor(random() * n);

const SECTIONS = {
  usnat: lib.UsNat, usca: lib.UsCa, usva: lib.UsVa, usco: lib.UsCo, usut: lib.UsUt,
  usct: lib.UsCt, usmt: lib.UsMt, usor: lib.UsOr, ustx: lib.UsTx, usde: lib.UsDe,
  usia: lib.UsIa, usne: lib.UsNe, usnh: lib.UsNh, usnj: lib.UsNj, ustn: lib.UsTn,
  usmn: lib.UsMn,
};
const SKIP = new Set(["Version", "GpcSegmentType", "Gpc", "GpcSegmentIncluded"]);

// Random values for every field of a section: 0..2, 1..2 for MspaCoveredTransaction.
function randomFields(name, version) {
  const defaults = new SECTIONS[name]().toObj();
  const fields = {};
  for (const [field, value] of Object.entries(defaults)) {
    if (SKIP.has(field)) continue;
    if (Array.isArray(value)) {
      let length = value.length;
      if (name === "usnat" && version === 1) {
        length = field === "SensitiveDataProcessing" ? 12 : 2;
      }
      fields[field] = Array.from({ length }, () => pick(3));
    } else {
      fields[field] = field === "MspaCoveredTransaction" ? 1 + pick(2) : pick(3);
    }
  }
  const gpc = "Gpc" in defaults ? [null, false, true][pick(3)] : null;
  return { fields, gpc };
}

function apply(set, name, version, { fields, gpc }) {
  if (version !== undefined) set("Version", version);
  for (const [field, value] of Object.entries(fields)) set(field, value);
  if ("Gpc" in new SECTIONS[name]().toObj()) {
    set("GpcSegmentIncluded", gpc !== null);
    if (gpc !== null) set("Gpc", gpc);
  }
}

const out = [];
for (const name of Object.keys(SECTIONS)) {
  const versions = name === "usnat" ? [1, 2] : [undefined];
  for (const version of versions) {
    for (let i = 0; i < 8; i++) {
      const values = randomFields(name, version);
      const section = new SECTIONS[name]();
      apply((f, v) => section.setFieldValue(f, v), name, version, values);
      out.push({ kind: "section", name, version: version ?? 1, ...values, text: section.encode() });
    }
  }
}

const names = Object.keys(SECTIONS);
for (let i = 0; i < 24; i++) {
  const model = new lib.GppModel();
  const chosen = [...new Set(Array.from({ length: 1 + pick(5) }, () => names[pick(names.length)]))];
  const sections = chosen.map((name) => {
    const version = name === "usnat" ? 2 : undefined;
    const values = randomFields(name, version);
    apply((f, v) => model.setFieldValue(name, f, v), name, version, values);
    return { name, version: version ?? 1, ...values };
  });
  out.push({ kind: "string", sections, text: model.encode() });
}

// What the product writes under the opt-out regime, for each approach and state.
const FIRST_NOTICE = { usva: "SharingNotice", usco: "SharingNotice", usut: "SharingNotice",
  usct: "SharingNotice", usmt: "SharingNotice" };
for (const name of names) {
  for (const optedOut of [false, true]) {
    for (const gpc of [false, true]) {
      const model = new lib.GppModel();
      const set = (f, v) => model.setFieldValue(name, f, v);
      const choice = optedOut ? 1 : 2;
      set("SaleOptOutNotice", 1);
      set("SaleOptOut", choice);
      if (name === "usnat" || name === "usca") {
        set("SharingOptOutNotice", 1);
        set("SharingOptOut", choice);
      }
      if (name === "usnat") set("SharingNotice", 1);
      if (name !== "usca") {
        set("TargetedAdvertisingOptOutNotice", 1);
        set("TargetedAdvertisingOptOut", choice);
      }
      if (name !== "usnat" && name !== "usca") set(FIRST_NOTICE[name] ?? "ProcessingNotice", 1);
      set("MspaCoveredTransaction", 2);
      if ("Gpc" in new SECTIONS[name]().toObj()) set("Gpc", gpc);
      out.push({ kind: "product", name, optedOut, gpc, text: model.encode() });
    }
  }
}

process.stdout.write("[\n" + out.map((v) => JSON.stringify(v)).join(",\n") + "\n]\n");
