/**
 * The blocked harness: the timed harness (measure/harness.ts) with a `sys.meta_path`
 * finder in front that hands back a stub module for every module named in its last
 * argument, so the statement still binds its names but none of those modules' code runs
 * or loads what it would import. Comparing it with the same program and an empty list
 * (same overhead) measures what deferring those modules saves: import time and peak
 * memory (VmHWM), as a timed run reads them.
 *
 * A stub module answers any attribute with a stub object that can be called, subscripted,
 * used as a decorator, or as a base class (`__mro_entries__` drops it from the bases), so
 * most module-level uses of a blocked name still run. Only `sys` and objects already in
 * memory are used: the finder adds no module to the run.
 *
 * argv: [statement, checks, comma-separated modules to block]. Python 3.8–3.13.
 */
import { HARNESS } from "../measure/harness.ts";

export const BLOCKED_PREFIX = String.raw`import sys
_csb_names = set(n for n in (sys.argv.pop(3) if len(sys.argv) > 3 else '').split(',') if n)
if _csb_names:
    _csb_spec = sys.modules['_frozen_importlib'].ModuleSpec
    _csb_module = type(sys)
    class _CsbStub(object):
        def __init__(self, *a, **k):
            pass
        def __call__(self, *a, **k):
            return self
        def __getattr__(self, name):
            if name[:2] == '__' and name[-2:] == '__':
                raise AttributeError(name)
            return self
        def __getitem__(self, key):
            return self
        def __mro_entries__(self, bases):
            return ()
        def __or__(self, other):
            return self
        __ror__ = __or__
        def __iter__(self):
            return iter(())
    _csb_stub = _CsbStub()
    def _csb_getattr(name):
        if name[:2] == '__' and name[-2:] == '__':
            raise AttributeError(name)
        return _csb_stub
    class _CsbLoader(object):
        def create_module(self, spec):
            m = _csb_module(spec.name)
            m.__path__ = []
            m.__getattr__ = _csb_getattr
            return m
        def exec_module(self, module):
            pass
    class _CsbFinder(object):
        def find_spec(self, name, path=None, target=None):
            if name in _csb_names:
                return _csb_spec(name, _CsbLoader(), is_package=True)
            return None
    sys.meta_path.insert(0, _CsbFinder())
`;

/** The blocked harness program (prefix, then the timed harness). */
export const BLOCKED_HARNESS = BLOCKED_PREFIX + HARNESS;
