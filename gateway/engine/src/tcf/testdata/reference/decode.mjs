// Decodes every TC string of ../tc-strings.tsv with the IAB's reference library and writes,
// for each one it accepts (TCF v1 strings left out), every field as ../reference-decoded.jsonl
// holds them. Vendor ids are written as runs: "1-4,7". Run it with the npm package
// @iabtechlabtcf/core 1.5.21 installed beside it:
//   npm install @iabtechlabtcf/core@1.5.21 && node decode.mjs > ../reference-decoded.jsonl
import {TCString} from '@iabtechlabtcf/core';
import fs from 'fs';

const runText = (c) => {
  const out = [];
  for (let i = 0; i < c.length; i++) {
    let j = i;
    while (j + 1 < c.length && c[j + 1] === c[j] + 1) j++;
    out.push(i === j ? String(c[i]) : c[i] + '-' + c[j]);
    i = j;
  }
  return out.join(',');
};
const vec = (v) => {
  const out = [];
  v.forEach((val, id) => { if (val) out.push(id); });
  return runText(out);
};

const file = new URL('../tc-strings.tsv', import.meta.url);
const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
for (const line of lines) {
  const [, source, s] = line.split('\t');
  try {
    const m = TCString.decode(s);
    if (m.version !== 2) continue;
    const restr = {};
    for (const pr of m.publisherRestrictions.getRestrictions()) {
      restr[pr.purposeId + ':' + pr.restrictionType] = runText(m.publisherRestrictions.getVendors(pr));
    }
    console.log(JSON.stringify({
      tcString: s, version: m.version, created: m.created.getTime(), lastUpdated: m.lastUpdated.getTime(),
      cmpId: m.cmpId, cmpVersion: m.cmpVersion, consentScreen: m.consentScreen, consentLanguage: m.consentLanguage,
      vendorListVersion: m.vendorListVersion_, policyVersion: m.policyVersion_, isServiceSpecific: m.isServiceSpecific,
      useNonStandardTexts: m.useNonStandardTexts, sf: vec(m.specialFeatureOptins), pc: vec(m.purposeConsents),
      pli: vec(m.purposeLegitimateInterests), p1t: m.purposeOneTreatment, pcc: m.publisherCountryCode,
      vc: vec(m.vendorConsents), vli: vec(m.vendorLegitimateInterests), restr, disclosed: vec(m.vendorsDisclosed),
      allowed: vec(m.vendorsAllowed), pubc: vec(m.publisherConsents), publi: vec(m.publisherLegitimateInterests),
      ncp: m.numCustomPurposes, pcc2: vec(m.publisherCustomConsents), pcli: vec(m.publisherCustomLegitimateInterests),
    }));
  } catch (e) {
    console.error(`${source} ${s.slice(0, 30)}: ${e.message || e}`);
  }
}
