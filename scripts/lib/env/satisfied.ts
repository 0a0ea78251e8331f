/**
 * Does an interpreter already have what a tree declares? One run of the interpreter per
 * question (every tree's requirements at once): it lists the installed distributions
 * (the `*.dist-info` / `*.egg-info` folders of sys.path, in its order, so the first one
 * found is the one imported; their names and versions from the folder name, from the
 * metadata where the name does not say), and
 * evaluates each requirement — name, version specifier, environment marker (with
 * `extra == ""`: a requirement only for an extra does not count).
 *
 * It uses an installed `packaging`, else pip's vendored copy (`pip._vendor.packaging`),
 * else a subset written here (tested against packaging case by case): release numbers with a/b/rc, .post and .dev
 * suffixes; the operators ==, !=, <, <=, >, >=, ~=, === and `==X.*`; markers comparing
 * python_version, python_full_version, sys_platform, platform_system, platform_machine,
 * os_name, implementation_name and extra, joined by and / or / parentheses. A marker the
 * subset cannot read counts as true, a specifier it cannot read as met (an installed
 * distribution is then taken as enough).
 */
import { UserError } from "../errors.ts";
import { withoutLineOptions } from "./declared.ts";

export const CHECK_PROGRAM = String.raw`
import json, os, re, sys
R, via = None, "subset"
for place in ("packaging", "pip._vendor.packaging"):
    if os.environ.get("COLDSTART_REQUIREMENTS_SUBSET"):
        break
    try:
        R = __import__(place + ".requirements", fromlist=["Requirement"]).Requirement
        via = place
        break
    except Exception:
        pass
def norm(n):
    return re.sub(r"[-_.]+", "-", n).lower()
have = {}
for p in sys.path:
    try:
        entries = os.listdir(p or ".")
    except OSError:
        continue
    for e in entries:
        if not e.lower().endswith((".dist-info", ".egg-info")):
            continue
        parts = e.rsplit(".", 1)[0].split("-")
        if len(parts) >= 2 and parts[1][:1].isdigit():
            name, version = parts[0], parts[1]
        else:
            try:
                from importlib import metadata as md
                d = md.PathDistribution(__import__("pathlib").Path(p or ".", e))
                name, version = d.metadata["Name"], d.version
            except Exception:
                continue
        if name and version and norm(name) not in have:
            have[norm(name)] = version
V = re.compile(r"^\s*v?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+[a-z0-9.]*)?\s*$", re.I)
def vkey(v):
    m = V.match(v)
    if not m:
        return None
    rel = [int(x) for x in m.group(1).split(".")]
    while len(rel) > 1 and rel[-1] == 0:
        rel.pop()
    pre, pre_n, post_dash, post_word, post_n, dev, dev_n = m.group(2, 3, 4, 5, 6, 7, 8)
    has_post = post_dash is not None or post_word is not None
    post = int(post_dash) if post_dash is not None else int(post_n or 0)
    if pre:
        pk = (0, {"a": 0, "alpha": 0, "b": 1, "beta": 1}.get(pre.lower(), 2), int(pre_n or 0))
    elif dev and not has_post:
        pk = (-1,)
    else:
        pk = (1,)
    return (tuple(rel), pk, (0, post) if has_post else (-1,), (0, int(dev_n or 0)) if dev else (1,))
def pad(a, b):
    n = max(len(a), len(b))
    return a + (0,) * (n - len(a)), b + (0,) * (n - len(b))
def one(op, want, got):
    if op == "===":
        return got == want
    if op in ("==", "!=") and want.endswith(".*"):
        p = [int(x) for x in want[:-2].split(".") if x.isdigit()]
        g = vkey(got)
        if g is None:
            return True
        r = list(g[0]) + [0] * len(p)
        ok = r[:len(p)] == p
        return ok if op == "==" else not ok
    w, g = vkey(want), vkey(got)
    if w is None or g is None:
        return True
    if op == "~=":
        parts = want.split(".")
        prefix = ".".join(parts[:-1]) + ".*" if len(parts) > 1 else want
        return g >= w and one("==", prefix, got)
    (wr, gr) = pad(w[0], g[0])
    w, g = (wr,) + w[1:], (gr,) + g[1:]
    # PEP 440: <V excludes pre-releases of V, >V its post-releases, unless V is one itself.
    if op == "<" and wr == gr and w[1] == (1,) and w[3] == (1,) and (g[1] != (1,) or g[3] != (1,)):
        return False
    if op == ">" and wr == gr and w[2] == (-1,) and g[2] != (-1,):
        return False
    return {"==": g == w, "!=": g != w, ">=": g >= w, "<=": g <= w, ">": g > w, "<": g < w}.get(op, True)
ENV = {"python_version": "%d.%d" % sys.version_info[:2], "python_full_version": "%d.%d.%d" % sys.version_info[:3],
       "sys_platform": sys.platform, "os_name": __import__("os").name, "extra": "",
       "platform_system": __import__("platform").system(), "platform_machine": __import__("platform").machine(),
       "implementation_name": sys.implementation.name}
VERSIONED = ("python_version", "python_full_version")
TOK = re.compile(r"\s*(\(|\)|===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b|and\b|or\b|'[^']*'|\"[^\"]*\"|[A-Za-z_][A-Za-z0-9_.]*)")
def marker(text):
    toks, i = [], 0
    while i < len(text):
        m = TOK.match(text, i)
        if not m:
            if text[i:].strip() == "":
                break
            raise ValueError(text)
        toks.append(m.group(1))
        i = m.end()
    pos = [0]
    def peek():
        return toks[pos[0]] if pos[0] < len(toks) else None
    def take():
        pos[0] += 1
        return toks[pos[0] - 1]
    def value(t):
        if t[0] in "'\"":
            return t[1:-1], None
        if t not in ENV:
            raise ValueError(t)
        return ENV[t], t
    def comparison():
        if peek() == "(":
            take()
            r = expr()
            take()
            return r
        (a, an), op, (b, bn) = value(take()), re.sub(r"\s+", " ", take()), value(take())
        if op == "in":
            return a in b
        if op == "not in":
            return a not in b
        if (an in VERSIONED or bn in VERSIONED) and op not in ("===",):
            return one(op, b, a)
        if an == "extra" or bn == "extra":
            a, b = norm(a), norm(b)
        return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "===": a == b}.get(op, True)
    def conj():
        r = comparison()
        while peek() == "and":
            take()
            r = comparison() and r
        return r
    def expr():
        r = conj()
        while peek() == "or":
            take()
            r = conj() or r
        return r
    return expr()
SPEC = re.compile(r"\s*(===|==|!=|<=|>=|~=|<|>)\s*([^,;\s)]+)")
def check(line):
    if R is not None:
        try:
            q = R(line)
        except Exception:
            q = None
        if q is not None:
            if q.marker is not None and not q.marker.evaluate({"extra": ""}):
                return None
            got = have.get(norm(q.name))
            if got is None:
                return "not installed"
            if q.specifier and not q.specifier.contains(got, prereleases=True):
                return "installed: " + got
            return None
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$", line)
    if not m:
        return None
    rest = m.group(3)
    spec, _, mk = rest.partition(";")
    if mk.strip():
        try:
            if not marker(mk.strip()):
                return None
        except Exception:
            pass
    got = have.get(norm(m.group(1)))
    if got is None:
        return "not installed"
    if spec.strip().startswith("@"):
        return None
    for op, want in SPEC.findall(spec):
        if not one(op, want, got):
            return "installed: " + got
    return None
lists = json.loads(sys.stdin.read())
out = [[[line, p] for line in lines for p in [check(line)] if p is not None] for lines in lists]
print(json.dumps({"via": via, "unsatisfied": out}))
`;

