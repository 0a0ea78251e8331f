/**
 * The workload run: the measured statement, then the workload, as a user's program would
 * run them — no profiler, no hooks. Its output (file descriptors 1 and 2, to files, see
 * py-common.ts) and exit status are what the before/after check compares. Python 3.8–3.13.
 *
 * Report (fd 3), written before the interpreter ends: `{python, phase, error, status,
 * exit, import_ms, workload_ms}`. `phase` is null when both ran to the end, else where it
 * stopped: "compile" (a syntax error in the statement or the workload), "import" (the
 * statement raised), "workload". `status` is the exit status Python gives the outcome
 * (SystemExit's code, 1 for an exception); `exit` is true when the workload raised
 * SystemExit. After the report the exception is raised again at top level, so the
 * interpreter ends exactly as the user's program would: traceback or `sys.exit` message
 * on stderr, atexit handlers, waiting for non-daemon threads.
 */
import { ADVISE_COMMON } from "./py-common.ts";

export const RUN = ADVISE_COMMON + String.raw`
_cs_exc = None
_cs_phase = None
_cs_msg = None
_cs_times = [0.0, 0.0]
if _cs_cerr is not None or _cs_werr is not None:
    _cs_phase = 'compile'
    _cs_msg = ('statement: ' + _cs_cerr) if _cs_cerr is not None else _cs_werr
else:
    _cs_redirect()
    _cs_t0 = _cs_clock()
    try:
        exec(_cs_code, _cs_globals)
    except BaseException as e:
        _cs_exc = e
        _cs_phase = 'import'
    _cs_t1 = _cs_clock()
    if _cs_exc is None:
        _cs_globals['__name__'] = '__main__'
        if _cs_wname and not _cs_wname.startswith('<'):
            _cs_globals['__file__'] = _cs_wname
        try:
            exec(_cs_wcode, _cs_globals)
        except BaseException as e:
            _cs_exc = e
            _cs_phase = 'workload'
    _cs_t2 = _cs_clock()
    _cs_times = [(_cs_t1 - _cs_t0) * 1000.0, (_cs_t2 - _cs_t1) * 1000.0]
    if _cs_exc is not None:
        _cs_msg = _cs_describe(_cs_exc, '<coldstart>' if _cs_phase == 'import' else (_cs_wname or '<workload>'))
_cs_emit({
    'python': '.'.join(str(x) for x in sys.version_info[:3]), 'phase': _cs_phase, 'error': _cs_msg,
    'status': 2 if _cs_phase == 'compile' else _cs_status(_cs_exc), 'exit': isinstance(_cs_exc, SystemExit),
    'import_ms': _cs_times[0], 'workload_ms': _cs_times[1],
})
if _cs_phase == 'compile':
    _cs_exit(2)
if _cs_exc is not None:
    raise _cs_exc
`;
