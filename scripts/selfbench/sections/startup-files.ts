/**
 * The result files section 5 times the comparer on: a pair of the shape of a real
 * application's, runpod-python's (875 KB and 622 KB; about 1,300 modules loaded, of which
 * 308 differ between the two sides, across many top-level packages; three measurements,
 * each with its `-X importtime` rows, importers and hotspots). runpod cannot be installed
 * here, so its shape is generated: `rsapp`, a first-party package of about 110 modules, over
 * 39 third-party packages (under a `site-packages` folder, so they read as third-party) of
 * 2 to 110 modules each that import one another and a realistic share of the standard
 * library; two smaller entry points are measured beside it. The candidate imports three of
 * the app's direct dependencies (a cloud SDK, an SSH library, an interactive prompt) in
 * functions, so it no longer loads them, what only they import, nor the standard library
 * only they use; its worker also defers its web framework. Both trees are measured by
 * measureTrees in one run, so the files are real result files: what the comparer reads.
 */
import { join } from "node:path";
import { writeFile } from "../../lib/write.ts";
import { benchConfig, type Bench } from "../common.ts";
import { measureTrees } from "../../lib/measure/trees.ts";
import type { ResultFile } from "../../lib/result/schema.ts";
import { VERSION } from "../../lib/settings.ts";
import { writeTree } from "../fixtures.ts";

export const APP = "rsapp";

/** A third-party package: its size in modules, the packages it imports, the standard library it imports. */
interface Dependency {
  name: string;
  modules: number;
  deps: string[];
  stdlib: string[];
  /** Imported by the app itself. */
  direct?: boolean;
  /** The app imports it in a function in the candidate (loaded by the baseline only). */
  deferred?: boolean;
}

