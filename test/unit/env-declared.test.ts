/**
 * What a tree declares (scripts/lib/env/declared.ts), read from files given in memory: no
 * process, no disk. pyproject, requirements*.txt (comments, continuations, -r / -c
 * includes, option lines, the tree itself), setup.cfg, setup.py.
 */
import { describe, expect, test } from "bun:test";
import {
  poetrySpecifier, readDeclarations, requirementLines, requirementName, setupCfgRequirements, setupPyRequirements, type TreeFiles, withoutLineOptions,
} from "../../scripts/lib/env/declared.ts";

/** A tree of `files` (path -> text) in memory. */
function tree(files: Record<string, string>): TreeFiles {
  return {
    read: (path) => files[path] ?? null,
    list: () => [...new Set(Object.keys(files).map((path) => path.split("/")[0]!))],
  };
}

describe("pyproject.toml", () => {
  test("[project].dependencies, markers kept; optional dependencies only for configured extras", () => {
    const files = tree({
      "pyproject.toml": `[project]\nname = "pkg"\ndependencies = ["httpcore>=0.15,<0.16", "rfc3986[idna2008] >= 1.3, < 2", "tomli; python_version < '3.11'"]\n[project.optional-dependencies]\nhttp2 = ["h2>=3,<5"]\ncli = ["click==8.*"]\n`,
    });
    expect(readDeclarations(files)).toEqual({
      requirements: ["httpcore>=0.15,<0.16", "rfc3986[idna2008] >= 1.3, < 2", "tomli; python_version < '3.11'"],
      constraints: [], options: [], sources: ["pyproject.toml"], uvLock: null, notes: [],
    });
    expect(readDeclarations(files, ["HTTP2"]).requirements).toEqual(["httpcore>=0.15,<0.16", "rfc3986[idna2008] >= 1.3, < 2", "tomli; python_version < '3.11'", "h2>=3,<5"]);
  });

  test("no dependencies key: nothing declared; dynamic dependencies from setuptools' file list", () => {
    expect(readDeclarations(tree({ "pyproject.toml": '[project]\nname = "pkg"\n' })).requirements).toEqual([]);
    const dynamic = tree({
      "pyproject.toml": '[project]\nname = "pkg"\ndynamic = ["dependencies"]\n[tool.setuptools.dynamic]\ndependencies = {file = ["deps.in"]}\n',
      "deps.in": "depx==1.0  # pinned\n",
    });
    expect(readDeclarations(dynamic)).toMatchObject({ requirements: ["depx==1.0"], sources: ["deps.in"] });
  });

  test("invalid TOML is a note, not a crash", () => {
    expect(readDeclarations(tree({ "pyproject.toml": "[project\n" })).notes).toEqual(["pyproject.toml is not valid TOML: its dependencies are not read"]);
  });

  test("uv.lock's text is kept (part of the key in uv mode)", () => {
    expect(readDeclarations(tree({ "uv.lock": "version = 1\n" })).uvLock).toBe("version = 1\n");
  });
});

