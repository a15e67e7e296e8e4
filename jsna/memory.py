"""Keep freed memory for reuse while cleaning large extracts.

Cleaning a census builds many short-lived arrays of a few megabytes (a mask or an index per
column, per million rows). By default glibc gives blocks from 128 KB up (the limit rises by itself
to at most 32 MB) back to the operating system as soon as they are freed, so the next array of
the same size is new memory. The kernel must zero every page of new memory on first touch, and on
virtual machines whose host reclaims idle memory each of those pages costs several microseconds.
On a 2-core VM that first touch was a third of the cleaning CPU (``perf``: ``clear_page_erms``).

:func:`retain_freed_memory` asks glibc (``mallopt``) to serve blocks up to 32 MB from its heap
and not to hand the heap's free top back to the system, so freed arrays are reused. It is what
``MALLOC_MMAP_THRESHOLD_`` and ``MALLOC_TRIM_THRESHOLD_`` do when set before Python starts. Arrow
is then pointed at the same allocator (its system memory pool): its default, mimalloc, gives freed
pages back to the system after a few milliseconds. The cleaner calls it after reading the extracts,
not before: Arrow's multi-threaded CSV reader is faster with mimalloc. The price is that the
process keeps up to 1 GB of freed heap until it exits, which suits the short-lived ``jsna``
commands that clean. Other C libraries (macOS, Windows, musl) are left alone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import platform

import pyarrow as pa

#: ``mallopt`` parameters (``<malloc.h>``).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: The largest mmap threshold glibc accepts on 64-bit systems (``DEFAULT_MMAP_THRESHOLD_MAX``).
MMAP_THRESHOLD = 32 * 1024 * 1024
#: Free memory at the top of the heap kept rather than returned to the system.
TRIM_THRESHOLD = 1024 * 1024 * 1024


@functools.cache
def retain_freed_memory() -> bool:
    """Tune glibc's allocator once per process so freed arrays are reused (see module docstring).

    Returns
    -------
    bool
        True when the settings were applied (glibc on Linux), False when left alone.
    """
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        applied = (libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                   and libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1)
    except (OSError, AttributeError):
        return False
    if applied:
        pa.set_memory_pool(pa.system_memory_pool())
    return bool(applied)
