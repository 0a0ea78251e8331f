/**
 * The profile program: one uncounted run that records the import graph while the
 * measured statement runs, then what the workload used. argv and output channel: see
 * py-common.ts. Python 3.8–3.13.
 *
 * 1. Import graph (the statement). `builtins.__import__` is wrapped: it sees every
 *    executed import statement, also of modules already loaded. Each is attributed to the
 *    innermost frame running a module body, at its current line (an import inside a
 *    function called at top level belongs to the top-level line that called it, marked
 *    not `direct`); an import made while another module is being loaded with no module
 *    body in between (a C extension's init) belongs to that module. After the call, its
 *    targets are the resolved module and, for `from pkg import name`, `pkg.name` when that
 *    is the submodule. A `sys.meta_path` finder catches loads that bypass `__import__`
 *    (`importlib.import_module`). Edges: `[from, line, to, direct]`.
 * 2. Usage (the workload): which modules ran code — a Python function whose globals are
 *    the module's (first run of each code object), or a C function or a class whose
 *    `__module__` it is — by `sys.monitoring` (3.12+: PY_START, disabled per code object
 *    after its first run, and CALL) or `sys.setprofile` (≤ 3.11); plus every module the
 *    workload imported (the same `__import__` wrapper) and those it loaded first.
 *
 * Report: `{python, error, werror, status, tool, warnings, startup, modules: {name:
 * [file, root, package]}, edges, ran, imported, new}`; the process then ends with
 * `os._exit(0)` (a thread the workload left running cannot hold it).
 */
import { ADVISE_COMMON } from "./py-common.ts";

