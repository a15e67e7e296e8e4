"""One module per JSNA chapter; each ``build(config)`` returns tables, figures and findings."""

from jsna.chapters.registry import CHAPTERS, ChapterInfo

__all__ = ["CHAPTERS", "ChapterInfo"]
