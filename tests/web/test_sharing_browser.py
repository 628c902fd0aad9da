"""The sharing admin pages in Debian's Chromium: an admin adds an information sharing
agreement using the keyboard alone, and axe-core finds nothing serious on any sharing page,
in English or in Welsh. Screenshots are saved under test-artifacts/."""

from __future__ import annotations

import datetime as dt
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

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]
NEWPORT = "W06000022"
TODAY = dt.date.today()


def world(store: Any) -> None:
    """Agencies, a partnership with a member, a declared dataset and one agreement."""
    from diogel.sharing.agreements import add_agreement, parse_agreement
    from diogel.sharing.registry import add_agency, add_member, add_partnership, set_dataset_policy

    add_agency(store, "abuhb", "Aneurin Bevan University Health Board", "health-board")
    add_agency(store, "gwent-police", "Gwent Police", "police")
    add_partnership(store, "newport-csp", "Safer Newport", "csp", [NEWPORT])
    add_member(store, "alice", "partnership", "newport-csp", "analyst")
    set_dataset_policy(store, "partner:istv", "abuhb", "special", description="A&E assaults")
    add_agreement(store, parse_agreement({
        "id": "police-asb-newport", "title": "ASB incidents for the Newport CSP",
        "purpose": "Problem solving", "legal_basis": "Crime and Disorder Act 1998 s.115",
        "level": "aggregate", "starts": TODAY - dt.timedelta(days=400),
        "expires": TODAY + dt.timedelta(days=30), "review": TODAY - dt.timedelta(days=10),
        "retention_days": 365,
        "parties": [{"kind": "agency", "id": "abuhb", "role": "provider"},
                    {"kind": "partnership", "id": "newport-csp", "role": "recipient"}],
        "datasets": [{"name": "partner:istv", "fields": "*"}],
        "signatories": [{"name": "Caldicott Guardian", "agency": "abuhb",
                         "signed": TODAY - dt.timedelta(days=401)}],
    }), by="ann")  # fmt: skip


@pytest.fixture(scope="module")
def server(site_template: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from diogel.config import Settings
    from diogel.storage import open_store
    from diogel.web import create_app

    require_chromium()
    folder = tmp_path_factory.mktemp("sharing-live")
    db = folder / "site.duckdb"
    shutil.copy(site_template.db, db)
    store = open_store(str(db))
    world(store)
    settings = Settings(database_url=str(db), extra={"web": {"files_dir": str(folder / "files")}})
    try:
        with live_server(create_app(settings, store)) as url:
            yield url
    finally:
        store.close()


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Any]:
    """The admin's tab, logged in (axe is injected, so the page's CSP is bypassed)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=server, bypass_csp=True, locale="en-GB",
                                      viewport={"width": 1280, "height": 900})  # fmt: skip
        context.set_default_timeout(30_000)
        tab = context.new_page()
        tab.goto("/login")
        tab.get_by_label("User name").fill("ann")
        tab.get_by_label("Password").fill(PASSWORD)
        tab.get_by_role("button", name="Log in").click()
        tab.wait_for_url("**/")
        yield tab
        context.close()
        browser.close()


def accessible(page: Any, name: str) -> None:
    """No serious or critical axe findings on the current page; and a screenshot."""
    screenshot(page, name)
    found = axe_violations(page)
    assert not found, f"{name}: {found}"


def tab_to(page: Any, selector: str, limit: int = 400) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"the keyboard never reached {selector}")


def type_date(page: Any, selector: str, day: dt.date) -> None:
    """Type a date into a date field as a person does: the digits in the order the field
    shows (day first in en-GB; this Chromium may show the month first)."""
    tab_to(page, selector)
    for order in ("%d%m%Y", "%m%d%Y"):
        page.keyboard.type(day.strftime(order))
        if page.locator(selector).input_value() == day.isoformat():
            return
        page.locator(selector).fill("")  # start again, from the first part, in the other order
        while page.evaluate("s => document.activeElement.matches(s)", selector):
            page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
    raise AssertionError(f"could not type {day} into {selector}")


def test_add_an_agreement_with_the_keyboard(page: Any) -> None:
    page.goto("/admin/agreements")
    tab_to(page, 'a[href="/admin/agreements/new"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/agreements/new")
    accessible(page, "sharing-01-agreement-form")
    tab_to(page, "#a-title")
    page.keyboard.type("A&E assault counts for the Newport CSP")
    page.keyboard.press("Tab")
    page.keyboard.type("abuhb-istv-newport")
    page.keyboard.press("Tab")
    page.keyboard.type("Cardiff Model violence prevention in Newport")
    page.keyboard.press("Tab")
    page.keyboard.type("Crime and Disorder Act 1998 s.115; UK GDPR Article 6(1)(e)")
    tab_to(page, "#level-aggregate")  # the chosen radio of the group takes the focus
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.locator("#level-record").is_checked()
    type_date(page, "#a-starts", TODAY - dt.timedelta(days=7))
    type_date(page, "#a-expires", TODAY + dt.timedelta(days=365))
    tab_to(page, "#a-retention")
    page.keyboard.type("730")
    for box in ("#provider-agency-abuhb", "#recipient-partnership-newport-csp",
                "#fields-1-month", "#fields-1-category", f"#a-area-{NEWPORT}"):  # fmt: skip
        tab_to(page, box)
        page.keyboard.press("Space")
        assert page.locator(box).is_checked(), box
    tab_to(page, "#sig-1-name")
    page.keyboard.type("Caldicott Guardian")
    page.keyboard.press("Tab")
    page.keyboard.type("Aneurin")  # a closed select picks the option typed
    assert page.locator("#sig-1-agency").input_value() == "abuhb"
    type_date(page, "#sig-1-signed", TODAY - dt.timedelta(days=8))
    tab_to(page, "form.agreement button:not([name])")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/agreements/abuhb-istv-newport?added=1")
    assert page.locator("[role=status]").inner_text().startswith("Agreement added.")
    assert page.locator(".status").first.inner_text() == "In force"
    accessible(page, "sharing-02-agreement-added")


def test_a_refused_agreement_keeps_what_was_typed(page: Any) -> None:
    page.goto("/admin/agreements/new")
    page.get_by_label("Title").fill("Backwards")
    page.get_by_label("Id", exact=True).fill("backwards")
    page.get_by_label("Starts on").fill("2025-06-01")
    page.get_by_label("Expires on").fill("2025-01-01")
    page.get_by_role("button", name="Add the agreement").click()
    page.wait_for_selector("#problem")
    assert "An agreement must expire after it starts" in page.locator("#problem").inner_text()
    assert page.get_by_label("Title").input_value() == "Backwards"
    accessible(page, "sharing-03-agreement-refused")


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_every_sharing_page_is_accessible(page: Any, lang: str) -> None:
    paths = ["/admin/agencies", "/admin/agencies/abuhb", "/admin/partnerships",
             "/admin/partnerships/newport-csp", "/admin/datasets?edit=partner:istv",
             "/admin/agreements", "/admin/agreements/police-asb-newport",
             "/admin/agreements/police-asb-newport/revoke", "/admin/audit?verify=1"]  # fmt: skip
    for i, path in enumerate(paths):
        shown = page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        assert shown.status == 200, path
        assert page.locator("html").get_attribute("lang") == lang
        assert page.locator(".subnav").count() == 1, path
        name = path.strip("/").split("?")[0].replace("/", "-")
        accessible(page, f"sharing-{10 + i}-{lang}-{name}")
    page.goto("/admin/agencies?lang=en")
