"""The browser suite: Debian's Chromium, driven by Playwright, against a live server.

One analyst's journey, in order: log in, upload a real police.uk file and see its counts,
read the dashboard, open the map (which must draw), compare areas, write and download an
assessment PDF, and switch to Welsh. axe-core checks every page in both languages.
Screenshots are saved under test-artifacts/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import data_rows
from tests.web.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    axe_violations,
    live_server,
    require_chromium,
    screenshot,
)
from tests.web.conftest import GWENT, PASSWORD, Site

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]
UPLOADED = GWENT / "2024-06-gwent-street.csv"


@pytest.fixture(scope="module")
def server(site_template: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from diogel.config import Settings
    from diogel.storage import open_store
    from diogel.web import create_app

    require_chromium()
    folder = tmp_path_factory.mktemp("live")
    db = folder / "site.duckdb"
    shutil.copy(site_template.db, db)
    store = open_store(str(db))
    settings = Settings(database_url=str(db), extra={"web": {"files_dir": str(folder / "files")}})
    try:
        with live_server(create_app(settings, store)) as url:
            yield url
    finally:
        store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def page(browser: Any, server: str) -> Iterator[Any]:
    """The analyst's tab (axe is injected, so the page's CSP is bypassed for the tests)."""
    context = browser.new_context(base_url=server, bypass_csp=True, accept_downloads=True,
                                  locale="en-GB", viewport={"width": 1280, "height": 900})  # fmt: skip
    context.set_default_timeout(30_000)
    tab = context.new_page()
    yield tab
    context.close()


def accessible(page: Any, name: str) -> None:
    """No serious or critical axe findings on the current page; and a screenshot."""
    screenshot(page, name)
    found = axe_violations(page)
    assert not found, f"{name}: {found}"


def chart_drawn(page: Any) -> None:
    """Wait for the chart image and check it loaded."""
    page.wait_for_function(
        "() => { const i = document.querySelector('figure.chart img'); "
        "return i && i.complete && i.naturalWidth > 0; }", timeout=30_000,
    )  # fmt: skip


def test_login_page_then_log_in(page: Any) -> None:
    page.goto("/")
    assert "/login" in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    accessible(page, "01-login")
    page.get_by_label("User name").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard"


def test_keyboard_reaches_the_skip_link_first(page: Any) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"


def test_upload_a_police_uk_file_and_see_its_counts(page: Any) -> None:
    page.goto("/data")
    accessible(page, "02-data")
    page.get_by_label("Street crime, outcomes or stop and search files").set_input_files(
        str(UPLOADED)
    )
    page.get_by_role("button", name="Upload and load").click()
    page.wait_for_selector("#upload-result", timeout=60_000)
    row = page.locator("#upload-result tbody tr").first
    rows_in = int(row.locator("[data-rows-in]").inner_text().replace(",", ""))
    accepted = int(row.locator("[data-accepted]").inner_text().replace(",", ""))
    rejected = int(row.locator("[data-rejected]").inner_text().replace(",", ""))
    assert rows_in == data_rows(UPLOADED)
    assert accepted + rejected == rows_in and accepted > 0
    accessible(page, "03-upload-done")


def test_dashboard_shows_the_uploaded_month(page: Any) -> None:
    page.goto("/?area=Newport")
    assert page.locator("#to").input_value() == "2024-06"
    total = int(page.locator("[data-total]").inner_text().replace(",", ""))
    assert total > 1000
    chart_drawn(page)
    accessible(page, "04-dashboard")


def test_map_draws_features(page: Any) -> None:
    page.goto("/map?area=Newport")
    page.wait_for_selector("#map[data-drawn]", timeout=60_000)
    assert int(page.locator("#map").get_attribute("data-drawn")) > 50
    assert page.locator("#map path.leaflet-interactive").count() > 50
    assert page.locator("table.data").count() == 2  # the data beside the map
    accessible(page, "05-map")


def test_compare_areas(page: Any) -> None:
    page.goto("/compare?area=Newport")
    assert page.locator("table.data tbody tr").count() == 5  # Gwent's councils
    chart_drawn(page)
    accessible(page, "06-compare")


def test_generate_and_download_an_assessment_pdf(page: Any, tmp_path: Path) -> None:
    page.goto("/assessments")
    page.get_by_label("Area").select_option(label="Newport")
    page.get_by_label("From (year-month)").fill("2024-04")
    page.get_by_label("To (year-month)").fill("2024-06")
    page.get_by_role("button", name="Write the assessment").click()
    page.wait_for_url("**/assessments/*")
    accessible(page, "07-assessment-running")
    page.wait_for_selector("#download-pdf", timeout=120_000)
    with page.expect_download() as info:
        page.locator("#download-pdf").click()
    saved = tmp_path / "assessment.pdf"
    info.value.save_as(saved)
    assert saved.read_bytes()[:5] == b"%PDF-"
    assert saved.stat().st_size > 50_000
    accessible(page, "08-assessment-done")
    page.goto("/assessments")
    accessible(page, "09-assessments")


def test_switch_to_welsh_and_every_page_in_welsh(page: Any) -> None:
    page.goto("/")
    page.get_by_role("link", name="Cymraeg").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("heading", level=1).inner_text() == "Dangosfwrdd"
    page.goto("/data")  # the choice is remembered without ?lang=
    assert page.locator("html").get_attribute("lang") == "cy"
    for i, path in enumerate(["/", "/map?area=Casnewydd", "/compare", "/data", "/assessments"]):
        page.goto(path)
        if path.startswith("/map"):
            page.wait_for_selector("#map[data-drawn]", timeout=60_000)
        accessible(page, f"1{i}-cy-{path.strip('/').split('?')[0] or 'dashboard'}")
    page.goto("/?lang=en")


def test_admin_pages_are_accessible(browser: Any, server: str) -> None:
    context = browser.new_context(base_url=server, bypass_csp=True)
    tab = context.new_page()
    tab.goto("/login")
    tab.get_by_label("User name").fill("ann")
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    tab.wait_for_url("**/")
    tab.goto("/admin/users")
    accessible(tab, "20-users")
    tab.goto("/data/rejects/1")
    accessible(tab, "22-rejects")
    tab.goto("/no-such-page")
    accessible(tab, "23-not-found")
    tab.goto("/api/v1/docs")
    tab.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    screenshot(tab, "21-api-docs")
    context.close()
