"""Synthetic demo council ("Demoton") so the whole SEND JSNA can run on data nobody real is in.

``write_demo(folder)`` writes geography, deprivation, population, postcodes, schools, five January
pupil-level census files (with realistic data-quality problems), DfE-layout comparator files and
the ``jsna.toml`` that points at them.
"""

from jsna.demo.council import write_demo

__all__ = ["write_demo"]
