/**
 * The profile program: one uncounted run that records the import graph while the
 * measured statement runs (py-imports.ts), then which modules the workload ran and
 * imported (py-usage.ts, and the same import recorder). argv and output channel: see
 * py-common.ts. Python 3.8–3.13.
 *
 * Report: `{python, error, werror, status, exit, tool, warnings, statement_ms,
 * workload_ms, startup, modules: {name: [file, root, package]}, edges: [[from, line, to,
 * direct]], ran, imported, new}` (`new`: first loaded during the workload); the process
 * then ends with `os._exit(0)` (a thread the workload left running cannot hold it).
 */
import { ADVISE_COMMON } from "./py-common.ts";
import { IMPORT_RECORDER } from "./py-imports.ts";
import { USAGE_RECORDER } from "./py-usage.ts";

export const PROFILE = ADVISE_COMMON + IMPORT_RECORDER + USAGE_RECORDER + String.raw`
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
