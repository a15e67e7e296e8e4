"""The page shell prints titles, names and links from the config as text (issue 14, item 1)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from jsna.render.html import Link, PageContext, html_notebook, render_page

HOSTILE = '</title><img src=x onerror=alert(1)> <script>alert(1)</script> *bold* "q" & <b>'


def test_titles_nav_downloads_and_footer_are_printed_as_text():
    context = PageContext(
        site_title=f"Site {HOSTILE}", page_title=f"Page {HOSTILE}",
        nav=[Link(f"Nav {HOSTILE}", "index.html", current=True)],
        downloads=[Link(f"Download {HOSTILE}", "data/x.csv", size="1 KB")],
        footer=f"Footer {HOSTILE}", banner=f"Banner {HOSTILE}", banner_tag=f"Tag {HOSTILE}",
        previous=Link(f"Previous {HOSTILE}", "a.html"), next=Link(f"Next {HOSTILE}", "b.html"))
    page = render_page(html_notebook([("html", "<p>Body</p>")]), context)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find_all("script") == [] and soup.find_all("img") == []
    assert soup.find_all("b") == []
    assert soup.title.get_text() == f"Page {HOSTILE} – Site {HOSTILE}"
    assert soup.select_one("a.site-title").get_text() == f"Site {HOSTILE}"
    assert soup.select_one("nav.chapters a").get_text() == f"Nav {HOSTILE}"
    assert soup.select_one(".downloads a").get_text() == f"Download {HOSTILE}"
    assert soup.select_one("a[rel=prev]").get_text() == f"Previous: Previous {HOSTILE}"
    assert soup.select_one("a[rel=next]").get_text() == f"Next: Next {HOSTILE}"
    assert soup.select_one("footer p").get_text() == f"Footer {HOSTILE}"
    assert soup.select_one(".banner").get_text() == f"Tag {HOSTILE} Banner {HOSTILE}"
    # the inlined stylesheet is not escaped (a child combinator stays a ">")
    assert ".chapter-list > li" in soup.style.get_text()
