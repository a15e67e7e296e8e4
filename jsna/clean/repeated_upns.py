"""Repeated UPNs within a census: the first counted row of a pupil is kept, the others set aside.

DfE headcounts count a pupil once (*School census guide*): a UPN twice among the counted rows of
one census is one pupil, and a subsidiary registration whose UPN is on no counted row is reported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from jsna.clean.upn import PseudonymisedUpns


def shared_upns(upns: PseudonymisedUpns, table: pa.Table) -> np.ndarray:
    """Rows whose UPN is on another row of the same census (False for rows without a UPN).

    Equal encrypted blocks mean equal UPNs, so each row's census year and the two 8-byte halves
    of its block are compared (pandas ``duplicated``): first the first half alone, then, on the
    rows that share it with another row, all three. :func:`repeated_upns` then sorts only the
    rows found.

    Comparing the first half first takes 0.30 s per million rows, the three columns on every row
    0.88 s (measured on ``benchmarks/clean_census.py``'s census, whose plain ``pyarrow`` read
    takes 0.8 s; see :func:`jsna.clean.upn.normalise_upns` for what the two shortcuts buy
    together).
    """
    halves = np.ascontiguousarray(upns.cipher).view(np.uint64)
    frame = pd.DataFrame({"census_year": table.column("census_year").to_numpy(),
                          "first": halves[:, 0], "second": halves[:, 1]})
    maybe = frame["first"].duplicated(keep=False).to_numpy()
    shared = np.zeros(len(frame), dtype=bool)
    shared[maybe] = frame[maybe].duplicated(keep=False).to_numpy()
    return shared & upns.valid


def repeated_upns(
    cipher: np.ndarray, rows: np.ndarray, counted: np.ndarray, subsidiary: np.ndarray,
    shared: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Find repeated UPNs among counted rows and subsidiary rows without a counted row.

    UPNs are compared by their encrypted blocks (equal blocks mean equal UPNs), only on the rows
    that :func:`shared_upns` found share their UPN with another row.

    Parameters
    ----------
    cipher : numpy.ndarray of uint8, shape (n, 16)
        Each row's encrypted UPN.
    rows : numpy.ndarray of int
        Source row numbers (the first row of a repeated UPN is kept).
    counted : numpy.ndarray of bool
        Rows counted in the headcount with a UPN.
    subsidiary : numpy.ndarray of bool
        Subsidiary (``S``) registrations with a UPN.
    shared : numpy.ndarray of bool
        Rows that share their UPN with another row of their census (from :func:`shared_upns`).

    Returns
    -------
    duplicate : numpy.ndarray of bool
        Counted rows whose UPN is on an earlier counted row.
    orphan : numpy.ndarray of bool
        Subsidiary rows whose UPN is on no counted row.
    """
    members = np.flatnonzero(shared & (counted | subsidiary))
    halves = np.ascontiguousarray(cipher[members]).view(">u8").astype(np.uint64)
    high, low = halves[:, 0], halves[:, 1]
    is_subsidiary = subsidiary[members]
    order = np.lexsort((rows[members], is_subsidiary, low, high))
    members, is_subsidiary, high, low = members[order], is_subsidiary[order], high[order], low[order]
    # groups of equal UPNs; counted rows come first in each group, in row order
    starts = np.ones(members.size, dtype=bool)
    starts[1:] = (high[1:] != high[:-1]) | (low[1:] != low[:-1])
    group = np.cumsum(starts) - 1
    counted_in_group = np.bincount(group, weights=~is_subsidiary, minlength=int(starts.sum()))
    duplicate = np.zeros(rows.size, dtype=bool)
    duplicate[members[~is_subsidiary & ~starts]] = True
    orphan = subsidiary.copy()
    orphan[members[is_subsidiary & (counted_in_group[group] > 0)]] = False
    return duplicate, orphan
