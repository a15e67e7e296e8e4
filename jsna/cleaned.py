"""Where the cleaned census is kept, and whether it is up to date (no heavy imports).

Cleaned, pseudonymised record-level tables live in ``config.clean_dir`` beside the configuration,
never under the published outputs. A stamp file records the toolkit version and the size and
modification time of every input they were made from, so a refresh re-cleans only when needed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jsna.config import CLEANED_PUPILS_FILE, Config

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from jsna.clean.care import CareCleanResult
    from jsna.clean.health import HealthCleanResult
    from jsna.clean.sen2 import Sen2CleanResult

#: File name of the cleaned census in ``config.clean_dir`` (or ``census.cleaned_folder``).
PUPILS_FILE = CLEANED_PUPILS_FILE
#: Records which inputs and toolkit version the cleaned files were made from.
STAMP_FILE = "cleaned_from.txt"


def _clean_inputs(config: Config) -> list[Path]:
    inputs = [config.path, *config.inputs.census.values()]
    return inputs + [p for p in (config.inputs.postcode_lookup, config.inputs.lsoa_ward_lookup,
                                 config.inputs.imd) if p is not None]


def _stamp(config: Config) -> str:
    """What the cleaned files were made from: toolkit version, each input's size and time, and
    the secret the pupil keys were made with (``census.salt_env`` can change without the config
    file: keys made with another secret would no longer link to the extracts' keys). The secret
    is written only as a SHA-256 digest."""
    import jsna

    parts = [f"jsna {jsna.__version__}"]
    for path in _clean_inputs(config):
        status = path.stat()
        parts.append(f"{path} {status.st_size} {status.st_mtime_ns}")
    if config.census.salt:
        secret = hashlib.sha256(f"jsna census secret\n{config.census.salt}".encode()).hexdigest()
        parts.append(f"secret {secret}")
    return "\n".join(parts) + "\n"


def census_folder(config: Config) -> Path:
    """Where the council's cleaned census is read from: ``census.cleaned_folder`` when the
    census was cleaned elsewhere (``jsna clean census --out``), else ``config.clean_dir``."""
    return config.census.cleaned_folder or config.clean_dir


def clean_is_fresh(config: Config) -> bool:
    """True when the cleaned census was made by this toolkit version from the current inputs
    (always, for a census cleaned elsewhere: ``census.cleaned_folder`` is read as it is)."""
    if config.census.cleaned_folder is not None:
        return True
    stamp = config.clean_dir / STAMP_FILE
    return (config.clean_dir / PUPILS_FILE).exists() and stamp.exists() and (
        stamp.read_text(encoding="utf-8") == _stamp(config)
    )


def clean_census_to_disk(config: Config, out_dir: Path | None = None) -> list[Path]:
    """Clean every configured census and write the cleaned outputs.

    Parameters
    ----------
    config : Config
        The council's configuration.
    out_dir : Path, optional
        Default ``config.clean_dir``.

    Returns
    -------
    list of Path
        Files written (pupils, reconciliation, validation report).
    """
    from jsna.clean.census import clean_census, write_census_outputs

    result = clean_census(config)
    folder = out_dir or config.clean_dir
    written = write_census_outputs(result, folder)
    if folder == config.clean_dir:
        (folder / STAMP_FILE).write_text(_stamp(config), encoding="utf-8")
    return written




# ---------------------------------------------------------------------------------------------
# Local record-level extracts (SEN2 casework, health waiting lists, children in need): each is
# cleaned once and the result kept on disk, so the chapters that use it and the data quality page
# (each in its own process) read the same clean instead of cleaning the file again.

#: Folder of ``config.clean_dir`` holding each extract's cleaned result, one sub-folder per extract
#: and, inside it, one per cache key. Pseudonymised record-level data, like ``pupils.parquet``: no
#: UPN, name, date of birth, NHS number or postcode, but person keys, dates of requests and
#: referrals and LSOAs, so it lives in the never-published cleaned folder only.
EXTRACT_CACHE_FOLDER = "extract_cache"
#: The extracts cached, by the name ``jsna clean`` gives them.
EXTRACTS = ("sen2", "health", "cin")
_FRAMES = ("records", "reconciliation", "findings")


def _file_parts(paths: Iterable[Path | None]) -> list[str]:
    parts = []
    for path in paths:
        if path is not None:
            status = Path(path).stat()
            parts.append(f"{path} {status.st_size} {status.st_mtime_ns}")
    return parts


def _extract_stamp(config: Config, extract: str) -> list[str]:
    """What a clean of ``extract`` depends on: its files (as the census stamp: path, size and
    modification time), the options its cleaner reads and the day for cleaners that compare dates
    with today. The config file itself is included, as for the census, so any edit of it cleans
    again; the salt is included because ``census.salt_env`` can change without the file."""
    import datetime

    from jsna.clean.health import health_extracts

    inputs = config.inputs
    if extract == "sen2":
        files = [inputs.sen2_extract]
        options = [config.sen2, config.year, config.area.name]
    elif extract == "health":
        files = [*(e.path for e in health_extracts(config)), inputs.postcode_lookup,
                 inputs.lsoa_ward_lookup, inputs.ward_boundaries, inputs.health_provider_lookup]
        options = [health_extracts(config), config.health, config.census.columns, config.year,
                   config.area.code, config.area.name]
    elif extract == "cin":
        # future dates are judged against the day of cleaning
        files = [inputs.cin_extract]
        options = [config.cin_columns, config.year, datetime.date.today()]
    else:
        raise ValueError(f"unknown extract {extract!r}: expected one of {', '.join(EXTRACTS)}")
    import jsna

    return [f"jsna {jsna.__version__}", *_file_parts([config.path, *files]), repr(options),
            f"salt {config.census.salt}"]


def extract_cache_key(config: Config, extract: str) -> str:
    """The cache key of an extract's clean (a SHA-256 of :func:`_extract_stamp`; the salt is
    inside the digest, never written out).

    Parameters
    ----------
    config : Config
        The council's configuration.
    extract : str
        ``"sen2"``, ``"health"`` or ``"cin"``.

    Returns
    -------
    str
        64 hexadecimal characters; any change of the extract's files, the options its cleaner
        reads, the salt or the toolkit version gives another key.
    """
    text = "\n".join([f"extract {extract}", *_extract_stamp(config, extract)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _clean_extract(config: Config, extract: str) -> tuple[Any, pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Clean an extract: (records table or frame, reconciliation, findings, other fields)."""
    if extract == "sen2":
        from jsna.clean.sen2 import clean_sen2

        sen2 = clean_sen2(config)
        return sen2.casework, sen2.reconciliation, sen2.findings, {"title": sen2.title}
    if extract == "health":
        from jsna.clean.health import clean_health

        health = clean_health(config)
        return health.waits, health.reconciliation, health.findings, {
            "title": health.title, "extract_date": health.extract_date.isoformat()}
    from jsna.clean.care import clean_cin

    care = clean_cin(config)
    return care.records, care.reconciliation, care.findings, {"source": care.source}


