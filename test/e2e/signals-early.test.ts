/**
 * Ctrl-C early in a run: the terminal sends SIGINT to the whole process group, so git or
 * the interpreter probe a start-up step is waiting for dies with it. At 50, 200 and 500 ms
 * after start (and later, while the first worktree is made) the run stops with 130 — by
 * its handler or by the default action before one is installed — nothing it started is
 * left running, and the repository is as it was.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { groupAlive } from "../../scripts/lib/process.ts";
import { cleanupTempDirs, gitRepo, ROOT, sh, tempDir } from "../helpers.ts";

setDefaultTimeout(120_000);
afterAll(cleanupTempDirs);

const repo = gitRepo({ "pyproject.toml": '[project]\nname = "sigpkg"\n', "sigpkg/__init__.py": "import json\n" });
for (let i = 1; i <= 6; i += 1) {
  Bun.write(join(repo, "sigpkg", `m${i}.py`), `VALUE = ${i}\n`);
  sh(repo, ["git", "add", "-A"]);
  sh(repo, ["git", "commit", "-qm", `commit ${i}`]);
}
sh(repo, ["git", "stash", "list"]);
const state = () => ["status --porcelain --untracked-files=all", "worktree list --porcelain", "stash list", "branch --list", "rev-parse HEAD"]
  .map((args) => sh(repo, ["git", ...args.split(" ")]).stdout);
const before = state();

describe("SIGINT to the process group early in a bisect", () => {
  for (const ms of [50, 200, 500, 1000, 1500]) {
    test(`at ${ms} ms: exit 130, nothing left running, the repository unchanged`, async () => {
      const proc = Bun.spawn(["bun", join(ROOT, "scripts", "benchmark_cold_start.ts"), "--bisect", "main~6", "main", "--metric", "time", "--out", join(tempDir(), "out")], {
        cwd: repo, env: { ...process.env, TMPDIR: tempDir(), CI: "true" }, stdout: "pipe", stderr: "pipe", detached: true,
      });
      await Bun.sleep(ms);
      process.kill(-proc.pid, "SIGINT");
      const code = await proc.exited;
      const stderr = await new Response(proc.stderr).text();
      // Killed by the signal before a handler exists, or exiting 130 through it: a shell sees 130 either way.
      expect({ code, signal: proc.signalCode, internal: stderr.includes("internal error") }).toEqual({ code: 130, signal: proc.signalCode, internal: false });
      expect(stderr).not.toContain("error:");
      const deadline = performance.now() + 10_000;
      while (groupAlive(proc.pid) && performance.now() < deadline) await Bun.sleep(50);
      expect(groupAlive(proc.pid)).toBe(false);
      expect(state()).toEqual(before);
    });
  }
});
