"""Read the bytes of text columns as 64-bit words, in place.

Short codes and UPNs are compared, hashed and checked eight bytes at a time (see
:mod:`jsna.clean.coded_fields` and :mod:`jsna.clean.upn`). Reading the words straight from Arrow's text
buffer, rather than from a padded copy of it, keeps a million-row column from costing megabytes
of new memory (which the kernel must first zero) for every column cleaned.
"""

from __future__ import annotations

import numpy as np


def fixed_step_words(text: np.ndarray, n: int, step: int, offset: int = 0,
                     out: np.ndarray | None = None) -> np.ndarray:
    """The 8 bytes at ``offset + i * step`` of ``text``, for ``i < n``, as little-endian words.

    Bytes past the end of ``text`` read as zero. All but the last few words are read in place
    through a strided view; only those reaching past the end come from a small padded copy.

    Parameters
    ----------
    text : numpy.ndarray of uint8
        Contiguous bytes (for example a text column's data buffer).
    n : int
        Number of words.
    step : int
        Bytes from one word's start to the next (at least 1).
    offset : int
        Position of the first word's first byte.
    out : numpy.ndarray of ``<u8``, optional
        Where to write the words (it may be strided, such as one column of a 2-D array).

    Returns
    -------
    numpy.ndarray of ``<u8``
        ``out``, or a new array of ``n`` words.

    Examples
    --------
    >>> text = np.frombuffer(b"ABCDEFGHIJ", dtype=np.uint8)
    >>> [int(w).to_bytes(8, "little") for w in fixed_step_words(text, 2, 5)]
    [b'ABCDEFGH', b'FGHIJ\\x00\\x00\\x00']
    """
    words = np.empty(n, dtype="<u8") if out is None else out
    inside = max(0, min(n, (text.size - offset - 8) // step + 1)) if text.size >= offset + 8 else 0
    if inside:
        words[:inside] = np.ndarray((inside,), dtype="<u8", buffer=text, offset=offset,
                                    strides=(step,))
    if inside < n:  # the last words reach past the end: read them from a padded copy
        start = offset + inside * step
        rest = text[start:] if start < text.size else text[:0]
        padded = np.zeros((n - inside) * step + 8, dtype=np.uint8)
        padded[:rest.size] = rest
        words[inside:] = np.ndarray((n - inside,), dtype="<u8", buffer=padded, strides=(step,))
    return words
