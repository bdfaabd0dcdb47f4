// Saved real pages (tests/corpus/): each served by a local origin and visited in headless
// Chromium straight and through one `consentry proxy`, with no consent given. Through the
// gateway no page may contact a tracker host (WhoTracks.me's classification, not the engine's),
// and no first-party script may fail that did not fail straight.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { before, describe, it } from "node:test";
import { report, runCorpus } from "../../corpus/run.mjs";
import { artifact } from "../support.mjs";

describe("corpus of saved real pages", () => {
  let result;
  before(async () => {
    result = await runCorpus({ concurrency: 3 });
    writeFileSync(artifact("corpus.json"), JSON.stringify(result, null, 2));
    writeFileSync(artifact("corpus.txt"), report(result) + "\n");
  });

  it("the harness sees the trackers: straight, most pages contact tracker hosts", () => {
    const { pages, pagesWithTrackersStraight } = result.totals;
    assert.ok(pages >= 30, `${pages} pages`);
    assert.ok(pagesWithTrackersStraight >= 30, `only ${pagesWithTrackersStraight} of ${pages} pages contacted trackers straight`);
    assert.deepEqual(
      result.pages.filter((p) => p.straight.loadError || p.gateway.loadError).map((p) => p.id),
      [],
      "pages that did not load",
    );
  });

  it("no tracker request before consent, on any page, through the gateway", () => {
    const leaks = result.pages
      .filter((p) => p.gateway.trackerHosts.length)
      .map((p) => `${p.id}: ${p.gateway.trackerHosts.map((h) => `${h.host} (${h.type} by ${h.cause.by} in ${h.cause.in}: ${(h.mention || "").slice(0, 120)})`).join(", ")}`);
    assert.deepEqual(leaks, [], `tracker hosts contacted through the gateway (details: tests/artifacts/corpus.txt)`);
  });

  it("no first-party script error through the gateway that did not happen straight", () => {
    const broken = result.pages
      .filter((p) => p.newErrors.length)
      .map((p) => `${p.id}: ${p.newErrors.map((e) => e.key).join(" | ")}`);
    assert.deepEqual(broken, [], `errors only through the gateway (details: tests/artifacts/corpus.txt)`);
  });
});
