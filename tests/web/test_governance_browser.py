"""The governance pages in Debian's Chromium: an analyst updates a review action with the
keyboard alone, and axe-core finds nothing serious on any governance page, in English
or Welsh. Screenshots are saved under test-artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    axe_violations,
    live_server,
    require_chromium,
    screenshot,
)
from tests.web.conftest import PASSWORD, Site
from tests.web.test_governance_pages import include_governance

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]
REVIEW = "/governance/gwent/reviews/gwent-csr"


@pytest.fixture(scope="module")
def server(site_template: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from diogel.config import Settings
    from diogel.governance import example_path
    from diogel.governance.registry import load_register_file
    from diogel.storage import open_store
    from diogel.web import create_app

    require_chromium()
    folder = tmp_path_factory.mktemp("live-governance")
    db = folder / "site.duckdb"
    shutil.copy(site_template.db, db)
    store = open_store(str(db))
    load_register_file(store, example_path("gwent"))
    settings = Settings(database_url=str(db), extra={"web": {"files_dir": str(folder / "files")}})
    app = include_governance(create_app(settings, store))
    try:
        with live_server(app) as url:
            yield url
    finally:
        store.close()


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Any]:
    """The analyst's tab, logged in (axe is injected, so the page's CSP is bypassed)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=server, bypass_csp=True, locale="en-GB",
                                      viewport={"width": 1280, "height": 900})  # fmt: skip
        context.set_default_timeout(30_000)
        tab = context.new_page()
        tab.goto("/login")
        tab.get_by_label("User name").fill("ana")
        tab.get_by_label("Password").fill(PASSWORD)
        tab.get_by_role("button", name="Log in").click()
        tab.wait_for_url("**/")
        yield tab
        browser.close()


def accessible(page: Any, name: str) -> None:
    """No serious or critical axe findings on the current page; and a screenshot."""
    screenshot(page, name)
    found = axe_violations(page)
    assert not found, f"{name}: {found}"


def tab_to(page: Any, element_id: str, limit: int = 60) -> None:
    """Press Tab until the element with ``element_id`` has the focus."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_update_an_action_with_the_keyboard(page: Any) -> None:
    page.goto(REVIEW)
    accessible(page, "gov-01-tracker")
    link = page.get_by_role("link", name="Update 6.2-b")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{REVIEW}/actions/6.2-b")
    assert page.get_by_role("heading", level=1).inner_text() == "Update an action"
    accessible(page, "gov-02-action")
    page.locator("main").focus()
    tab_to(page, "u-status")
    page.keyboard.type("In progress")  # a select chooses the option typed
    assert page.locator("#u-status").input_value() == "in-progress"
    tab_to(page, "u-rag")
    page.keyboard.type("Amber")
    assert page.locator("#u-rag").input_value() == "amber"
    tab_to(page, "u-note")
    page.keyboard.type("Funding agreed; recruitment has started")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    tab_to(page, "u-on")
    page.keyboard.press("Tab")
    for _ in range(5):  # through the date's own fields, to the button
        if page.evaluate("document.activeElement.tagName") == "BUTTON":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Record the change"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{REVIEW}?done=updated*")
    notice = page.get_by_role("status")
    assert "Action 6.2-b was updated" in notice.inner_text()
    row = page.locator("#action-6\\.2-b")
    assert "In progress" in row.inner_text() and "Amber" in row.inner_text()
    accessible(page, "gov-03-tracker-updated")
    page.goto(f"{REVIEW}/actions/6.2-b")
    history = page.locator("table.data").first.inner_text()
    assert "Status: Not started → In progress" in history and "RAG: Red → Amber" in history
    assert "Funding agreed; recruitment has started" in history


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_governance_pages_are_accessible(page: Any, lang: str) -> None:
    paths = ["/governance/gwent", "/governance/gwent/register", "/governance/gwent/bodies/new",
             "/governance/gwent/discharges/cda-strategy+csp-torfaen/edit",
             "/governance/gwent/bodies/safer-gwent/remove", "/governance/import", REVIEW]  # fmt: skip
    for i, path in enumerate(paths):
        page.goto(f"{path}?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        accessible(page, f"gov-1{i}-{lang}-{path.strip('/').replace('/', '-')}")
    page.goto(f"/governance/gwent/bodies/new?lang={lang}")
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    accessible(page, f"gov-20-{lang}-form-errors")
    page.goto("/governance/gwent?lang=en")
