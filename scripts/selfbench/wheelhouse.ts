/**
 * An offline wheelhouse for environments, shared by `bun run bench` and the tests: wheels
 * written directly (a wheel is a zip of the package and its `.dist-info`), so no build
 * backend and no network are needed. `depx 1.0` imports json; `depx 2.0` imports asyncio,
 * email.mime.multipart and http.client — the dependency that got heavier between two tags.
 * With `PIP_NO_INDEX=1 PIP_FIND_LINKS=<wheelhouse>` pip installs from it alone.
 */
import { mkdirSync } from "node:fs";

const WRITE_WHEEL = String.raw`
import base64, hashlib, json, sys, zipfile
dest, name, version, files = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
info = "%s-%s.dist-info" % (name, version)
files[info + "/METADATA"] = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)
files[info + "/WHEEL"] = "Wheel-Version: 1.0\nGenerator: coldstart-fixture\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
record = []
for path, text in files.items():
    data = text.encode()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record.append("%s,sha256=%s,%d" % (path, digest, len(data)))
record.append(info + "/RECORD,,")
files[info + "/RECORD"] = "\n".join(record) + "\n"
path = "%s/%s-%s-py3-none-any.whl" % (dest, name, version)
with zipfile.ZipFile(path, "w") as z:
    for item, text in files.items():
        z.writestr(item, text)
print(path)
`;

/** Writes `<name>-<version>-py3-none-any.whl` into `dir` holding `files` (path -> text); returns its path. */
export function writeWheel(python: string, dir: string, name: string, version: string, files: Record<string, string>): string {
  mkdirSync(dir, { recursive: true });
  const proc = Bun.spawnSync([python, "-c", WRITE_WHEEL, dir, name, version, JSON.stringify(files)], { stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  if (proc.exitCode !== 0) throw new Error(`writing the wheel ${name} ${version} failed: ${proc.stderr.toString().trim()}`);
  return proc.stdout.toString().trim();
}

/** The two versions of `depx` a fixture package switches between. */
export const DEPX = {
  "1.0": "import json\n",
  "2.0": "import asyncio\nimport email.mime.multipart\nimport http.client\n",
} as const;

/** A wheelhouse in `dir` with depx 1.0 and 2.0; returns `dir`. */
export function depxWheelhouse(python: string, dir: string): string {
  for (const [version, code] of Object.entries(DEPX)) writeWheel(python, dir, "depx", version, { "depx/__init__.py": code });
  return dir;
}

/** The variables that make pip install from `wheelhouse` only, offline. */
export function offlinePip(wheelhouse: string): Record<string, string> {
  return { PIP_NO_INDEX: "1", PIP_FIND_LINKS: wheelhouse, PIP_DISABLE_PIP_VERSION_CHECK: "1" };
}

/** Files of a package `pkg` that imports depx and declares `depx==<version>`. */
export function depxPackage(version: string): Record<string, string> {
  return {
    "pyproject.toml": `[project]\nname = "pkg"\nversion = "0.1"\ndependencies = ["depx==${version}"]\n`,
    "pkg/__init__.py": "import depx\n",
    ".gitignore": "benchmark_results/\n",
  };
}
