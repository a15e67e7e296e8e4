"""Words read in place from text buffers, against plain Python byte slicing."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from jsna.clean.words import fixed_step_words


@given(st.binary(max_size=60), st.integers(1, 12), st.integers(0, 12), st.integers(0, 10))
def test_words_match_python_slices_padded_with_zeros(data: bytes, step: int, offset: int,
                                                     n: int) -> None:
    text = np.frombuffer(data, dtype=np.uint8)
    expected = [int.from_bytes(data[offset + i * step:offset + i * step + 8].ljust(8, b"\0"),
                               "little") for i in range(n)]
    assert fixed_step_words(text, n, step, offset).tolist() == expected


def test_documented_example() -> None:
    text = np.frombuffer(b"ABCDEFGHIJ", dtype=np.uint8)
    words = fixed_step_words(text, 2, 5)
    assert [int(w).to_bytes(8, "little") for w in words] == [b"ABCDEFGH", b"FGHIJ\0\0\0"]


def test_words_are_written_into_a_strided_column() -> None:
    text = np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)
    pairs = np.zeros((3, 2), dtype="<u8")
    fixed_step_words(text, 3, 12, offset=8, out=pairs[:, 1])
    assert pairs[:, 0].tolist() == [0, 0, 0]
    assert [int(w).to_bytes(8, "little") for w in pairs[:, 1]] == [
        b"89ABCDEF", b"KLMNOPQR", b"WXYZ\0\0\0\0"]