const DEPENDENCIES: Dependency[] = [
  // What the candidate defers: a cloud SDK, an SSH library, an interactive prompt and what only they import.
  { name: "cloudsdk", modules: 50, deps: ["cloudcore", "transferlib"], stdlib: ["concurrent.futures", "xml.etree.ElementTree"], direct: true, deferred: true },
  { name: "cloudcore", modules: 86, deps: ["dateparse", "jmespathx", "urllibx"], stdlib: ["xml.dom.minidom", "http.client", "email.utils", "tarfile"] },
  { name: "transferlib", modules: 14, deps: ["cloudcore"], stdlib: ["multiprocessing", "queue"] },
  { name: "jmespathx", modules: 9, deps: [], stdlib: ["ast"] },
  { name: "dateparse", modules: 10, deps: ["sixx"], stdlib: ["datetime", "calendar"] },
  { name: "sixx", modules: 2, deps: [], stdlib: ["types"] },
  { name: "sshkit", modules: 36, deps: ["cryptolib", "naclx", "bcryptx"], stdlib: ["socket", "getpass"], direct: true, deferred: true },
  { name: "bcryptx", modules: 4, deps: ["cryptolib"], stdlib: [] },
  { name: "naclx", modules: 10, deps: ["cffix"], stdlib: [] },
  { name: "inquire", modules: 12, deps: ["promptkit"], stdlib: ["curses"], direct: true, deferred: true },
  { name: "promptkit", modules: 24, deps: ["wcwidthx"], stdlib: ["unittest.mock", "sqlite3"] },
  { name: "wcwidthx", modules: 4, deps: [], stdlib: [] },
  // What both load.
  { name: "aionet", modules: 110, deps: ["multidictx", "yarlx", "frozenlistx", "attrsx", "charsetx", "asyncsig"], stdlib: ["asyncio", "http.cookies", "zlib", "ssl"], direct: true },
  { name: "multidictx", modules: 8, deps: [], stdlib: ["abc"] },
  { name: "yarlx", modules: 10, deps: ["idnax", "multidictx"], stdlib: ["ipaddress", "urllib.parse"] },
  { name: "frozenlistx", modules: 5, deps: [], stdlib: [] },
  { name: "asyncsig", modules: 6, deps: ["frozenlistx"], stdlib: [] },
  { name: "attrsx", modules: 30, deps: [], stdlib: ["dataclasses", "inspect"] },
  { name: "charsetx", modules: 16, deps: [], stdlib: ["codecs"] },
  { name: "idnax", modules: 8, deps: [], stdlib: ["unicodedata"] },
  { name: "webframe", modules: 55, deps: ["asgistack", "modelkit", "anyiox"], stdlib: ["json", "email.message"], direct: true },
  { name: "asgistack", modules: 45, deps: ["anyiox"], stdlib: ["http", "mimetypes"] },
  { name: "modelkit", modules: 80, deps: ["typingx", "annotatedx"], stdlib: ["decimal", "uuid", "enum", "datetime"] },
  { name: "annotatedx", modules: 6, deps: [], stdlib: [] },
  { name: "typingx", modules: 4, deps: [], stdlib: ["typing"] },
  { name: "anyiox", modules: 40, deps: ["sniffx"], stdlib: ["asyncio", "threading"] },
  { name: "sniffx", modules: 5, deps: [], stdlib: ["contextvars"] },
  { name: "cryptolib", modules: 50, deps: ["cffix"], stdlib: ["hashlib", "hmac", "secrets", "base64"], direct: true },
  { name: "cffix", modules: 14, deps: [], stdlib: ["ctypes"] },
  { name: "httpclient", modules: 22, deps: ["urllibx", "charsetx", "idnax", "certs"], stdlib: ["http.client", "urllib.request"], direct: true },
  { name: "urllibx", modules: 40, deps: [], stdlib: ["ssl", "socket", "email.parser", "logging"] },
  { name: "certs", modules: 3, deps: [], stdlib: ["importlib.resources"] },
  { name: "progressbar", modules: 20, deps: [], stdlib: ["logging", "weakref"], direct: true },
  { name: "clickx", modules: 16, deps: [], stdlib: ["os", "shutil"], direct: true },
  { name: "yamlx", modules: 17, deps: [], stdlib: ["re"], direct: true },
  { name: "tomlx", modules: 6, deps: [], stdlib: ["string"], direct: true },
  { name: "backoffx", modules: 8, deps: [], stdlib: ["functools", "random"], direct: true },
  { name: "coloramax", modules: 8, deps: [], stdlib: ["atexit"], direct: true },
  { name: "metadatax", modules: 10, deps: [], stdlib: ["importlib.metadata", "zipfile", "csv"], direct: true },
];

/** Folder names a package's modules are spread over (real packages nest). */
const FOLDERS = ["", "_internal", "client", "models", "utils", "transport", "handlers", "compat"];
const NAMES = ["base", "config", "errors", "session", "request", "response", "parser", "loader", "registry", "types", "helpers", "streams", "auth", "retry", "cache", "serializers", "signals", "hooks"];

/** The module names of a package of `count` modules (its `__init__` first), spread over subfolders. */
function moduleNames(pkg: string, count: number): string[] {
  const folders = FOLDERS.slice(0, Math.max(1, Math.min(FOLDERS.length, Math.ceil(count / 14))));
  const names = [pkg];
  for (const folder of folders.slice(1)) names.push(`${pkg}.${folder}`);
  for (let i = 0; names.length < count; i += 1) {
    const folder = folders[i % folders.length]!;
    const base = `${NAMES[i % NAMES.length]}${i >= NAMES.length ? `_${Math.floor(i / NAMES.length)}` : ""}`;
    names.push(folder ? `${pkg}.${folder}.${base}` : `${pkg}.${base}`);
  }
  return names.slice(0, count);
}

/**
 * The files of a package: each module imports the one listed before it in its folder (so
 * import chains are several links deep), a module in every few imports a dependency or the
 * standard library, and some run top-level calls the hotspots record (a compiled pattern, a
 * class body).
 */
