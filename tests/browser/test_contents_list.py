"""The contents list shows every chapter's number whole.

The list scrolls inside its own box when it is taller than the window, and such a box clips what
lies outside it, list numbers included: with 17 entries "10." to "17." lost their first digit.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

#: The width the longest number of the list takes in the list's own font, and the room the list
#: leaves for it (its left padding; the number sits in that padding, right-aligned).
MEASURE = """() => {
  const list = document.querySelector("nav.chapters ol");
  const items = list.querySelectorAll(":scope > li");
  const probe = document.createElement("span");
  probe.textContent = items.length + ".";
  probe.style.font = getComputedStyle(items[0]).font;
  probe.style.position = "absolute";
  document.body.appendChild(probe);
  const width = probe.getBoundingClientRect().width;
  probe.remove();
  return {count: items.length, number: width,
          room: parseFloat(getComputedStyle(list).paddingLeft)};
}"""


def test_every_chapter_number_fits_inside_the_contents_box(demo_site, open_page):
    page, _ = open_page(demo_site / "06_outcomes.html", site=demo_site)
    measured = page.evaluate(MEASURE)
    assert measured["count"] >= 10  # two-digit numbers: the case that was clipped
    # the marker's own gap after the number needs a little more than the number itself
    assert measured["room"] >= measured["number"] * 1.3, measured