export interface CheckAnswer {
  /** Which requirement parser answered: "pip._vendor.packaging", "packaging" or "subset". */
  via: string;
  /** Per list asked: the unsatisfied requirements, each as "depx==2.0 (installed: 1.0)". */
  unsatisfied: string[][];
}

/**
 * Asks `python` (a real executable) which of each list's requirements it does not satisfy.
 * `env` is the environment the measured runs would get (the user's, without start-up hooks).
 */
export async function checkSatisfied(python: string, lists: readonly string[][], env: Record<string, string>): Promise<CheckAnswer> {
  const asked = lists.map((lines) => lines.map(withoutLineOptions).filter(Boolean));
  const proc = Bun.spawn([python, "-c", CHECK_PROGRAM], { stdin: "pipe", stdout: "pipe", stderr: "pipe", env, timeout: 60_000 });
  proc.stdin.write(JSON.stringify(asked));
  await proc.stdin.end();
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) {
    const last = stderr.trim().split("\n").pop() ?? "";
    throw new UserError(`checking which declared dependencies ${python} has failed (exit ${code}): ${last}`);
  }
  const answer = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { via: string; unsatisfied: [string, string][][] };
  return { via: answer.via, unsatisfied: answer.unsatisfied.map((items) => items.map(([line, problem]) => `${line} (${problem})`)) };
}
