"""Where the cleaned census is kept, and whether it is up to date (no heavy imports).

Cleaned, pseudonymised record-level tables live in ``config.clean_dir`` beside the configuration,
never under the published outputs. A stamp file records the toolkit version and the size and
modification time of every input they were made from, so a refresh re-cleans only when needed.
"""

from __future__ import annotations

from pathlib import Path

from jsna.config import CLEANED_PUPILS_FILE, Config

#: File name of the cleaned census in ``config.clean_dir`` (or ``census.cleaned_folder``).
PUPILS_FILE = CLEANED_PUPILS_FILE
#: Records which inputs and toolkit version the cleaned files were made from.
STAMP_FILE = "cleaned_from.txt"


def _clean_inputs(config: Config) -> list[Path]:
    inputs = [config.path, *config.inputs.census.values()]
    return inputs + [p for p in (config.inputs.postcode_lookup, config.inputs.lsoa_ward_lookup,
                                 config.inputs.imd) if p is not None]


def _stamp(config: Config) -> str:
    """What the cleaned files were made from: toolkit version and each input's size and time."""
    import jsna

    parts = [f"jsna {jsna.__version__}"]
    for path in _clean_inputs(config):
        status = path.stat()
        parts.append(f"{path} {status.st_size} {status.st_mtime_ns}")
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