export const PROFILE = ADVISE_COMMON + String.raw`
import builtins as _cs_bi
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

def _cs_modname(fn):
    # The module of a C function or a class (attribute reads that run no package code).
    try:
        t = type(fn)
        if t is _cs_bft:
            m = fn.__module__
            if m is None:
                s = fn.__self__
                if type(s) is _cs_mt:
                    m = s.__name__
            return m
        if isinstance(fn, type):
            return _cs_tmod(fn, type)
    except BaseException:
        pass
    return None
_cs_bft = type(len)
_cs_mt = type(sys)
_cs_tmod = type.__dict__['__module__'].__get__
_cs_ran = set()
# This program's own namespace: calls made from it (starting and stopping the profiler) are not the workload's.
_cs_main = globals()

def _cs_usage_on():
    mon = getattr(sys, 'monitoring', None)
    if mon is not None:
        ids = [2] + [i for i in range(6) if i != 2]
        tid = None
        for i in ids:
            if mon.get_tool(i) is None:
                tid = i
                break
        if tid is not None:
            mon.use_tool_id(tid, 'coldstart-advise')
            ran = _cs_ran
            disable = mon.DISABLE
            def start(code, offset):
                try:
                    n = _cs_getframe(1).f_globals.get('__name__')
                    if isinstance(n, str):
                        ran.add(n)
                except BaseException:
                    pass
                return disable
            def call(code, offset, fn, arg0):
                if code.co_filename == '<string>' and _cs_getframe(1).f_globals is _cs_main:
                    return
                m = _cs_modname(fn)
                if isinstance(m, str):
                    ran.add(m)
            mon.register_callback(tid, mon.events.PY_START, start)
            mon.register_callback(tid, mon.events.CALL, call)
            mon.set_events(tid, mon.events.PY_START | mon.events.CALL)
            return ('monitoring', tid)
        _cs_warnings.append('every sys.monitoring tool id is taken: usage profiled with sys.setprofile')
    seen = set()
    ran = _cs_ran
    def prof(frame, event, arg):
        try:
            if event == 'call':
                c = frame.f_code
                if c not in seen:
                    seen.add(c)
                    n = frame.f_globals.get('__name__')
                    if isinstance(n, str):
                        ran.add(n)
            elif event == 'c_call' and frame.f_globals is not _cs_main:
                m = _cs_modname(arg)
                if isinstance(m, str):
                    ran.add(m)
        except BaseException:
            pass
    th = sys.modules.get('threading')
    if th is not None:
        th.setprofile(prof)
    sys.setprofile(prof)
    return ('setprofile', prof)

def _cs_usage_off(tool):
    if tool[0] == 'monitoring':
        mon = sys.monitoring
        mon.set_events(tool[1], 0)
        mon.register_callback(tool[1], mon.events.PY_START, None)
        mon.register_callback(tool[1], mon.events.CALL, None)
        mon.free_tool_id(tool[1])
        return
    replaced = sys.getprofile() is not tool[1]
    sys.setprofile(None)
    if replaced:
        _cs_warnings.append('the workload replaced the profiler (sys.setprofile): usage after that point is missing')
    th = sys.modules.get('threading')
    if th is not None:
        try:
            th.setprofile(None)
        except BaseException:
            pass

_cs_err = _cs_werr_text = None
_cs_wexc = None
_cs_tool = ('none', None)
_cs_startup = set(sys.modules)
_cs_after = {}
_cs_times = [0.0, 0.0]
if _cs_cerr is not None:
    _cs_err = 'statement: ' + _cs_cerr
else:
    _cs_redirect()
    _cs_finder = _CsFinder()
    sys.meta_path.insert(0, _cs_finder)
    _cs_bi.__import__ = _cs_import
    _cs_t0 = _cs_clock()
    try:
        exec(_cs_code, _cs_globals)
    except BaseException as e:
        _cs_err = _cs_describe(e, '<coldstart>')
    _cs_t1 = _cs_clock()
    _cs_times[0] = (_cs_t1 - _cs_t0) * 1000.0
    if _cs_bi.__import__ is not _cs_import:
        _cs_warnings.append('the package replaced builtins.__import__: some import edges are missing')
        _cs_bi.__import__ = _cs_import
    while True:
        try:
            _cs_after = dict(sys.modules)
            break
        except RuntimeError:
            pass
    if _cs_err is None and _cs_werr is not None:
        _cs_werr_text = _cs_werr
    elif _cs_err is None:
        _cs_phase[0] = 'workload'
        _cs_globals['__name__'] = '__main__'
        if _cs_wname and not _cs_wname.startswith('<'):
            _cs_globals['__file__'] = _cs_wname
        _cs_tool = _cs_usage_on()
        _cs_t1 = _cs_clock()
        try:
            exec(_cs_wcode, _cs_globals)
        except BaseException as e:
            _cs_wexc = e
        _cs_t2 = _cs_clock()
        _cs_usage_off(_cs_tool)
        _cs_times[1] = (_cs_t2 - _cs_t1) * 1000.0
        if _cs_wexc is not None and (_cs_status(_cs_wexc) != 0 or not isinstance(_cs_wexc, SystemExit)):
            _cs_werr_text = _cs_describe(_cs_wexc, _cs_wname)
    _cs_phase[0] = 'done'
    _cs_bi.__import__ = _cs_orig
    try:
        sys.meta_path.remove(_cs_finder)
    except BaseException:
        pass

_cs_modules = {}
for _cs_name, _cs_mod in _cs_after.items():
    if _cs_name in _cs_startup:
        continue
    _cs_f, _cs_pkg = _cs_module_file(_cs_mod)
    _cs_rel, _cs_root = _cs_where(_cs_f)
    _cs_modules[_cs_name] = [_cs_rel, _cs_root, _cs_pkg]
_cs_now = list(sys.modules)
_cs_emit({
    'python': '.'.join(str(x) for x in sys.version_info[:3]),
    'error': _cs_err, 'werror': _cs_werr_text, 'status': _cs_status(_cs_wexc),
    'exit': isinstance(_cs_wexc, SystemExit),
    'tool': _cs_tool[0], 'warnings': _cs_warnings, 'statement_ms': _cs_times[0], 'workload_ms': _cs_times[1],
    'startup': sorted(_cs_startup), 'modules': _cs_modules,
    'edges': [[k[0], k[1], k[2], v] for k, v in _cs_edges.items()],
    'ran': sorted(n for n in _cs_ran if n not in ('__main__', '__coldstart__')),
    'imported': sorted(_cs_wimported), 'new': sorted(n for n in _cs_now if n not in _cs_after and n not in _cs_startup),
})
_cs_exit(0)
`;
