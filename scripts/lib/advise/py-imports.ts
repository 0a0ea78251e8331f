/**
 * The import recorder of the profile program (py-profile.ts), Python 3.8–3.13: a wrapper
 * of `builtins.__import__` (it sees every executed import statement, also of modules
 * already loaded) and a `sys.meta_path` finder (loads that bypass `__import__`, such as
 * `importlib.import_module`). Each import is attributed to the innermost frame running a
 * module body, at its current line: an import inside a function called at top level
 * belongs to the top-level line that called it (not `direct`); code run by exec() in a
 * module body belongs to the exec line; an import made while a module is being loaded
 * with no module body in between (a C extension's init) belongs to that module (line
 * None). Its targets are the resolved module and, for `from pkg import name`, `pkg.name`
 * when that is the submodule the name is bound to.
 *
 * While `_cs_phase[0]` is 'statement' it fills `_cs_edges[(from, line, to)] = direct`;
 * while it is 'workload', `_cs_wimported` (every module the workload imported).
 */

export const IMPORT_RECORDER = String.raw`import builtins as _cs_bi
_cs_getframe = sys._getframe
_cs_sysmods = sys.modules
_cs_boot = sys.modules.get('_frozen_importlib')
_cs_FAL = _cs_boot._find_and_load.__code__
_cs_impdir = os.path.join(_cs_libdir, 'importlib') + _cs_sep
_cs_zipimport = os.path.join(_cs_libdir, 'zipimport.py')
_cs_orig = _cs_bi.__import__
_cs_edges = {}
_cs_phase = ['statement']
_cs_wimported = set()
_cs_warnings = []

def _cs_machinery(c):
    fn = c.co_filename
    if fn.startswith('<frozen importlib') or fn.startswith('<frozen zipimport') or fn.startswith(_cs_impdir) or fn == _cs_zipimport:
        return c.co_name != '<module>'
    return False

def _cs_site(f, own):
    # (module, line, direct) of the module-level statement an import belongs to, or None.
    direct = True
    while f is not None:
        c = f.f_code
        if c is _cs_FAL:
            if own:
                own = False
            else:
                try:
                    n = f.f_locals.get('name')
                except BaseException:
                    n = None
                return (n, None, False) if isinstance(n, str) else None
        elif c is _cs_import_code:
            return None
        elif c.co_name == '<module>' and not _cs_machinery(c):
            if c is _cs_code:
                return ('__coldstart__', f.f_lineno, direct)
            gl = f.f_globals
            b = f.f_back
            # Code run by exec() inside a module body, in that module's namespace: the exec line counts.
            if not (b is not None and b.f_globals is gl and b.f_code.co_name == '<module>'):
                n = gl.get('__name__')
                return (n, f.f_lineno, direct) if isinstance(n, str) else None
            direct = False
        elif not _cs_machinery(c):
            direct = False
        f = f.f_back
    return None

def _cs_resolve(name, gl, level):
    if not level:
        return name
    if not isinstance(gl, dict):
        return None
    pkg = gl.get('__package__')
    if not pkg:
        spec = gl.get('__spec__')
        pkg = getattr(spec, 'parent', None) if spec is not None else None
    if not pkg:
        n = gl.get('__name__') or ''
        pkg = n if '__path__' in gl else n.rpartition('.')[0]
    bits = pkg.rsplit('.', level - 1)
    if len(bits) < level or not bits[0]:
        return None
    return bits[0] + '.' + name if name else bits[0]

def _cs_targets(name, gl, fromlist, level):
    base = _cs_resolve(name, gl, level)
    out = []
    if not isinstance(base, str):
        return out
    mods = _cs_sysmods
    mod = mods.get(base)
    if mod is None:
        return out
    out.append(base)
    if fromlist:
        try:
            d = object.__getattribute__(mod, '__dict__')
        except BaseException:
            d = {}
        names = []
        for x in fromlist:
            if x == '*':
                a = d.get('__all__')
                if isinstance(a, (list, tuple)):
                    names.extend(y for y in a if isinstance(y, str))
            elif isinstance(x, str):
                names.append(x)
        for x in names:
            sub = mods.get(base + '.' + x)
            if sub is not None:
                v = d.get(x)
                if v is None or v is sub:
                    out.append(base + '.' + x)
    return out

def _cs_note(targets, caller, own):
    if _cs_phase[0] == 'workload':
        _cs_wimported.update(targets)
        return
    if _cs_phase[0] != 'statement' or not targets:
        return
    site = _cs_site(caller, own)
    if site is None or site[0] is None:
        return
    # A load past __import__ (import_module, a finder's own machinery) is never an import statement.
    direct = site[2] and not own
    for t in targets:
        key = (site[0], site[1], t)
        if direct or key not in _cs_edges:
            _cs_edges[key] = direct

def _cs_import(name, globals=None, locals=None, fromlist=(), level=0):
    caller = _cs_getframe(1)
    try:
        return _cs_orig(name, globals, locals, fromlist, level)
    finally:
        try:
            if not _cs_machinery(caller.f_code):
                _cs_note(_cs_targets(name, globals if globals is not None else caller.f_globals, fromlist, level), caller, False)
        except BaseException:
            pass
        caller = None
_cs_import_code = _cs_import.__code__

class _CsFinder(object):
    def find_spec(self, name, path=None, target=None):
        try:
            if _cs_phase[0] == 'workload':
                _cs_wimported.add(name)
            else:
                _cs_note([name], _cs_getframe(1), True)
        except BaseException:
            pass
        return None
`;
