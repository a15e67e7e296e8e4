"""Charts, tables and their accessible HTML (Analysis Function style, alt text from data)."""

from jsna.viz.display import Figure, Table

__all__ = ["Figure", "Table"]
