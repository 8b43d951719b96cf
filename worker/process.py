"""Process helpers without Django: safe to call between fork and exec."""

from __future__ import annotations

import ctypes
import signal

PR_SET_PDEATHSIG = 1
_libc = None


def die_with_parent() -> None:
    """Linux: let the kernel kill this process when its parent dies (a killed
    worker must not leave its attempt, or LibreOffice, running on)."""
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