def _write_arrow(table: pa.Table, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.ipc

    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)


def _read_arrow(path: Path) -> pa.Table:
    import pyarrow as pa
    import pyarrow.ipc

    with pa.OSFile(str(path), "rb") as source:  # read into memory: no file left mapped
        return pa.ipc.open_file(source).read_all()


def _write_cache(folder: Path, records: Any, reconciliation: pd.DataFrame,
                 findings: pd.DataFrame, fields: dict[str, Any]) -> None:
    """Write one clean into ``folder`` atomically: into a temporary folder beside it, renamed
    into place whole (a reader sees the complete clean or none)."""
    import pandas as pd
    import pyarrow as pa

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".writing-", dir=folder.parent))
    try:
        frames = {"records": records, "reconciliation": reconciliation, "findings": findings}
        for name, frame in frames.items():
            table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame)
            _write_arrow(table, staging / f"{name}.arrow")
        fields = {**fields, "records_are_frame": isinstance(records, pd.DataFrame)}
        (staging / "fields.json").write_text(json.dumps(fields, sort_keys=True), encoding="utf-8")
        try:
            staging.rename(folder)
        except OSError:
            if not (folder / "fields.json").exists():  # not another process's identical clean
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    for old in folder.parent.iterdir():  # earlier keys' cleans: stale, and record-level
        if old != folder and not old.name.startswith(".writing-"):
            shutil.rmtree(old, ignore_errors=True)


