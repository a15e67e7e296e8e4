"""Individual-level model of the demo council's children and pupils over the census years.

Every child aged 0-19 living in the council (and the children just outside it who may attend its
schools) is followed year by year: children age, a new cohort is born, some move in or out, and a
fixed propensity decides who is on the roll of the council's state-funded schools in each January.
Pupils keep their UPN, move up a year group each year, and their SEN status evolves as a Markov-like
process (SEN support to EHC plan, SEN support to none, plans ceasing), with the yearly totals held
to the England shares of pupils with an EHC plan and on SEN support. Deprivation, sex and a
family factor shared with free school meal eligibility raise the chance of SEN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.demo import national
from jsna.demo.geography import DemoGeography
from jsna.demo.names import FEMALE_FORENAMES, MALE_FORENAMES, OTHER_LA_NUMBERS, SURNAMES
from jsna.demo.schools import AP, LA_NUMBER, PRIMARY, SECONDARY, SPECIAL
from jsna.demo.upn import UpnIssuer

#: Text of NCYearActual by model year group (-2 = N1, -1 = N2, 0 = R, 1..14).
NC_LABELS = {-2: "N1", -1: "N2", 0: "R", **{k: str(k) for k in range(1, 15)}}
#: SEN provision codes by model status.
SEN_CODES = np.array(["N", "K", "E"])
NONE, SUPPORT, PLAN = 0, 1, 2
#: Years simulated before the first year written, so the first census is not a fresh draw.
BURN_IN_YEARS = 3

_NEEDS = national.NEED_CODES
_NEED_INDEX = {code: k for k, code in enumerate(_NEEDS)}
_EHCP_SHARE = np.array([national.EHCP_NEED_SHARE[c] for c in _NEEDS])
_SUPPORT_SHARE = np.array([national.SEN_SUPPORT_NEED_SHARE[c] for c in _NEEDS])
#: How strongly each primary need leads to an EHC plan and to a special school place.
_PLAN_FACTOR = np.array([2.6, 1.2, 1.1, 3.0, 0.9, 1.8, 5.0, 1.3, 0.8, 4.0, 0.35, 1.2, 0.3])
_SPECIAL_FACTOR = np.array([2.5, 0.8, 1.6, 4.0, 0.6, 3.0, 14.0, 1.6, 0.7, 9.0, 0.2, 0.8, 0.2])
#: Special school by need: 0 communication and interaction, 1 cognition/physical/sensory, 2 SEMH.
_SPECIAL_FOCUS = np.array([0, 1, 1, 1, 1, 1, 1, 2, 0, 1, 1, 1, 1])

# Share of each year group on the roll of the council's state schools (by a fixed propensity, so
# nobody drops out and comes back): nursery classes, Reception-Year 11, school sixth forms.
_ROLL_SHARE = {-2: 0.10, -1: 0.40, **{k: 0.91 for k in range(0, 12)}, 12: 0.34, 13: 0.34}
# Relative chance of being newly identified for SEN support, and of holding an EHC plan, by year.
_SUPPORT_AGE = {
    -2: 0.3,
    -1: 0.5,
    0: 1.1,
    1: 1.5,
    2: 1.5,
    3: 1.4,
    4: 1.2,
    5: 1.0,
    6: 0.8,
    7: 1.0,
    8: 0.7,
    9: 0.6,
    10: 0.5,
    11: 0.4,
    12: 0.2,
    13: 0.2,
    14: 0.1,
}
_PLAN_AGE = {
    -2: 0.3,
    -1: 0.5,
    0: 0.7,
    1: 0.9,
    2: 1.0,
    3: 1.1,
    4: 1.15,
    5: 1.2,
    6: 1.2,
    7: 1.2,
    8: 1.1,
    9: 1.1,
    10: 1.0,
    11: 0.9,
    12: 0.6,
    13: 0.6,
    14: 1.0,
}
_SUPPORT_EXIT = {k: 0.10 for k in range(-2, 15)} | {7: 0.16, 12: 0.25, 13: 0.25, 14: 0.25}


@dataclass(frozen=True)
class PupilModel:
    """Result of the pupil model.

    Attributes
    ----------
    census : dict of int to pandas.DataFrame
        Census year -> one row per pupil on roll (the clean truth): ``person, upn, surname,
        forename, dob, sex, nc, school, sen, need1, need2, fsm, postcode, area``. ``school``,
        ``postcode`` and ``area`` index the schools, postcodes and areas tables; ``need1/2``
        index ``national.NEED_CODES`` (-1 = none).
    child_counts : dict of int to numpy.ndarray
        Mid-year -> ``(n_lsoas, 2, 20)`` resident children by LSOA, sex (F, M) and age.
    issuer : UpnIssuer
        The UPN issuer (to give further pupils, such as guests, unique UPNs).
    """

    census: dict[int, pd.DataFrame]
    child_counts: dict[int, np.ndarray]
    issuer: UpnIssuer


def _age_on(by: np.ndarray, bm: np.ndarray, bd: np.ndarray, year: int, month: int, day: int):
    """Completed years of age on a date, from birth year/month/day arrays."""
    before_birthday = (bm > month) | ((bm == month) & (bd > day))
    return year - by - before_birthday.astype(np.int64)


def _pick(
    rng: np.random.Generator, candidates: np.ndarray, weights: np.ndarray, k: int
) -> np.ndarray:
    """Weighted sample of ``k`` candidates without replacement (Efraimidis-Spirakis keys)."""
    k = int(k)
    if k <= 0 or len(candidates) == 0:
        return candidates[:0]
    if k >= len(candidates):
        return candidates
    keys = rng.exponential(1.0, len(candidates)) / np.maximum(weights, 1e-12)
    return candidates[np.argpartition(keys, k - 1)[:k]]


def _lookup(table: dict[int, float], keys: np.ndarray) -> np.ndarray:
    """Vectorised ``table[key]`` for integer keys (0 where missing)."""
    low = min(table)
    values = np.zeros(max(table) - low + 1)
    for key, value in table.items():
        values[key - low] = value
    keys = np.clip(keys, low, max(table))
    return values[keys - low]


class _Children:
    """Column store of everyone the model follows (grows as children are born or move in)."""

    _INT_FIELDS = (
        "by",
        "bm",
        "bd",
        "area",
        "postcode",
        "primary_school",
        "secondary_school",
        "special_school",
        "need1",
        "need2",
    )

    def __init__(self) -> None:
        self.dob = np.zeros(0, dtype="datetime64[D]")
        for name in self._INT_FIELDS:
            setattr(self, name, np.zeros(0, dtype=np.int64))
        self.sex = np.zeros(0, dtype=np.int64)
        self.sen = np.zeros(0, dtype=np.int64)
        for name in ("u_roll", "u_choice", "sen_noise", "family"):
            setattr(self, name, np.zeros(0))
        for name in ("present", "special", "ap", "on_roll", "fsm"):
            setattr(self, name, np.zeros(0, dtype=bool))
        self.upn = np.zeros(0, dtype="U13")
        self.forename = np.zeros(0, dtype=object)
        self.surname = np.zeros(0, dtype=object)

    def __len__(self) -> int:
        return len(self.dob)

    def add(
        self,
        rng: np.random.Generator,
        dob: np.ndarray,
        sex: np.ndarray,
        area: np.ndarray,
        postcode: np.ndarray,
    ) -> None:
        """Append new children with fresh fixed propensities."""
        n = len(dob)
        by = dob.astype("datetime64[Y]").astype(np.int64) + 1970
        months = dob.astype("datetime64[M]")
        new = {
            "dob": dob,
            "by": by,
            "bm": months.astype(np.int64) % 12 + 1,
            "bd": (dob - months.astype("datetime64[D]")).astype(np.int64) + 1,
            "area": area,
            "postcode": postcode,
            "sex": sex,
            "primary_school": np.full(n, -1),
            "secondary_school": np.full(n, -1),
            "special_school": np.full(n, -1),
            "need1": np.full(n, -1),
            "need2": np.full(n, -1),
            "sen": np.zeros(n, dtype=np.int64),
            "u_roll": rng.random(n),
            "u_choice": rng.random(n),
            "sen_noise": rng.normal(0.0, 0.8, n),
            "family": rng.normal(0.0, 1.0, n),
            "present": np.ones(n, bool),
            "special": np.zeros(n, bool),
            "ap": np.zeros(n, bool),
            "on_roll": np.zeros(n, bool),
            "fsm": np.zeros(n, bool),
            "upn": np.full(n, "", dtype="U13"),
            "forename": np.where(
                sex == 1,
                np.array(MALE_FORENAMES, dtype=object)[rng.integers(0, len(MALE_FORENAMES), n)],
                np.array(FEMALE_FORENAMES, dtype=object)[rng.integers(0, len(FEMALE_FORENAMES), n)],
            ),
            "surname": np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)],
        }
        for name, values in new.items():
            setattr(self, name, np.concatenate([getattr(self, name), values]))


def _dob_for_age(rng: np.random.Generator, age: np.ndarray, mid_year: int) -> np.ndarray:
    """Random dates of birth giving ``age`` completed years on 30 June ``mid_year``."""
    start_year = mid_year - np.asarray(age, dtype=np.int64) - 1
    start = (start_year - 1970).astype("datetime64[Y]").astype("datetime64[M]") + np.timedelta64(
        6, "M"
    )
    start = start.astype("datetime64[D]")
    end = (start_year - 1969).astype("datetime64[Y]").astype("datetime64[M]") + np.timedelta64(
        6, "M"
    )
    length = (end.astype("datetime64[D]") - start).astype(np.int64)
    return start + np.floor(rng.random(len(start_year)) * length).astype(np.int64)


class _Simulation:
    """Runs the yearly model; see :func:`simulate_pupils`."""

    def __init__(self, rng, geography: DemoGeography, schools: pd.DataFrame, base: np.ndarray):
        self.rng = rng
        self.geo = geography
        self.schools = schools
        self.kids = _Children()
        self.issuer = UpnIssuer()
        areas = geography.areas
        self.inside = areas["inside"].to_numpy()
        self.dep_z = areas["dep_z"].to_numpy()
        self.n_lsoas = int(self.inside.sum())
        postcodes = geography.postcodes.sort_values("area", kind="stable")
        self.postcode_order = postcodes.index.to_numpy()
        counts = np.bincount(postcodes["area"].to_numpy(), minlength=len(areas))
        self.postcode_start = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.postcode_count = counts
        self.postcode_xy = geography.postcodes[["oseast1m", "osnrth1m"]].to_numpy(dtype=float)
        self.child_base = base[:, :, :20]
        self.area_weight = self.child_base.sum(axis=(1, 2))
        self.birth_rate = self.child_base[:, :, 0].sum(axis=1)
        self.school_xy = schools[["Easting", "Northing"]].to_numpy(dtype=float)
        phase = schools["Phase"].to_numpy()
        self.primary_ids = np.flatnonzero(phase == PRIMARY)
        self.secondary_ids = np.flatnonzero(phase == SECONDARY)
        self.sixth_ids = np.flatnonzero((phase == SECONDARY) & schools["sixth_form"].to_numpy())
        self.ap_ids = np.flatnonzero(phase == AP)
        focus = schools["special_focus"].to_numpy()
        self.special_by_focus = np.array(
            [np.flatnonzero((phase == SPECIAL) & (focus == k))[0] for k in range(3)]
        )
        self.estab = schools["LAEstab"].str[3:].astype(int).to_numpy()

    # -- people -------------------------------------------------------------------------------
    def _postcode_in(self, area: np.ndarray) -> np.ndarray:
        offset = np.floor(self.rng.random(len(area)) * self.postcode_count[area]).astype(np.int64)
        return self.postcode_order[self.postcode_start[area] + offset]

    def _new_children(self, age: np.ndarray, sex: np.ndarray, area: np.ndarray, mid_year: int):
        dob = _dob_for_age(self.rng, age, mid_year)
        self.kids.add(self.rng, dob, sex, area, self._postcode_in(area))

    def seed_population(self, mid_year: int) -> None:
        counts = self.rng.poisson(self.child_base)
        area, sex, age = np.nonzero(counts)
        repeat = counts[area, sex, age]
        self._new_children(
            np.repeat(age, repeat), np.repeat(sex, repeat), np.repeat(area, repeat), mid_year
        )

    def age_one_year(self, mid_year: int, step: int) -> None:
        rng, kids = self.rng, self.kids
        age = _age_on(kids.by, kids.bm, kids.bd, mid_year, 6, 30)
        kids.present &= age < 20
        leave = rng.random(len(kids)) < np.where(age >= 16, 0.05, 0.03)
        kids.present &= ~leave
        move = kids.present & (rng.random(len(kids)) < 0.04)
        movers = np.flatnonzero(move)
        if len(movers):
            inside = self.inside[kids.area[movers]]
            new_area = np.where(
                inside,
                self._draw_areas(len(movers), inside=True),
                self._draw_areas(len(movers), inside=False),
            )
            kids.area[movers] = new_area
            kids.postcode[movers] = self._postcode_in(new_area)
        births = rng.poisson(self.birth_rate * 1.003**step)
        area = np.repeat(np.arange(len(births)), births)
        self._new_children(
            np.zeros(len(area), dtype=np.int64),
            (rng.random(len(area)) < 0.512).astype(np.int64),
            area,
            mid_year,
        )
        for inside in (True, False):
            here = kids.present & (self.inside[kids.area] == inside)
            n_in = rng.poisson(0.032 * here.sum())
            age_weight = self.child_base[self.inside == inside].sum(axis=(0, 1))
            ages = rng.choice(20, size=n_in, p=age_weight / age_weight.sum())
            self._new_children(
                ages,
                (rng.random(n_in) < 0.51).astype(np.int64),
                self._draw_areas(n_in, inside=inside),
                mid_year,
            )

    def _draw_areas(self, n: int, inside: bool) -> np.ndarray:
        ids = np.flatnonzero(self.inside == inside)
        weight = self.area_weight[ids]
        return ids[self.rng.choice(len(ids), size=n, p=weight / weight.sum())]

    # -- SEN --------------------------------------------------------------------------------
    def _liability(self, who: np.ndarray) -> np.ndarray:
        kids = self.kids
        return (
            0.22 * self.dep_z[kids.area[who]]
            + 0.50 * kids.sex[who]
            + 0.30 * kids.family[who]
            + kids.sen_noise[who]
        )

    def _draw_needs(self, who: np.ndarray, nc: np.ndarray, plan: bool) -> np.ndarray:
        share = _EHCP_SHARE if plan else _SUPPORT_SHARE
        w = np.tile(share, (len(who), 1))
        male = self.kids.sex[who] == 1
        young, older = nc <= 1, nc >= 7
        slcn, spld, semh, mld, asd = (
            _NEED_INDEX[c] for c in ("SLCN", "SPLD", "SEMH", "MLD", "ASD")
        )
        w[young, slcn] *= 1.5
        w[older, slcn] *= 0.6
        w[young, spld] *= 0.2
        w[nc >= 3, spld] *= 1.3
        w[older, semh] *= 1.4
        w[nc <= 0, semh] *= 0.5
        w[nc <= 0, mld] *= 0.5
        w[:, asd] *= np.where(male, 1.5, 0.55)
        w[male, semh] *= 1.2
        cumulative = np.cumsum(w, axis=1)
        u = self.rng.random(len(who)) * cumulative[:, -1]
        return (cumulative < u[:, None]).sum(axis=1)

    def _set_status(self, who: np.ndarray, nc_all: np.ndarray, status: int, redraw: float) -> None:
        """Move ``who`` to ``status``, redrawing primary need with probability ``redraw``."""
        kids = self.kids
        if len(who) == 0:
            return
        nc = nc_all[who]
        kids.sen[who] = status
        if status == NONE:
            kids.need1[who] = -1
            kids.need2[who] = -1
            return
        fresh = (kids.need1[who] < 0) | (self.rng.random(len(who)) < redraw)
        if status == PLAN:
            fresh |= kids.need1[who] == _NEED_INDEX["NSA"]
        renew = who[fresh]
        kids.need1[renew] = self._draw_needs(renew, nc[fresh], plan=status == PLAN)
        second = renew[self.rng.random(len(renew)) < 0.2]
        if len(second):
            draws = self._draw_needs(second, nc_all[second], plan=False)
            clash = (draws == kids.need1[second]) | (draws == _NEED_INDEX["NSA"])
            kids.need2[second] = np.where(clash, -1, draws)
        kids.need2[renew[~np.isin(renew, second)]] = -1

    def update_sen(self, pupils: np.ndarray, nc_all: np.ndarray, year: int, first: bool) -> None:
        rng, kids = self.rng, self.kids
        n = len(pupils)
        target_plan = round(national.series_value(national.EHCP_PERCENT, year) / 100 * n)
        target_support = round(national.series_value(national.SEN_SUPPORT_PERCENT, year) / 100 * n)
        liability = np.zeros(len(kids))
        liability[pupils] = self._liability(pupils)
        risk = np.exp(liability)
        continuing = pupils[kids.on_roll[pupils]] if not first else pupils[:0]
        entrants = np.setdiff1d(pupils, continuing)
        kids.sen[entrants] = NONE
        kids.need1[entrants] = -1
        kids.need2[entrants] = -1

        # Entrants: initial status from age and risk (new starters at nursery/Reception less often).
        nc = nc_all[entrants]
        scale = risk[entrants] / risk[pupils].mean()
        early = 1.0 if first else np.where(nc <= 0, 0.6, 0.9)
        p_plan = np.clip(target_plan / n * _lookup(_PLAN_AGE, nc) * scale * early, 0, 0.6)
        p_support = np.clip(target_support / n * _lookup(_SUPPORT_AGE, nc) * scale * early, 0, 0.6)
        u = rng.random(len(entrants))
        self._set_status(entrants[u < p_plan], nc_all, PLAN, 1.0)
        self._set_status(entrants[(u >= p_plan) & (u < p_plan + p_support)], nc_all, SUPPORT, 1.0)

        # Plans: a few cease (not in special schools); top up from SEN support (mostly) and none.
        holders = continuing[(kids.sen[continuing] == PLAN) & ~kids.special[continuing]]
        self._set_status(holders[rng.random(len(holders)) < 0.015], nc_all, SUPPORT, 0.0)
        deficit = target_plan - int((kids.sen[pupils] == PLAN).sum())
        if deficit > 0:
            need = np.maximum(kids.need1, 0)
            pool = pupils[kids.sen[pupils] == SUPPORT]
            weight = risk[pool] * _PLAN_FACTOR[need[pool]] * _lookup(_PLAN_AGE, nc_all[pool])
            from_support = _pick(rng, pool, weight, deficit - round(0.12 * deficit))
            self._set_status(from_support, nc_all, PLAN, 0.7)
            pool = pupils[kids.sen[pupils] == NONE]
            weight = risk[pool] ** 1.3 * _lookup(_PLAN_AGE, nc_all[pool])
            self._set_status(
                _pick(rng, pool, weight, deficit - len(from_support)), nc_all, PLAN, 1.0
            )
        elif deficit < 0:
            pool = pupils[(kids.sen[pupils] == PLAN) & ~kids.special[pupils]]
            self._set_status(_pick(rng, pool, 1.0 / risk[pool], -deficit), nc_all, SUPPORT, 0.0)

        # SEN support: some leave it each year (more at secondary transfer), then top up from none.
        pool = continuing[kids.sen[continuing] == SUPPORT]
        n_exit = int((rng.random(len(pool)) < _lookup(_SUPPORT_EXIT, nc_all[pool])).sum())
        self._set_status(_pick(rng, pool, 1.0 / risk[pool], n_exit), nc_all, NONE, 0.0)
        deficit = target_support - int((kids.sen[pupils] == SUPPORT).sum())
        if deficit > 0:
            pool = pupils[kids.sen[pupils] == NONE]
            weight = risk[pool] * _lookup(_SUPPORT_AGE, nc_all[pool])
            self._set_status(_pick(rng, pool, weight, deficit), nc_all, SUPPORT, 1.0)
        elif deficit < 0:
            pool = pupils[kids.sen[pupils] == SUPPORT]
            self._set_status(_pick(rng, pool, 1.0 / risk[pool], -deficit), nc_all, NONE, 0.0)

    # -- placements and schools ---------------------------------------------------------------
    def place_special_and_ap(self, pupils: np.ndarray, nc_all: np.ndarray, year: int) -> None:
        rng, kids = self.rng, self.kids
        n = len(pupils)
        target = round(national.series_value(national.SPECIAL_SCHOOL_PERCENT, year) / 100 * n)
        deficit = target - int(kids.special[pupils].sum())
        pool = pupils[(kids.sen[pupils] == PLAN) & ~kids.special[pupils]]
        nc = nc_all[pool]
        transfer = np.isin(nc, [-2, -1, 0, 7]) * 2.0 + 1.0
        weight = _SPECIAL_FACTOR[kids.need1[pool]] * transfer * np.where(nc >= 12, 0.3, 1.0)
        chosen = _pick(rng, pool, weight, deficit)
        kids.special[chosen] = True
        kids.ap[chosen] = False
        kids.special_school[chosen] = self.special_by_focus[_SPECIAL_FOCUS[kids.need1[chosen]]]

        kids.ap[pupils[nc_all[pupils] > 11]] = False
        target = round(0.0018 * n)
        deficit = target - int(kids.ap[pupils].sum())
        pool = pupils[
            ~kids.special[pupils]
            & ~kids.ap[pupils]
            & (nc_all[pupils] >= 5)
            & (nc_all[pupils] <= 11)
        ]
        semh = kids.need1[pool] == _NEED_INDEX["SEMH"]
        weight = (
            ((kids.sen[pool] > 0) * 2.0 + 1.0)
            * (semh * 4.0 + 1.0)
            * np.where(nc_all[pool] >= 9, 2.0, 1.0)
            * np.exp(self._liability(pool))
        )
        kids.ap[_pick(rng, pool, weight, deficit)] = True

    def _choose_school(self, who: np.ndarray, options: np.ndarray) -> np.ndarray:
        home = self.postcode_xy[self.kids.postcode[who]]
        distance = np.hypot(
            home[:, None, 0] - self.school_xy[options][None, :, 0],
            home[:, None, 1] - self.school_xy[options][None, :, 1],
        )
        nearest = np.argsort(distance, axis=1, kind="stable")
        u = self.kids.u_choice[who]
        rank = np.minimum((u >= 0.6).astype(int) + (u >= 0.85).astype(int), len(options) - 1)
        return options[nearest[np.arange(len(who)), rank]]

    def assign_schools(self, pupils: np.ndarray, nc_all: np.ndarray) -> np.ndarray:
        kids = self.kids
        nc = nc_all[pupils]
        need = pupils[(nc <= 6) & (kids.primary_school[pupils] < 0)]
        kids.primary_school[need] = self._choose_school(need, self.primary_ids)
        need = pupils[(nc >= 7) & (kids.secondary_school[pupils] < 0)]
        kids.secondary_school[need] = self._choose_school(need, self.secondary_ids)
        no_sixth = ~np.isin(kids.secondary_school[pupils], self.sixth_ids)
        need = pupils[(nc >= 12) & no_sixth & ~kids.special[pupils]]
        kids.secondary_school[need] = self._choose_school(need, self.sixth_ids)
        school = np.where(nc <= 6, kids.primary_school[pupils], kids.secondary_school[pupils])
        if len(self.ap_ids):
            school = np.where(kids.ap[pupils], self.ap_ids[0], school)
        return np.where(kids.special[pupils], kids.special_school[pupils], school)

    def issue_upns(self, pupils: np.ndarray, nc: np.ndarray, school: np.ndarray, year: int) -> None:
        kids, rng = self.kids, self.rng
        new = kids.upn[pupils] == ""
        who, nc, school = pupils[new], nc[new], school[new]
        if len(who) == 0:
            return
        elsewhere = (nc > 0) & (rng.random(len(who)) < 0.7)
        la = np.where(
            elsewhere,
            np.array(OTHER_LA_NUMBERS)[rng.integers(0, len(OTHER_LA_NUMBERS), len(who))],
            LA_NUMBER,
        )
        estab = np.where(elsewhere, rng.integers(2000, 5000, len(who)), self.estab[school])
        issued = np.where(elsewhere, year - 1 - rng.integers(0, np.maximum(nc, 1) + 1), year - 1)
        kids.upn[who] = self.issuer.issue(la, estab, issued)

    def set_fsm(self, pupils: np.ndarray, year: int) -> None:
        kids = self.kids
        score = (
            0.9 * self.dep_z[kids.area[pupils]]
            + kids.family[pupils]
            + self.rng.normal(0.0, 0.2, len(pupils))
        )
        n_fsm = round(national.series_value(national.FSM_PERCENT, year) / 100 * len(pupils))
        kids.fsm[pupils] = False
        if n_fsm > 0:
            kids.fsm[pupils[np.argpartition(-score, n_fsm - 1)[:n_fsm]]] = True

    # -- one January --------------------------------------------------------------------------
    def run_year(self, year: int, first: bool) -> pd.DataFrame:
        kids = self.kids
        nc_all = _age_on(kids.by, kids.bm, kids.bd, year - 1, 8, 31) - 4
        share = _lookup(_ROLL_SHARE, nc_all) * ((nc_all >= -2) & (nc_all <= 13))
        on_roll = kids.present & (
            (kids.u_roll < share) | (kids.special & (nc_all >= -2) & (nc_all <= 14))
        )
        pupils = np.flatnonzero(on_roll)
        kids.on_roll &= on_roll  # "was on roll last year" for pupils still on roll
        self.update_sen(pupils, nc_all, year, first)
        self.place_special_and_ap(pupils, nc_all, year)
        school = self.assign_schools(pupils, nc_all)
        self.issue_upns(pupils, nc_all[pupils], school, year)
        self.set_fsm(pupils, year)
        kids.on_roll = on_roll
        return pd.DataFrame(
            {
                "person": pupils,
                "upn": kids.upn[pupils],
                "surname": kids.surname[pupils],
                "forename": kids.forename[pupils],
                "dob": kids.dob[pupils],
                "sex": np.where(kids.sex[pupils] == 1, "M", "F"),
                "nc": nc_all[pupils],
                "school": school,
                "sen": kids.sen[pupils],
                "need1": kids.need1[pupils],
                "need2": kids.need2[pupils],
                "fsm": kids.fsm[pupils],
                "postcode": kids.postcode[pupils],
                "area": kids.area[pupils],
            }
        )

    def child_counts(self, mid_year: int) -> np.ndarray:
        kids = self.kids
        age = _age_on(kids.by, kids.bm, kids.bd, mid_year, 6, 30)
        keep = kids.present & self.inside[kids.area] & (age >= 0) & (age < 20)
        counts = np.zeros((self.n_lsoas, 2, 20), dtype=np.int64)
        np.add.at(counts, (kids.area[keep], kids.sex[keep], age[keep]), 1)
        return counts


def simulate_pupils(
    rng: np.random.Generator,
    geography: DemoGeography,
    schools: pd.DataFrame,
    base: np.ndarray,
    census_years: list[int],
    mid_years: list[int],
) -> PupilModel:
    """Follow the council's children year by year and record each January census.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    geography : DemoGeography
        Home areas and postcodes.
    schools : pandas.DataFrame
        Schools from :func:`jsna.demo.schools.build_schools`.
    base : numpy.ndarray
        ``(n_areas, 2, 91)`` expected base-year population by area, sex and age.
    census_years : list of int
        January census years to record (consecutive).
    mid_years : list of int
        Mid-years (30 June) for which to count resident children.

    Returns
    -------
    PupilModel
        Clean pupil rows per census year and resident children per mid-year.
    """
    first_year = min(census_years[0], mid_years[0] + 1) - BURN_IN_YEARS
    last_year = max(census_years[-1], mid_years[-1] + 1)
    sim = _Simulation(rng, geography, schools, base)
    census: dict[int, pd.DataFrame] = {}
    counts: dict[int, np.ndarray] = {}
    for step, year in enumerate(range(first_year, last_year + 1)):
        mid_year = year - 1
        if step == 0:
            sim.seed_population(mid_year)
        else:
            sim.age_one_year(mid_year, step)
        frame = sim.run_year(year, first=step == 0)
        if year in census_years:
            census[year] = frame
        if mid_year in mid_years:
            counts[mid_year] = sim.child_counts(mid_year)
    return PupilModel(census, counts, sim.issuer)
