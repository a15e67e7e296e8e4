"""Repeated UPNs within a census: the first counted row of a pupil is kept, the others set aside.

DfE headcounts count a pupil once (*School census guide*): a UPN twice among the counted rows of
one census is one pupil, and a subsidiary registration whose UPN is on no counted row is reported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from jsna.clean.census_reading import census_years_present
from jsna.clean.upn import PseudonymisedUpns


def shared_upns(upns: PseudonymisedUpns, table: pa.Table) -> np.ndarray:
    """Rows whose UPN may be on another row of the same census (one hash pass, no sorting).

    The first half of each encrypted UPN is mixed with the census year and hashed; rows whose
    value is unique certainly have a UPN of their own in their census. The others (repeated UPNs,
    and the rare rows sharing a half by chance) are compared in full by :func:`repeated_upns`.
    """
    years = table.column("census_year")
    mixed = upns.high
    if census_years_present(table).size > 1:
        mixed = mixed ^ (years.to_numpy().astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    # counts per bucket of 21 bits, twice (bits 43-63, then 22-42 of the rows left): only rows
    # sharing both buckets with another row are hashed. 2**21 counts (16 MB) stay below the
    # allocator's mmap threshold, so their memory is reused rather than new.
    crowded: np.ndarray | None = None
    values = mixed
    for shift in (43, 22):
        bucket = ((values >> np.uint64(shift)) & np.uint64(_BUCKETS - 1)).astype(np.intp)
        with_others = (np.bincount(bucket, minlength=_BUCKETS) > 1).take(bucket)
        crowded = np.flatnonzero(with_others) if crowded is None else crowded[with_others]
        values = mixed.take(crowded)
    shared = np.zeros(len(mixed), dtype=bool)
    shared[crowded] = pd.Series(values).duplicated(keep=False).to_numpy()
    return shared & upns.valid


#: Buckets of the repeated-UPN prefilter (:func:`shared_upns`).
_BUCKETS = 1 << 21


def repeated_upns(
    cipher: np.ndarray, rows: np.ndarray, counted: np.ndarray, subsidiary: np.ndarray,
    shared: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Find repeated UPNs among counted rows and subsidiary rows without a counted row.

    UPNs are compared by their encrypted blocks (equal blocks mean equal UPNs), only on the few
    rows that :func:`shared_upns` found may share their UPN with another row.

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
        Rows that may share their UPN with another row (from :func:`shared_upns`).

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
