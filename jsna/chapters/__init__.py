"""One module per JSNA chapter; each ``build(config)`` returns tables, figures and findings.

The list of chapters, with the inputs each needs, is :mod:`jsna.chapter_list`.
"""
