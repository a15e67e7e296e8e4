"""The demo council's previous-year JSNA, so the site can show "changes since last year"."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path


def write_previous_year_config(config_path: Path) -> Path:
    """Write ``jsna_<year - 1>.toml`` beside a demo config: the same council a year earlier.

    The previous JSNA uses every census but the latest and keeps its cleaned files apart
    (``clean_<year - 1>``), as a council's folder would hold last year's signed-off run.

    Parameters
    ----------
    config_path : Path
        The demo's ``jsna.toml``.

    Returns
    -------
    Path
        The previous year's configuration file.
    """
    text = config_path.read_text(encoding="utf-8")
    year = tomllib.loads(text)["jsna"]["year"]
    previous = year - 1
    text = re.sub(rf"^{year} = .*\n", "", text, flags=re.M)  # drop the latest census
    text = re.sub(r"^year = \d+$", f"year = {previous}", text, flags=re.M)
    text = text.replace(f"Assessment {year}", f"Assessment {previous}")
    # the local extracts (casework, health waiting lists, children in need) are snapshots taken
    # for this year's JSNA: last year's run had its own, so it does without them here rather
    # than read this year's with last year's dates (which would revise last year's figures)
    text = re.sub(r"^(sen2_extract|health_waits|health_provider_lookup|cin_extract) = .*\n", "",
                  text, flags=re.M)
    # last year's JSNA had the NEET files up to last year (the newest is named without a year)
    text = text.replace(', "comparators/neet_send.csv"]', "]")
    text = re.sub(r'^(folder = .*)$', rf'\1\nclean_folder = "clean_{previous}"', text, flags=re.M)
    path = config_path.with_name(f"jsna_{previous}.toml")
    path.write_text(text, encoding="utf-8")
    return path