describe("requirements*.txt", () => {
  test("comments, blank lines, continuations, option lines, -r and -c relative to the including file", () => {
    const files = tree({
      "requirements.txt": [
        "# run-time dependencies",
        "--find-links ./wheels",
        "-r reqs/base.txt",
        "depx==2.0 \\",
        "    --hash=sha256:abc",
        "",
        "idna>=2.8 # a comment",
        "url-safe#not-a-comment",
        "-c constraints.txt",
      ].join("\n"),
      "reqs/base.txt": "certifi\n-r common.txt\n--requirement=../requirements.txt\n",
      "reqs/common.txt": "sniffio\n",
      "constraints.txt": "certifi<2030\n",
    });
    expect(readDeclarations(files)).toEqual({
      requirements: ["certifi", "sniffio", "depx==2.0 --hash=sha256:abc", "idna>=2.8", "url-safe#not-a-comment"],
      constraints: ["certifi<2030"],
      options: ["--find-links ./wheels"],
      sources: ["requirements.txt", "reqs/base.txt", "reqs/common.txt", "constraints.txt"],
      uvLock: null,
      notes: [],
    });
  });

  test("beside metadata that declares the dependencies, a requirements file is the developers' (pygments 2.17: tox); one that installs the tree is read", () => {
    const pygments = { "pyproject.toml": '[project]\nname = "Pygments"\nrequires-python = ">=3.7"\n', "requirements.txt": "tox ~= 4.4\n# Other requirements are installed by tox.\n" };
    expect(readDeclarations(tree(pygments))).toMatchObject({ requirements: [], sources: [] });
    const listed = { "pyproject.toml": '[project]\nname = "pkg"\ndependencies = ["depx>=1"]\n', "requirements.txt": "depx==1.0\npytest\n" };
    expect(readDeclarations(tree(listed))).toMatchObject({ requirements: ["depx>=1"], sources: ["pyproject.toml"] });
    const setupCfg = { "setup.cfg": "[options]\ninstall_requires =\n    depx\n", "requirements.txt": "black\n" };
    expect(readDeclarations(tree(setupCfg)).requirements).toEqual(["depx"]);
    // Dependencies marked dynamic with nothing that gives them, or no metadata at all: the requirements file is what there is.
    const dynamic = { "pyproject.toml": '[project]\nname = "pkg"\ndynamic = ["dependencies"]\n', "requirements.txt": "depx\n" };
    expect(readDeclarations(tree(dynamic)).requirements).toEqual(["depx"]);
    expect(readDeclarations(tree({ "requirements.txt": "depx\n" })).requirements).toEqual(["depx"]);
  });

  test("setup.cfg's [options] without install_requires declares no dependencies: requirements.txt is the developers' (pygments 2.14: pytest, pylint, tox)", () => {
    const pygments = {
      "setup.cfg": "[metadata]\nname = Pygments\n\n[options]\npackages = find:\nzip_safe = false\n", "setup.py": "from setuptools import setup\n\nsetup()\n",
      "requirements.txt": "pytest-cov\npytest-randomly\npytest>=7.0\npyflakes\npylint\ntox\n",
    };
    expect(readDeclarations(tree(pygments))).toMatchObject({ requirements: [], sources: ["setup.cfg"] });
    // A setup.py that lists them, beside such a setup.cfg, still gives them.
    expect(readDeclarations(tree({ ...pygments, "setup.py": "setup(install_requires=['depx'])\n" })).requirements).toEqual(["depx"]);
    // One that computes them (often from requirements.txt): the requirements file is read.
    const computed = { ...pygments, "setup.py": "setup(install_requires=open('requirements.txt').read().split())\n", "requirements.txt": "depx\n" };
    expect(readDeclarations(tree(computed)).requirements).toEqual(["depx"]);
  });

  test("-e . and . are the tree itself (on the path already); .[extra] brings that extra's dependencies", () => {
    const files = tree({
      "pyproject.toml": '[project]\nname = "pkg"\ndependencies = ["depx"]\n[project.optional-dependencies]\nfast = ["orjson"]\n',
      "requirements.txt": "-e .[fast]\n.\n-e file:.\n",
    });
    expect(readDeclarations(files).requirements).toEqual(["depx", "orjson"]);
  });

  test("development files are not run-time dependencies; other requirements-*.txt are; a missing include is a note", () => {
    const files = tree({
      "requirements.txt": "-r missing.txt\nalpha\n",
      "requirements-dev.txt": "pytest\n",
      "requirements_test.txt": "hypothesis\n",
      "requirements-docs.txt": "sphinx\n",
      "requirements-prod.txt": "beta\n",
    });
    const read = readDeclarations(files);
    expect(read.requirements).toEqual(["beta", "alpha"]);
    expect(read.notes).toEqual(["missing.txt is missing"]);
  });

  test("a local path other than the tree is said, not installed", () => {
    const read = readDeclarations(tree({ "requirements.txt": "../sibling\n" }));
    expect(read.requirements).toEqual([]);
    expect(read.notes[0]).toContain("the local path ../sibling is not installed");
  });

  test("logical lines and per-line options", () => {
    expect(requirementLines("a \\\n  b\n# c\n\n d  # e\n")).toEqual(["a   b", "d"]);
    expect(withoutLineOptions("depx==2.0 --hash=sha256:abc --hash sha256:def")).toBe("depx==2.0");
    expect(requirementName("Foo_Bar.baz[x]>=1")).toBe("foo-bar-baz");
    expect(requirementName("depx @ https://example.invalid/depx.whl")).toBe("depx");
    expect(requirementName("https://example.invalid/depx.whl")).toBe(null);
  });
});

