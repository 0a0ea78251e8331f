/**
 * The dependency step's plan, without running it: a configured install (through sh), else
 * uv sync when uv.lock exists and uv is on PATH, else PYTHONPATH on the tree. Running it:
 * test/e2e/bench-cli.test.ts.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { planInstall } from "../../scripts/lib/install.ts";
import { cleanupTempDirs, tempDir } from "../helpers.ts";

afterAll(cleanupTempDirs);

describe("the dependency step", () => {
  test("plan: configured install (via sh), else uv sync with uv.lock and uv on PATH, else PYTHONPATH", () => {
    const tree = tempDir("coldstart-plan-");
    const noUv = () => null;
    const uv = (name: string) => (name === "uv" ? "/opt/bin/uv" : null);
    expect(planInstall(tree, "pip install -e . && echo ok", uv)).toEqual({ kind: "config", argv: ["/bin/sh", "-c", "pip install -e . && echo ok"], description: "pip install -e . && echo ok" });
    expect(planInstall(tree, null, uv).kind).toBe("none");
    writeFileSync(join(tree, "uv.lock"), "version = 1\n");
    expect(planInstall(tree, null, uv)).toEqual({ kind: "uv", argv: ["/opt/bin/uv", "sync"], description: "uv sync" });
    expect(planInstall(tree, null, noUv)).toMatchObject({ kind: "none", argv: null });
    expect(planInstall(tree, null, noUv).description).toContain("uv is not on PATH");
  });
});
