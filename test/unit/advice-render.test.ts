/**
 * The advice in words: a measured saving is set against the prediction only when the
 * benchmark found the patched tree faster (click 8.4.0's `errno` deferral: predicted
 * 0.18 ms, "measured" 1.21 ms of noise, p=0.32, once read "measured / predicted 6.60"),
 * and a reason ending in a parenthesis is still a sentence before the next one.
 */
import { describe, expect, test } from "bun:test";
import type { AdviceReport } from "../../scripts/lib/model/comparison.ts";
import { candidateText, patchLines } from "../../scripts/lib/render/advice.ts";
import type { Candidate } from "../../scripts/lib/result/schema.ts";

type Patch = NonNullable<AdviceReport["patch"]>;
const patch = (over: Partial<Patch>): Patch => ({
  path: "/out/advice/main-defer.patch", applied: 1, modules: 1, measuredModules: 1, packages: ["errno"],
  predictedMs: 0.18, predictedMb: 0.1, mbSource: "blocked-run", measuredMs: 1.21, measuredMb: 0, verdict: "faster", ...over,
});

describe("patchLines", () => {
  test("modules: predicted, and measured; fewer than predicted says why", () => {
    expect(patchLines(patch({}))[0]).toBe("Patch: /out/advice/main-defer.patch (1 candidate; predicted to stop 1 module: errno; measured: 1 fewer)");
    expect(patchLines(patch({ modules: 38, measuredModules: 28 }))[0]).toContain("predicted to stop 38 modules: errno; measured: 28 fewer (an import moved into a function that runs at import still loads its modules)");
  });

  test("faster: the ratio of measured to predicted", () => {
    expect(patchLines(patch({ verdict: "faster", measuredMs: 0.2 }))[1]).toContain("(measured / predicted 1.11)");
  });

  test.each(["no-change", "inconclusive", "slower"] as const)("%s: no ratio is made of noise, and the verdict is named", (verdict) => {
    const line = patchLines(patch({ verdict }))[1]!;
    expect(line).not.toContain("measured / predicted");
    expect(line).toContain(`not a significant change (${verdict})`);
  });
});

describe("candidateText", () => {
  test("a reason that ends in '(line N)' is ended before 'Not applied'", () => {
    const candidate = {
      file: "src/click/types.py", line: 10, code: "import uuid", modules: ["uuid"], packages: ["uuid"], predictedMs: 4.4, predictedMb: 0.2, mbSource: "blocked-run",
      movable: false, reason: "not movable: `uuid` is used in the base classes of UUIDParameterType (line 763)", applied: false, appliedReason: "not movable",
    } as unknown as Candidate;
    expect(candidateText(candidate, 1).how).toBe("NOT MOVABLE: `uuid` is used in the base classes of UUIDParameterType (line 763). Not applied: not movable.");
  });
});
