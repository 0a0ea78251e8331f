import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../scripts/build.ts";

const dir = mkdtempSync(join(tmpdir(), "coldstart-build-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("builds ./coldstart-compare, which runs standalone on result files", async () => {
  expect(await build(["coldstart-compare"], dir)).toBe(0);
  const binary = join(dir, "coldstart-compare");
  const fixtures = join(import.meta.dir, "fixtures", "results");
  const result = Bun.spawnSync([binary, "seed_baseline.json", "seed_optimized.json"], {
    cwd: fixtures,
    env: { PATH: "/nonexistent" },
  });
  expect(result.exitCode).toBe(0);
  expect(result.stdout.toString()).toContain("runpod_total                  285.64ms     273.29ms ↓  12.35ms   4.32%");
  const version = Bun.spawnSync([binary, "--version"], { env: { PATH: "/nonexistent" } });
  expect(version.stdout.toString()).toStartWith("coldstart-compare ");
  const bad = Bun.spawnSync([binary, "seed_baseline.json", "nope.json"], { cwd: fixtures, env: { PATH: "/nonexistent" } });
  expect(bad.exitCode).toBe(2);
}, 120_000);
