"""Fixtures for the census-cleaning tests."""

from census_fixtures import geography_files  # noqa: F401  (re-exported as a pytest fixture)
