// Draws vendor sets and whole models at random (with a fixed seed) and encodes them with the
// IAB's reference encoder, so that the Rust encoder can be checked against it. Run it with
// the npm package @iabtechlabtcf/core 1.5.21 installed beside it:
//   node encode.mjs vectors > ../reference-vendor-vectors.tsv
//   node encode.mjs models > ../reference-models.jsonl
// A vendor set is written as runs ("1-4,7"), then the bit length and the bits in base64url.
import {TCModel, SegmentEncoder, Segment, VendorVectorEncoder, Vector, Base64Url} from '@iabtechlabtcf/core';
const runText = (c) => { const out = []; for (let i = 0; i < c.length; i++) { let j = i; while (j + 1 < c.length && c[j + 1] === c[j] + 1) j++; out.push(i === j ? String(c[i]) : c[i] + '-' + c[j]); i = j; } return out.join(','); };
let seed = 20260301;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const ids = (max, density) => { const out = []; for (let i = 1; i <= max; i++) if (rnd() < density) out.push(i); return out; };
const runs = (max) => { const out = []; let i = int(1, 20); while (i <= max) { const len = int(1, 40); for (let j = i; j < i + len && j <= max; j++) out.push(j); i += len + int(1, 200); } return out; };
const pick = () => { const k = int(0, 5); const max = [10, 45, 46, 47, 300, 1500][k];
  const d = rnd(); return d < 0.3 ? runs(max) : ids(max, [0.02, 0.1, 0.5, 0.95][int(0, 3)]); };
const mode = process.argv[2];
if (mode === 'vectors') {
  const cases = [];
  const full = (n) => Array.from({length: n}, (_, i) => i + 1);
  cases.push([], [1], full(10), full(45), full(46), full(47), full(48).filter((x) => x !== 24));
  cases.push([1, 100], [46], [2, 46], [1, 2, 3, 47], [700, 701, 702, 703], [60, 62, 64, 66]);
  for (let n = 0; n < 200; n++) cases.push(pick());
  for (const c of cases) { const v = new Vector(); if (c.length) v.set(c); const bits = VendorVectorEncoder.encode(v); console.log(runText(c) + '\t' + bits.length + '\t' + Base64Url.encode(bits)); }
} else {
  for (let n = 0; n < 50; n++) {
    const m = new TCModel();
    m.cmpId = int(2, 4095); m.cmpVersion = int(0, 4095); m.consentScreen = int(0, 63);
    const L = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    m.consentLanguage = L[int(0, 25)] + L[int(0, 25)]; m.publisherCountryCode = L[int(0, 25)] + L[int(0, 25)];
    m.vendorListVersion = int(0, 4095); m.policyVersion = int(0, 63);
    m.isServiceSpecific = rnd() < 0.8; m.useNonStandardTexts = rnd() < 0.3; m.purposeOneTreatment = rnd() < 0.3;
    const day = int(15000, 21000) * 86400000 + (rnd() < 0.3 ? int(0, 86399999) : 0);
    m.created = new Date(day); m.lastUpdated = new Date(day + (rnd() < 0.3 ? int(0, 86400000 * 400) : 0));
    const f = (max) => ids(max, rnd());
    const sf = f(12), pc = f(24), pli = f(24), vc = pick(), vli = pick(), dv = pick();
    if (sf.length) m.specialFeatureOptins.set(sf); if (pc.length) m.purposeConsents.set(pc); if (pli.length) m.purposeLegitimateInterests.set(pli);
    if (vc.length) m.vendorConsents.set(vc); if (vli.length) m.vendorLegitimateInterests.set(vli); if (dv.length) m.vendorsDisclosed.set(dv);
    const pub = rnd() < 0.5; const ncp = int(0, 63); const pubc = f(24), publi = f(24), cc = ids(ncp, rnd()), cli = ids(ncp, rnd());
    if (pub) { if (pubc.length) m.publisherConsents.set(pubc); if (publi.length) m.publisherLegitimateInterests.set(publi);
      m.numCustomPurposes = ncp; if (cc.length) m.publisherCustomConsents.set(cc); if (cli.length) m.publisherCustomLegitimateInterests.set(cli); }
    const segs = [SegmentEncoder.encode(m, Segment.CORE), SegmentEncoder.encode(m, Segment.VENDORS_DISCLOSED)];
    if (pub) segs.push(SegmentEncoder.encode(m, Segment.PUBLISHER_TC));
    console.log(JSON.stringify({created: Math.round(m.created.getTime() / 100), lastUpdated: Math.round(m.lastUpdated.getTime() / 100), cmpId: m.cmpId, cmpVersion: m.cmpVersion,
      consentScreen: m.consentScreen, consentLanguage: m.consentLanguage, vendorListVersion: m.vendorListVersion, policyVersion: m.policyVersion,
      isServiceSpecific: m.isServiceSpecific, useNonStandardTexts: m.useNonStandardTexts, specialFeatureOptins: sf, purposeConsents: pc,
      purposeLegitimateInterests: pli, purposeOneTreatment: m.purposeOneTreatment, publisherCountryCode: m.publisherCountryCode,
      vendorConsents: runText(vc), vendorLegitimateInterests: runText(vli), vendorsDisclosed: runText(dv),
      publisher: pub ? {consents: pubc, legitimateInterests: publi, numCustomPurposes: ncp, customConsents: cc, customLegitimateInterests: cli} : null,
      tcString: segs.join('.')}));
  }
}
