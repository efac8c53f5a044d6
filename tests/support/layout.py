"""Browser checks of layout and accessibility: sideways scroll and axe-core.

axe-core comes from npm (package.json devDependencies, installed by `npm ci`)
and is injected into the page under test; nothing is fetched from elsewhere.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Frame, Page

from tests.support.browser import REPO_ROOT
from tests.support.harness import ORGANISER_PASSWORD

AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"

# What overflows, for a readable failure: the elements wider than the viewport.
_OVERFLOW = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 0.5 && box.width > 0) {
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "");
      wide.push(`${name} (right edge ${Math.round(box.right)})`);
    }
  }
  return { scroll: root.scrollWidth, client: width, wide: wide.slice(0, 8) };
}"""


def sideways_overflow(page: Page) -> str | None:
    """None when the page fits its viewport's width; else what sticks out."""
    seen = page.evaluate(_OVERFLOW)
    if seen["scroll"] <= seen["client"]:
        return None
    return f"scrollWidth {seen['scroll']} > clientWidth {seen['client']}: {', '.join(seen['wide'])}"


def axe_violations(target: Page | Frame) -> list[str]:
    """axe-core's violations on the page as it is now, one readable line each."""
    assert AXE_PATH.exists(), f"{AXE_PATH} is missing: run `npm ci` (axe-core is a devDependency)"
    target.add_script_tag(path=str(AXE_PATH))
    result: dict[str, Any] = target.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    lines = []
    for violation in result["violations"]:
        where = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:4])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {where}")
    return lines


def log_in_organiser(page: Page, email: str) -> None:
    """Log `page`'s context in to the dashboard as `email` (the test password)."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(ORGANISER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard/**")
