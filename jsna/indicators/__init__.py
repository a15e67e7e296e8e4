"""Indicators: the catalogue and the computation of the long indicator table."""
