/**
 * Long end-to-end runs started when the suite starts, so they run beside the files before
 * theirs. bun test runs files one after another (no bunfig key runs them in parallel), and
 * most files keep one of the two cores idle while a python3 child runs; the longest runs
 * are the instruction-counted ones, whose answer no load can change (counts, not time).
 * They run one at a time, each counting one run at a time (--jobs 1), niced, beside the
 * files: a lane that takes what the files leave of the two cores, not a crowd.
 *
 * test/preload.ts starts the lane (`startBackground`) when the run will reach the files
 * that need them: a whole `bun test`, or path filters that match those files. A test awaits
 * its run with `background(name)`, which starts it at once if the lane has not got to it
 * (a file run alone). A run's folders live under the suite's folder (suiteDir): no file's
 * cleanupTempDirs removes them while they are in use.
 */
import { detectCounter } from "../../scripts/lib/measure/counter.ts";
import { firstPathPython, git, gitRepo, repoSnapshot, runScript, suiteDir, writeTree, type Run } from "../helpers.ts";
import { type SlowedHistory, slowedHistory } from "./history-fixture.ts";
import { pathFilters, testArgs } from "./parallel.ts";

/** A finished run of a script, with the folders a test checks afterwards. */
export interface BackgroundRun {
  run: Run & { tmp: string };
  /** The repository it ran in, and its snapshot (helpers.ts repoSnapshot) before the run. */
  repo: string;
  snapshot: string;
  /** Its --out folder. */
  out: string;
  seconds: number;
}

/** A bisect on a generated history slowed at a random commit. */
export type BackgroundBisect = BackgroundRun & SlowedHistory;

const NICE = Bun.which("nice") ? ["nice", "-n", "10"] : [];

/** Runs a script in `repo` with a TMPDIR and --out folder of the suite's; --jobs 1: one core of two. */
async function inLane(script: string, repo: string, args: string[]): Promise<BackgroundRun> {
  const out = suiteDir("coldstart-bg-out-");
  const snapshot = repoSnapshot(repo);
  const started = performance.now();
  // Niced: the files in front come first, the lane takes what they leave of the two cores.
  const run = await runScript(script, [...args, "--jobs", "1", "--out", out], { cwd: repo, tmp: suiteDir("coldstart-bg-runtmp-"), prefix: NICE });
  return { run, repo, snapshot, out, seconds: (performance.now() - started) / 1000 };
}

const RUNS = {
  /** history-bisect.test.ts: 16 commits, one adds only work; the default bisect (instructions with a counter). */
  "bisect-work": {
    file: "test/e2e/history-bisect.test.ts",
    async start(): Promise<BackgroundBisect | null> {
      if (!(await detectCounter())) return null;
      const history = slowedHistory(suiteDir("coldstart-bisect-long-"), "work", 16);
      const done = await inLane("benchmark_cold_start.ts", history.dir, ["--bisect", `main~${history.count - 1}`, "main", "--importtime-runs", "0"]);
      return { ...done, ...history };
    },
  },
  /** instructions.test.ts: A/A of main, and a heavier branch, counted. */
  "instructions-aa": {
    file: "test/e2e/instructions.test.ts",
    async start(): Promise<BackgroundRun | null> {
      if (!(await detectCounter())) return null;
      // An import of some substance: the spread of a near-empty import's count (a few thousand
      // instructions of the interpreter's own variation) is a large share of almost nothing.
      const repo = gitRepo({ "pyproject.toml": '[project]\nname = "tiny"\n', "tiny/__init__.py": "import email.parser\n" }, {}, suiteDir("coldstart-repo-"));
      // `heavier` imports more modules: more instructions, whatever the machine is doing.
      writeTree(repo, { "tiny/__init__.py": "import email.parser, asyncio\n" });
      for (const args of [["checkout", "-qb", "heavier"], ["commit", "-qam", "heavier"], ["checkout", "-q", "main"]]) git(repo, ...args);
      return inLane("benchmark_cold_start.ts", repo, [
        "--metric", "instructions", "--iterations", "6", "--max-iterations", "6", "--warmup", "1", "--importtime-runs", "0", "main", "main", "heavier",
      ]);
    },
  },
  /** instructions-children.test.ts: an import that starts a Python subprocess, A/A, counted. */
  "instructions-children": {
    file: "test/e2e/instructions-children.test.ts",
    async start(): Promise<BackgroundRun | null> {
      if (!(await detectCounter())) return null;
      const repo = gitRepo({
        "pyproject.toml": '[project]\nname = "spawner"\n',
        // The child's own work varies from run to run (its start-up, a random number): it must not reach the verdict.
        // An import of some substance (tens of millions of instructions), as a real one is. The child writes to a file,
        // not a pipe: a parent reading its child's pipe wakes a number of times that depends on the child's timing, a
        // few thousand instructions each — its own work, really varying (0.011% of a 208 M import once in CI) — which
        // is not what this test is about: that the children's instructions stay out of the importing process's count.
        "spawner/__init__.py": "import subprocess, sys, json, asyncio, email.parser, http.client, decimal, xml.dom.minidom, argparse, logging, tempfile\nwith tempfile.TemporaryFile() as _out:\n    subprocess.run([sys.executable, '-c', 'import json, random; print(json.dumps(random.random()))'], stdout=_out, check=True)\n    _out.seek(0)\n    INFO = _out.read().decode()\n",
      }, {}, suiteDir("coldstart-repo-"));
      // Under python3 as PATH had it, not the suite's choice: Debian's 3.11.2 there counted one
      // importing process 35 K (0.015%) low in some runs while the machine was busy, pyenv's
      // 3.11.7 within 0.002% in every run (helpers.ts choosePython).
      return inLane("benchmark_cold_start.ts", repo, ["--aa", "main", "--metric", "instructions", "--warmup", "0", "--importtime-runs", "0", "--python", firstPathPython()]);
    },
  },
} as const;

type Name = keyof typeof RUNS;
type Result<N extends Name> = Awaited<ReturnType<(typeof RUNS)[N]["start"]>>;

/** The lane's order: roughly the order bun test reaches their files (a file reached first starts its run at once). */
const LANE: readonly Name[] = ["instructions-children", "bisect-work", "instructions-aa"];

const started = new Map<Name, Promise<unknown>>();

/** The run `name`: the lane's, or started now. Null when it needs a tool this machine lacks (its test is skipped). */
export function background<N extends Name>(name: N): Promise<Result<N>> {
  let promise = started.get(name) as Promise<Result<N>> | undefined;
  if (!promise) {
    promise = RUNS[name].start() as Promise<Result<N>>;
    // Awaited by its test; a failure before then must not be an unhandled rejection.
    promise.catch(() => {});
    started.set(name, promise);
  }
  return promise;
}

/** Starts the lane with the runs whose files this `bun test` will reach; the others start when asked for. */
export function startBackground(): void {
  const args = testArgs();
  if (args === null) return;
  const filters = pathFilters(args);
  const wanted = LANE.filter((name) => filters.length === 0 || filters.some((filter) => RUNS[name].file.includes(filter.replace(/^\.\//, ""))));
  void (async () => {
    for (const name of wanted) await background(name).catch(() => {});
  })();
}