function packageFiles(root: string, dep: Pick<Dependency, "name" | "modules" | "deps" | "stdlib">, lazy: readonly string[]): Record<string, string> {
  const names = moduleNames(dep.name, dep.modules);
  const files: Record<string, string> = {};
  const children = new Map<string, string[]>();
  for (const name of names.slice(1)) {
    const parent = name.slice(0, name.lastIndexOf("."));
    children.set(parent, [...(children.get(parent) ?? []), name]);
  }
  const imports = [...dep.deps.filter((d) => !lazy.includes(d)), ...dep.stdlib];
  names.forEach((name, index) => {
    const isPackage = name === dep.name || FOLDERS.includes(name.slice(name.lastIndexOf(".") + 1));
    const path = `${root}${name.replace(/\./g, "/")}${isPackage ? "/__init__.py" : ".py"}`;
    const lines = [`"""${name}: generated for the coldstart bench."""`];
    if (index % 5 === 1 || (index === 0 && imports.length)) {
      for (const item of index === 0 ? imports : [imports[index % Math.max(1, imports.length)]].filter(Boolean)) lines.push(`import ${item}`);
    }
    if (index === 0) for (const d of dep.deps.filter((d) => lazy.includes(d))) lines.push(`def _load_${d}():\n    import ${d}\n    return ${d}`);
    for (const child of children.get(name) ?? []) lines.push(`from . import ${child.slice(child.lastIndexOf(".") + 1)}`);
    if (index % 7 === 3) lines.push(`import re\nPATTERN_${index} = re.compile(r"^(?P<key>[a-z_]+)=(?P<value>.{0,${index % 40 + 1}})$")`);
    lines.push(`\nclass Thing${index}:\n    """A class with a few methods."""\n\n    limit = ${index}\n\n    def scaled(self, factor):\n        return self.limit * factor\n`);
    files[path] = `${lines.join("\n")}\n`;
  });
  return files;
}

/**
 * The first-party code: `rsapp` imports every direct dependency (the candidate defers some
 * into functions); the two other measured entry points import a share each, so the three
 * measurements' importers and importtime rows add up as runpod's files do.
 */
const ENTRY_POINTS: (Pick<Dependency, "name" | "modules" | "deps" | "stdlib"> & { defers?: string[] })[] = [
  { name: APP, modules: 110, deps: DEPENDENCIES.filter((dep) => dep.direct).map((dep) => dep.name), stdlib: ["json", "logging", "argparse", "subprocess", "platform", "traceback"] },
  // The candidate's worker also defers its web framework.
  { name: `${APP}_serverless`, modules: 30, deps: ["aionet", "webframe", "backoffx", "progressbar", "yamlx"], stdlib: ["json", "logging", "signal"], defers: ["webframe"] },
  { name: `${APP}_endpoint`, modules: 20, deps: ["httpclient", "cryptolib", "cloudsdk", "backoffx"], stdlib: ["json", "logging"] },
];

function appFiles(deferred: readonly string[]): Record<string, string> {
  const candidate = deferred.length > 0;
  const files: Record<string, string> = { "pyproject.toml": `[project]\nname = "${APP}"\n` };
  // The vendored dependencies live under site-packages (so they read as third-party), on the path before any is imported.
  files["_rsvendor.py"] = `import os, sys\nsys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendor", "site-packages"))\n`;
  for (const entry of ENTRY_POINTS) {
    const own = packageFiles("", entry, candidate && entry.defers ? [...deferred, ...entry.defers] : deferred);
    own[`${entry.name}/__init__.py`] = `import _rsvendor\n${own[`${entry.name}/__init__.py`]}`;
    Object.assign(files, own);
  }
  return files;
}