def _read_cache(folder: Path) -> tuple[Any, pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """The clean :func:`_write_cache` wrote (frames as they were, tables as Arrow tables)."""
    fields = json.loads((folder / "fields.json").read_text(encoding="utf-8"))
    tables = {name: _read_arrow(folder / f"{name}.arrow") for name in _FRAMES}
    records: Any = tables["records"]
    if fields.pop("records_are_frame"):
        records = records.to_pandas()
    return records, tables["reconciliation"].to_pandas(), tables["findings"].to_pandas(), fields


def _cached_clean(config: Config, extract: str) -> tuple[Any, pd.DataFrame, pd.DataFrame,
                                                            dict[str, Any]]:
    folder = config.clean_dir / EXTRACT_CACHE_FOLDER / extract / extract_cache_key(config, extract)
    if (folder / "fields.json").exists():
        return _read_cache(folder)
    records, reconciliation, findings, fields = _clean_extract(config, extract)
    _write_cache(folder, records, reconciliation, findings, fields)
    return _read_cache(folder)  # what every later reader gets, so first and later runs agree


def cleaned_sen2(config: Config) -> Sen2CleanResult:
    """The config's SEN2 casework extract cleaned (:func:`jsna.clean.sen2.clean_sen2`), once:
    the result is kept in ``config.clean_dir`` under :func:`extract_cache_key` and read back
    while the extract, its options, the salt and the toolkit version are unchanged.

    Raises
    ------
    JsnaInputError
        As :func:`jsna.clean.sen2.clean_sen2` (nothing is cached for a bad extract).
    """
    from jsna.clean.sen2 import Sen2CleanResult

    casework, reconciliation, findings, fields = _cached_clean(config, "sen2")
    return Sen2CleanResult(casework, reconciliation, findings, **fields)


def cleaned_health(config: Config) -> HealthCleanResult:
    """The config's health waiting-list extracts cleaned (:func:`jsna.clean.health.clean_health`),
    once, as :func:`cleaned_sen2`."""
    import datetime

    from jsna.clean.health import HealthCleanResult

    waits, reconciliation, findings, fields = _cached_clean(config, "health")
    return HealthCleanResult(waits, reconciliation, findings,
                             extract_date=datetime.date.fromisoformat(fields["extract_date"]),
                             title=fields["title"])


def cleaned_cin(config: Config) -> CareCleanResult:
    """The config's children in need / looked after extract cleaned
    (:func:`jsna.clean.care.clean_cin`, future dates judged against today), once a day, as
    :func:`cleaned_sen2`."""
    from jsna.clean.care import CareCleanResult

    records, reconciliation, findings, fields = _cached_clean(config, "cin")
    return CareCleanResult(records, reconciliation, findings, **fields)


#: The chapters that read each extract's clean (the data quality page reads every one).
EXTRACT_READERS: dict[str, tuple[str, ...]] = {
    "sen2": ("ehcp", "quality"), "health": ("health", "quality"), "cin": ("social_care", "quality"),
}


def _extract_configured(config: Config, extract: str) -> bool:
    if extract == "sen2":
        return config.inputs.sen2_extract is not None
    if extract == "cin":
        return config.inputs.cin_extract is not None
    from jsna.clean.health import health_extracts

    return bool(health_extracts(config))


def clean_extracts_once(config: Config, chapters: Iterable[str]) -> list[str]:
    """Clean, before the chapters run side by side, each configured extract two or more of
    ``chapters`` read, so they read one clean rather than each making it at the same time.

    A bad extract is left for its chapters to report (each fails naming the file and column,
    as without this step); the other chapters still run.

    Returns
    -------
    list of str
        The extracts whose clean is now kept (already or just made).
    """
    from jsna.errors import JsnaError

    running = set(chapters)
    done = []
    for extract, readers in EXTRACT_READERS.items():
        if len(running & set(readers)) < 2 or not _extract_configured(config, extract):
            continue
        try:
            _cached_clean(config, extract)
        except JsnaError:  # reported by the chapters that read it, one line naming the file
            continue
        done.append(extract)
    return done
