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

describe("a signal while the run ends", () => {
  // The race the fault test met at random: the signal's handler is still killing and cleaning
  // up (asynchronously) when main returns 0. The run must end with the signal's code, after
  // the cleanup, not with main's 0 before it.
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    test(`${signal} just before main returns 0: exit ${code}, the cleanup done`, async () => {
      const dir = tempDir();
      const marker = join(dir, "cleaned");
      const script = join(dir, "ends.ts");
      await Bun.write(script, [
        `import { runMain } from ${JSON.stringify(join(ROOT, "scripts", "lib", "errors.ts"))};`,
        `import { inFlightWhile, installSignalHandlers, onExit } from ${JSON.stringify(join(ROOT, "scripts", "lib", "process.ts"))};`,
        `installSignalHandlers();`,
        `void inFlightWhile(Bun.sleep(600)); // work the handler lets settle before it exits`,
        `onExit(() => require("node:fs").writeFileSync(${JSON.stringify(marker)}, "yes"));`,
        `void runMain("ends", async () => {`,
        `  process.kill(process.pid, ${JSON.stringify(signal)});`,
        `  await Bun.sleep(100); // the handler has run and waits for the work in flight`,
        `  return 0;`,
        `});`,
      ].join("\n"));
      const proc = Bun.spawn(["bun", script], { cwd: dir, stdout: "pipe", stderr: "pipe" });
      expect({ code: await proc.exited, signal: proc.signalCode }).toEqual({ code, signal: null });
      expect(await Bun.file(marker).text()).toBe("yes");
    });
  }
});