/** The tree of one side: the app and its vendored dependencies; `deferred` packages are imported in functions only. */
export function realShapeTree(dir: string, deferred: readonly string[]): string {
  const files = appFiles(deferred);
  for (const dep of DEPENDENCIES) {
    for (const [path, text] of Object.entries(packageFiles("vendor/site-packages/", dep, deferred))) files[path] = text;
  }
  return writeTree(dir, files);
}

/** runpod-python's pair, as the issue measured it: the shape the generated pair must match. */
export const RUNPOD_SHAPE = { bytes: [875_000, 622_000], modules: 1_300, modulesDiffering: 308 } as const;

/** What makes the pair real-shaped, measured on the files themselves. */
export interface PairShape {
  bytes: [number, number];
  modules: [number, number];
  /** Modules loaded on one side only, and the top-level names they fall under. */
  modulesDiffering: number;
  packagesDiffering: number;
  measurements: number;
  importers: [number, number];
  importtimeRows: [number, number];
  hotspots: [number, number];
}

export function pairShape(results: readonly [ResultFile, ResultFile], bytes: [number, number]): PairShape {
  const loaded = results.map((result) => new Set(result.modules?.loaded ?? []));
  const differing = [...loaded[0]!].filter((m) => !loaded[1]!.has(m)).concat([...loaded[1]!].filter((m) => !loaded[0]!.has(m)));
  const sum = (values: Record<string, unknown[] | Record<string, unknown>> | undefined) =>
    Object.values(values ?? {}).reduce((total, item) => total + (Array.isArray(item) ? item.length : Object.keys(item).length), 0);
  const pair = <T>(of: (result: ResultFile) => T): [T, T] => [of(results[0]!), of(results[1]!)];
  return {
    bytes,
    modules: pair((result) => result.modules?.loaded.length ?? 0),
    modulesDiffering: differing.length,
    packagesDiffering: new Set(differing.map((m) => m.split(".")[0])).size,
    measurements: Object.keys(results[0]!.measurements).length,
    importers: pair((result) => sum(result.importers)),
    importtimeRows: pair((result) => sum(result.importtime)),
    hotspots: pair((result) => sum(result.hotspots)),
  };
}

/** Measures the two trees in one bench run (paired, as `coldstart-bench main feature` writes them) and saves the files. */
export async function realShapeFiles(bench: Bench): Promise<{ files: [string, string]; shape: PairShape }> {
  const deferred = DEPENDENCIES.filter((dep) => dep.deferred).map((dep) => dep.name);
  const base = realShapeTree(join(bench.work, "rsapp-main"), []);
  const cand = realShapeTree(join(bench.work, "rsapp-lazy"), deferred);
  const config = benchConfig(base, APP, {
    python: [bench.python.executable], iterations: 15, max_iterations: 15, warmup: 1, importtime_runs: 1,
    imports: [
      { name: `${APP}_total`, statement: `import ${APP}` },
      { name: `${APP}_serverless`, statement: `import ${APP}_serverless` },
      { name: `${APP}_endpoint`, statement: `import ${APP}_endpoint` },
    ],
    lazy: [{ key: "sshkit_eagerly_loaded", label: "SSH kit", module: "sshkit", after: `import ${APP}`, measure_if_loaded: false }],
  });
  const results = await measureTrees(
    [{ label: "main", dir: base, git: { ref: "main", commit: null, dirty: false } }, { label: "lazy-deps", dir: cand, git: { ref: "lazy-deps", commit: null, dirty: false } }],
    { config, toolVersion: VERSION, runId: crypto.randomUUID() },
  );
  const texts = results.map((result) => `${JSON.stringify(result, null, 2)}\n`); // as saveResult writes them
  const files = texts.map((text, index) => {
    const path = join(bench.work, `real-shape-${index === 0 ? "main" : "lazy-deps"}.json`);
    writeFile(path, text);
    return path;
  }) as [string, string];
  const bytes = texts.map((text) => Buffer.byteLength(text)) as [number, number];
  return { files, shape: pairShape(results as [ResultFile, ResultFile], bytes) };
}
