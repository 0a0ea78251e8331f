/**
 * "Does the interpreter already satisfy what the tree declares?" (env/satisfied.ts), asked
 * of a real python3 whose path holds distributions made here (dist-info folders). The
 * subset written for interpreters without `packaging` must answer as `packaging` does on
 * every case below.
 */
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkSatisfied } from "../../scripts/lib/env/satisfied.ts";
import { cleanupTempDirs, tempDir } from "../helpers.ts";

setDefaultTimeout(60_000);
afterAll(cleanupTempDirs);

const python = Bun.which("python3");
const hasPackaging = python !== null && Bun.spawnSync([python, "-c", "import pip._vendor.packaging.requirements"]).exitCode === 0;
if (!hasPackaging) console.log("env-satisfied.test.ts: the comparison with packaging is skipped: python3 has no pip (apt-get install python3-pip)");

/** A folder of installed distributions, name -> version. */
function site(dists: Record<string, string>): string {
  const dir = tempDir("coldstart-site-");
  for (const [name, version] of Object.entries(dists)) {
    const info = join(dir, `${name.replace(/-/g, "_")}-${version}.dist-info`);
    mkdirSync(info, { recursive: true });
    writeFileSync(join(info, "METADATA"), `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`);
  }
  return dir;
}

const CASES: [string, boolean][] = [
  ["alpha", true], ["alpha==1.2.3", true], ["alpha==1.2.3.0", true], ["alpha==1.2", false], ["alpha==1.2.*", true], ["alpha==1.3.*", false],
  ["alpha!=1.2.*", false], ["alpha>=1.2", true], ["alpha>1.2.3", false], ["alpha<=1.2.3", true], ["alpha<2,>=1", true], ["alpha >= 1.3, < 2", false],
  ["alpha~=1.2", true], ["alpha~=1.2.4", false], ["alpha~=1.1.0", false], ["alpha===1.2.3", true], ["alpha===1.2.3.0", false],
  ["ALPHA[extra]>=1", true], ["alpha (>=1.0)", true],
  ["beta>=2.0rc1", true], ["beta>=2.0", false], ["beta<2.0", false], ["beta<2.1", true], ["beta==2.0rc1", true], ["beta>2.0b5", true], ["beta>2.0.dev1", true],
  ["gamma>1.0", false], ["gamma>1.0.post1", true], ["gamma>=1.0.post2", true], ["gamma==1.0", false], ["gamma<1.0.post3", true],
  ["delta<0.9", false], ["delta>=0.9.dev2", true], ["delta<0.9a1", true],
  ["eps-ilon==3", true], ["eps.ilon>=3.0", true],
  ["missing", false], ["missing==1; python_version < '3'", true], ["missing; sys_platform == 'nonesuch'", true],
  ["missing; python_version >= '3.8' and os_name == 'posix'", false], ["missing; (python_version < '3' or os_name == 'nt') and platform_system != 'X'", true],
  ["missing; '3.8' > python_version", true], ["missing; python_full_version >= '3.8.0'", false], ["missing; extra == 'fast'", true],
  ["missing; platform_machine in 'nonesuch-arch'", true], ["missing; implementation_name not in 'cpython pypy'", true],
  ["alpha @ https://example.invalid/alpha.whl", true],
];

test.skipIf(python === null)("installed, missing, outside the range, or only under a marker that is false; packaging and the subset agree", async () => {
  const dists = site({ alpha: "1.2.3", beta: "2.0rc1", gamma: "1.0.post2", delta: "0.9.dev3", "Eps.Ilon": "3.0" });
  const env = { ...process.env, PYTHONPATH: dists } as Record<string, string>;
  const lists = [CASES.map(([line]) => line)];
  const subset = await checkSatisfied(python!, lists, { ...env, COLDSTART_REQUIREMENTS_SUBSET: "1" });
  expect(subset.via).toBe("subset");
  const unsatisfied = new Set(subset.unsatisfied[0]!.map((item) => item.replace(/ \((not installed|installed: [^)]*)\)$/, "")));
  expect(CASES.filter(([line]) => unsatisfied.has(line) === true).map(([line]) => line)).toEqual(CASES.filter(([, ok]) => !ok).map(([line]) => line));
  expect(subset.unsatisfied[0]).toContain("alpha==1.2 (installed: 1.2.3)");
  expect(subset.unsatisfied[0]).toContain("missing (not installed)");
  if (hasPackaging) {
    const real = await checkSatisfied(python!, lists, env);
    expect(["packaging", "pip._vendor.packaging"]).toContain(real.via);
    expect(real.unsatisfied).toEqual(subset.unsatisfied);
  }
});

test.skipIf(python === null)("several lists in one run; per-line pip options are not part of the requirement", async () => {
  const env = { ...process.env, PYTHONPATH: site({ depx: "1.0" }) } as Record<string, string>;
  const answer = await checkSatisfied(python!, [["depx==1.0 --hash=sha256:abc"], ["depx==2.0"], []], env);
  expect(answer.unsatisfied).toEqual([[], ["depx==2.0 (installed: 1.0)"], []]);
});