describe("setup.cfg and setup.py", () => {
  test("setup.cfg install_requires (multi-line) and extras_require, read when there is no [project] table", () => {
    const cfg = "[metadata]\nname = pkg\n\n[options]\npackages = find:\ninstall_requires =\n    depx==1.0\n    idna ; python_version >= '3.8'  # why\npython_requires = >=3.8\n\n[options.extras_require]\nfast =\n    orjson\n";
    expect(setupCfgRequirements(cfg)).toEqual(["depx==1.0", "idna ; python_version >= '3.8'"]);
    expect(readDeclarations(tree({ "setup.cfg": cfg }), ["fast"])).toMatchObject({ requirements: ["depx==1.0", "idna ; python_version >= '3.8'", "orjson"], sources: ["setup.cfg"] });
  });

  test("setup.py: a literal list, or a name bound to one; computed lists are a note", () => {
    expect(setupPyRequirements('setup(name="pkg", install_requires=["certifi", "rfc3986[idna2008]>=1.3,<2",  # ok\n])')).toEqual(["certifi", "rfc3986[idna2008]>=1.3,<2"]);
    expect(setupPyRequirements('REQS = [\n  "depx==1.0",\n]\nsetup(install_requires=REQS)\n')).toEqual(["depx==1.0"]);
    expect(setupPyRequirements("setup(install_requires=read('requirements.in'))")).toBe("computed");
    expect(setupPyRequirements("setup(install_requires=BASE + ['x'])")).toBe("computed");
    expect(setupPyRequirements("setup(name='pkg')")).toBe(null);
    expect(readDeclarations(tree({ "setup.py": "setup(install_requires=get())" })).notes[0]).toContain("setup.py computes install_requires");
  });
});

describe("Poetry's [tool.poetry.dependencies]", () => {
  test("^ and ~ as Poetry documents them; other operators as written; a bare version is ==", () => {
    const cases: [string, string | null][] = [
      ["^1.2.3", ">=1.2.3,<2.0.0"], ["^1.2", ">=1.2,<2.0"], ["^1", ">=1,<2"], ["^0.2.3", ">=0.2.3,<0.3.0"],
      ["^0.0.3", ">=0.0.3,<0.0.4"], ["^0.0", ">=0.0,<0.1"], ["^0", ">=0,<1"],
      ["~1.2.3", ">=1.2.3,<1.3.0"], ["~1.2", ">=1.2,<1.3"], ["~1", ">=1,<2"],
      [">=7.5.1,<9", ">=7.5.1,<9"], ["~=2.2", "~=2.2"], ["1.2.*", "==1.2.*"], ["2.0", "==2.0"], ["*", ""], ["^1 || ^2", null],
    ];
    for (const [constraint, expected] of cases) expect({ constraint, spec: poetrySpecifier(constraint) }).toEqual({ constraint, spec: expected });
  });

  test("rich's shape: python skipped, optional only through its extra, python and markers as environment markers", () => {
    const pyproject = [
      "[tool.poetry]", 'name = "rich"', "[tool.poetry.dependencies]", 'python = ">=3.8.0"', 'pygments = "^2.13.0"',
      'ipywidgets = { version = ">=7.5.1,<9", optional = true }', 'markdown-it-py = ">=2.2.0"',
      'typing-extensions = { version = ">=4.0.0, <5.0", python = "<3.11" }', 'colorama = { version = "*", markers = "sys_platform == \'win32\'" }',
      'requests = { version = "^2.31", extras = ["socks"] }', 'mylib = { git = "https://example.com/mylib.git" }',
      "[tool.poetry.extras]", 'jupyter = ["ipywidgets"]', "[tool.poetry.dev-dependencies]", 'pytest = "^7"',
    ].join("\n");
    const read = readDeclarations(tree({ "pyproject.toml": pyproject, "requirements.txt": "black\n" }));
    expect(read.requirements).toEqual([
      "pygments>=2.13.0,<3.0.0", "markdown-it-py>=2.2.0", 'typing-extensions>=4.0.0,<5.0; python_version < "3.11"',
      "colorama; (sys_platform == 'win32')", "requests[socks]>=2.31,<3.0",
    ]);
    expect(read.sources).toEqual(["pyproject.toml"]);
    expect(read.notes).toEqual(["pyproject.toml: [tool.poetry.dependencies] mylib comes from a git repository: not installed (set install)"]);
    expect(readDeclarations(tree({ "pyproject.toml": pyproject }), ["jupyter"]).requirements).toContain("ipywidgets>=7.5.1,<9");
  });
});

describe("a failed install names where its dependencies came from", () => {
  test("requirements files only: named, with --env none; a package's own metadata: nothing added", async () => {
    const { requirementsHint } = await import("../../scripts/lib/env/attach.ts");
    expect(requirementsHint(["requirements.txt"])).toBe(
      "; the dependencies came from requirements.txt: if the import needs none of them, --env none measures with the interpreter as it is (or set install in the config)",
    );
    expect(requirementsHint(["pyproject.toml"])).toBe("");
    expect(requirementsHint(["requirements.txt", "setup.cfg"])).toBe("");
    expect(requirementsHint([])).toBe("");
  });
});
