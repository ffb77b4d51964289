"""Work around a PySide6 6.12 bug on Python 3.11: every call of a void Qt method drops one
reference to None (the abi3 build assumes None is immortal, as it is from Python 3.12).
After a few thousand calls None's count reaches zero and the interpreter aborts
("Fatal Python error: none_dealloc"). Giving None a huge reference count makes it
effectively immortal, as on 3.12. Import this before using Qt; calling it again is a no-op.
"""

from __future__ import annotations

import ctypes
import sys

_EXTRA_REFS = 1 << 40
_applied = False


def keep_none_alive() -> None:
    global _applied
    if _applied or sys.version_info >= (3, 12):
        return
    # ob_refcnt is the first field of every PyObject in release builds.
    ctypes.c_ssize_t.from_address(id(None)).value += _EXTRA_REFS
    _applied = True


keep_none_alive()
