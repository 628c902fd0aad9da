"""The governance pages: the map, editing the register, the review tracker, the update
paper, import and export; who may change what; and every word in Welsh."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from diogel.governance import example_path, example_register, read_register_file
from diogel.governance.coverage import duty_coverage
from diogel.governance.export import to_yaml
from diogel.governance.model import Register
from diogel.governance.registry import load_register_file, read_register
from tests.web.conftest import log_in

pytestmark = pytest.mark.shared_data
MONMOUTHSHIRE, NEWPORT, TORFAEN = "W06000021", "W06000022", "W06000020"
REVIEW = "/governance/gwent/reviews/gwent-csr"


def include_governance(app: Any) -> Any:
    """The app, with the governance pages included if it does not include them yet."""
    from starlette.routing import NoMatchFound

    from diogel.web import pages_governance

    try:
        app.url_path_for("registers")
    except NoMatchFound:
        app.include_router(pages_governance.router)
    return app


def with_governance(client: Any) -> Any:
    """The client, its app serving the governance pages."""
    include_governance(client.app)
    return client


@pytest.fixture
def gov(client: Any) -> Any:
    """A client with the Gwent register loaded, logged in as ana (analyst)."""
    client.app.state.diogel.run(load_register_file, example_path("gwent"))
    log_in(client, "ana")
    return with_governance(client)


def stored(client: Any) -> Register:
    return client.app.state.diogel.run(read_register, "gwent")


def csrf_of(page: Any) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, page.text[:500]
    return found[1]


def post(client: Any, path: str, data: dict[str, Any], *, csrf: bool = True) -> Any:
    """Post a form as a browser would, with the CSRF token of the page it is on."""
    if csrf:
        data = {**data, "csrf": csrf_of(client.get("/governance/gwent/register"))}
    return client.post(path, data=data, follow_redirects=False)


class Structure(HTMLParser):
    """Headings, labels, table headers and form controls of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.labels: set[str] = set()
        self.controls: list[tuple[str, str | None, bool]] = []
        self.th_without_scope = 0
        self.in_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.labels.add(str(a["for"]))
        elif tag == "th" and "scope" not in a:
            self.th_without_scope += 1
        elif tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit"}:
            self.controls.append((tag, a.get("id"), self.in_label > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1


def check_structure(html: str) -> None:
    """One h1, headings that never skip a level, a label for every control, and a
    scope on every table header."""
    found = Structure()
    found.feed(html)
    assert found.headings.count(1) == 1
    for before, after in zip(found.headings, found.headings[1:], strict=False):
        assert after <= before + 1, found.headings
    unlabelled = [c for c in found.controls if not c[2] and c[1] not in found.labels]
    assert not unlabelled
    assert found.th_without_scope == 0


# -- who may use what -----------------------------------------------------------------

#: Every governance route and the role it needs (the entries tests/web/test_access.py's
#: ROLE table takes once the app includes the governance pages).
ROLES = {
    ("GET", "/governance"): "viewer",
    ("POST", "/governance/example"): "analyst",
    ("GET", "/governance/import"): "analyst",
    ("POST", "/governance/import"): "analyst",
    ("GET", "/governance/{region}"): "viewer",
    ("GET", "/governance/{region}/register.yaml"): "viewer",
    ("GET", "/governance/{region}/register-csv.zip"): "viewer",
    ("GET", "/governance/{region}/register"): "viewer",
    ("GET", "/governance/{region}/{section}/new"): "analyst",
    ("POST", "/governance/{region}/{section}/new"): "analyst",
    ("GET", "/governance/{region}/{section}/{key}/edit"): "analyst",
    ("POST", "/governance/{region}/{section}/{key}/edit"): "analyst",
    ("GET", "/governance/{region}/{section}/{key}/remove"): "analyst",
    ("POST", "/governance/{region}/{section}/{key}/remove"): "analyst",
    ("GET", "/governance/{region}/reviews/{review_id}"): "viewer",
    ("GET", "/governance/{region}/reviews/{review_id}/paper"): "viewer",
    ("GET", "/governance/{region}/reviews/{review_id}/actions/{action_id}"): "viewer",
    ("POST", "/governance/{region}/reviews/{review_id}/actions/{action_id}"): "analyst",
}


def test_every_governance_route_says_who_may_use_it(client: Any) -> None:
    from diogel.web import pages_governance
    from tests.web.test_access import flat

    found = {
        (method, route.path)
        for route in flat(pages_governance.router.routes)
        for method in route.methods - {"HEAD"}
    }
    assert found == set(ROLES)


@pytest.mark.parametrize(("method", "path"), list(ROLES))
def test_governance_refuses_strangers_and_roles_too_low(
    client: Any, method: str, path: str
) -> None:
    with_governance(client)
    concrete = path.replace("{region}", "gwent").replace("{section}", "bodies")
    concrete = re.sub(r"\{[^}]+\}", "x", concrete)
    got = client.request(method, concrete, follow_redirects=False)
    assert got.status_code == 303 and got.headers["location"].startswith("/login?next=")
    if ROLES[(method, path)] == "analyst":
        log_in(client, "vic")
        got = client.request(method, concrete, follow_redirects=False)
        assert got.status_code == 403 and "Not allowed" in got.text


# -- the map --------------------------------------------------------------------------


def test_the_map_shows_coverage_load_overlap_and_network(gov: Any) -> None:
    first = gov.get("/governance", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/governance/gwent"
    page = gov.get("/governance/gwent")
    assert page.status_code == 200
    gwent = example_register("gwent")
    coverage = duty_coverage(gwent)
    html = page.text
    assert html.count('<td class="gap">') == len(coverage.gaps) == 4
    assert html.count('<td class="overlap">') == len(coverage.overlaps)
    assert html.count('<span class="mark gap">Gap: no body</span>') == len(coverage.gaps)
    assert f"{len(coverage.cells)} pairs of council area and duty: " in html
    assert "Council areas without a Community Safety Partnership: Monmouthshire, Newport." in html
    assert 'role="img"' in html and '<title id="network-title">' in html
    assert html.count("<tr><td>") == len(gwent.seats)  # the network's table, a row a seat
    assert "Align the forward work programmes on the themes both bodies share" in html
    check_structure(html)


def test_every_governance_page_is_well_formed_for_screen_readers(gov: Any) -> None:
    for path in ["/governance/gwent", "/governance/gwent/register", REVIEW,
                 f"{REVIEW}/actions/6.2-b", "/governance/gwent/bodies/new",
                 "/governance/gwent/seats/kate-williams+safer-gwent/edit",
                 "/governance/gwent/duties/new", "/governance/gwent/discharges/new",
                 "/governance/gwent/bodies/safer-gwent/remove", "/governance/import"]:  # fmt: skip
        page = gov.get(path)
        assert page.status_code == 200, path
        check_structure(page.text)


# -- editing the register -------------------------------------------------------------


def test_adding_a_discharge_changes_coverage_as_worked_out_by_hand(gov: Any) -> None:
    # By hand, from the register: the crime and disorder strategy is discharged by the
    # CSPs of Blaenau Gwent, Caerphilly and Torfaen only, so Monmouthshire and Newport
    # are gaps: [1, 1, 0, 0, 1] across the five councils, and 4 gaps in all.
    before = duty_coverage(stored(gov))
    assert before.counts().loc["cda-strategy"].tolist() == [1, 1, 0, 0, 1]
    assert len(before.gaps) == 4
    done = post(gov, "/governance/gwent/discharges/new",
                {"duty": "cda-strategy", "body": "gwent-psb", "areas": [MONMOUTHSHIRE]})  # fmt: skip
    assert done.status_code == 303
    assert done.headers["location"] == (
        "/governance/gwent/register?done=added&item=cda-strategy%2Bgwent-psb#discharges"
    )
    after = duty_coverage(stored(gov))
    assert after.counts().loc["cda-strategy"].tolist() == [1, 1, 1, 0, 1]
    assert len(after.gaps) == 3 and after.cell(MONMOUTHSHIRE, "cda-strategy").bodies == (
        "gwent-psb",
    )  # fmt: skip
    page = gov.get("/governance/gwent")
    assert "75 pairs of council area and duty: 69 discharged by one body, 3 gaps, 3 overlaps." in (
        page.text
    )  # fmt: skip
    notice = gov.get(done.headers["location"])
    assert "Added: Strategy to reduce crime, disorder and reoffending – Gwent Public" in notice.text


def test_add_change_and_remove_a_body(gov: Any) -> None:
    done = post(gov, "/governance/gwent/bodies/new", {
        "id": "csp-newport", "name": "Newport Community Safety Partnership",
        "name_cy": "Partneriaeth Diogelwch Cymunedol Casnewydd", "kind": "csp",
        "areas": [NEWPORT], "parent": "safer-gwent", "chair": "ncc", "secretariat": "",
        "meetings_per_year": "6", "themes": ["community-safety", "asb"], "legal_basis": "",
        "note": "",
    })  # fmt: skip
    assert done.status_code == 303, done.text
    reg = stored(gov)
    body = reg.body("csp-newport")
    assert body is not None and body.areas == (NEWPORT,) and body.meetings_per_year == 6
    assert duty_coverage(reg).councils_without_csp == (MONMOUTHSHIRE,)
    form = gov.get("/governance/gwent/bodies/csp-newport/edit")
    assert 'value="Newport Community Safety Partnership"' in form.text
    changed = post(gov, "/governance/gwent/bodies/csp-newport/edit", {
        "name": "Newport CSP", "kind": "csp", "areas": [NEWPORT, TORFAEN],
        "parent": "safer-gwent", "themes": ["asb"], "meetings_per_year": "4",
    })  # fmt: skip
    assert changed.status_code == 303
    body = stored(gov).body("csp-newport")
    assert body is not None and (body.name, body.areas, body.themes, body.chair) == (
        "Newport CSP", (NEWPORT, TORFAEN), ("asb",), None
    )  # fmt: skip
    assert "Saved: Newport CSP." in gov.get(changed.headers["location"]).text
    confirm = gov.get("/governance/gwent/bodies/csp-newport/remove")
    assert "Remove it" in confirm.text
    removed = post(gov, "/governance/gwent/bodies/csp-newport/remove", {})
    assert removed.status_code == 303 and stored(gov).body("csp-newport") is None
    assert stored(gov) == example_register("gwent")


def test_people_organisations_and_seats_with_hours(gov: Any) -> None:
    assert post(gov, "/governance/gwent/organisations/new",
                {"id": "housing-assoc", "name": "A housing association", "kind": "housing"}
                ).status_code == 303  # fmt: skip
    assert post(gov, "/governance/gwent/people/new",
                {"id": "housing-lead", "name": "Housing lead", "organisation": "housing-assoc"}
                ).status_code == 303  # fmt: skip
    assert post(gov, "/governance/gwent/seats/new", {
        "person": "housing-lead", "body": "safer-gwent", "role": "member",
        "hours_per_year": "30",
    }).status_code == 303  # fmt: skip
    page = gov.get("/governance/gwent")
    row = re.search(r"<th scope=\"row\">Housing lead</th>.*?</tr>", page.text, re.S)
    assert row is not None and '<td class="num">30</td>' in row[0]
    blocked = gov.get("/governance/gwent/organisations/housing-assoc/remove")
    assert "Housing lead works for it." in blocked.text and "Remove it" not in blocked.text
    refused = post(gov, "/governance/gwent/organisations/housing-assoc/remove", {})
    assert refused.status_code == 400 and "It was not removed" in refused.text
    assert post(gov, "/governance/gwent/people/housing-lead/remove", {}).status_code == 303
    reg = stored(gov)
    assert not [s for s in reg.seats if s.person == "housing-lead"]  # the seat went with them


def test_problems_are_shown_beside_the_fields_and_nothing_is_saved(gov: Any) -> None:
    before = stored(gov)
    refused = post(gov, "/governance/gwent/bodies/new", {
        "id": "new body", "name": "", "kind": "csp", "areas": ["W06000015"],
        "meetings_per_year": "monthly", "parent": "",
    })  # fmt: skip
    assert refused.status_code == 400
    html = refused.text
    assert "There is a problem: nothing was saved" in html
    assert re.search(r'id="f-name-error">.*?Fill this in\.', html, re.S)
    assert re.search(r'id="f-id-error">.*?&#39;new body&#39; is not a usable id', html, re.S)
    assert re.search(r'id="f-areas-error">.*?Cardiff is not one of this register', html, re.S)
    assert re.search(r"id=\"f-meetings_per_year-error\">.*?&#39;monthly&#39; is not a number",
                     html, re.S)  # fmt: skip
    assert 'aria-invalid="true"' in html and 'href="#f-areas-1"' in html
    assert 'value="new body"' in html  # what was typed is kept
    loop = post(gov, "/governance/gwent/bodies/gwent-psb/edit",
                {"name": "Gwent PSB", "kind": "psb", "areas": [MONMOUTHSHIRE, NEWPORT],
                 "parent": "safer-gwent"})  # fmt: skip
    assert loop.status_code == 400
    assert "leads back to it (gwent-psb -&gt; safer-gwent -&gt; gwent-psb)" in loop.text
    assert "does not cover" in loop.text  # its discharges in the other three areas
    unknown = post(gov, "/governance/gwent/discharges/new", {"duty": "no-duty", "body": "csp"})
    assert unknown.status_code == 400 and "is not a duty in this register" in unknown.text
    assert stored(gov) == before
    check_structure(refused.text)


def test_a_viewer_cannot_edit(gov: Any) -> None:
    gov.post("/logout", data={"csrf": csrf_of(gov.get("/governance/gwent"))})
    log_in(gov, "vic")
    page = gov.get("/governance/gwent/register")
    assert page.status_code == 200 and "/edit" not in page.text and "Add a body" not in page.text
    assert gov.get("/governance/gwent/bodies/new").status_code == 403
    data = {"csrf": csrf_of(page), "id": "x", "name": "X", "kind": "csp", "areas": [NEWPORT]}
    assert gov.post("/governance/gwent/bodies/new", data=data).status_code == 403
    assert gov.post("/governance/gwent/bodies/safer-gwent/remove",
                    data={"csrf": data["csrf"]}).status_code == 403  # fmt: skip
    assert gov.post(f"{REVIEW}/actions/6.2-b",
                    data={"csrf": data["csrf"], "status": "done"}).status_code == 403  # fmt: skip
    assert gov.post("/governance/example", data={"csrf": data["csrf"]}).status_code == 403
    assert stored(gov) == example_register("gwent")


def test_forms_need_the_csrf_token(gov: Any) -> None:
    form = {"id": "x", "name": "X", "kind": "csp", "areas": [NEWPORT]}
    assert post(gov, "/governance/gwent/bodies/new", form, csrf=False).status_code == 403
    wrong = {**form, "csrf": "not-the-token"}
    assert gov.post("/governance/gwent/bodies/new", data=wrong).status_code == 403
    assert gov.post("/governance/gwent/duties/cda-strategy/remove").status_code == 403
    assert gov.post(f"{REVIEW}/actions/6.2-b", data={"status": "done"}).status_code == 403
    assert stored(gov) == example_register("gwent")


def test_a_stranger_is_sent_to_log_in(client: Any) -> None:
    with_governance(client)
    page = client.get("/governance/gwent", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")


# -- the review tracker ---------------------------------------------------------------


def test_the_tracker_shows_actions_alerts_and_milestones(gov: Any) -> None:
    page = gov.get(f"{REVIEW}?on=2023-03-16")
    assert page.status_code == 200
    html = page.text
    assert "Action 6.2-b is overdue: it was due on 28 February 2023 and is 16 days late." in html
    assert html.count('<tr id="action-') == 10
    assert '<span class="rag red">Red' in html  # the rating has its word beside its colour
    assert "Board mapping complete" in html and "Recommendations put to the board" in html
    bad = gov.get(f"{REVIEW}?on=16/03/2023")
    assert bad.status_code == 400 and "write it as 2023-03-16" in bad.text


def test_a_status_change_is_recorded_in_the_history(gov: Any) -> None:
    form = gov.get(f"{REVIEW}/actions/6.2-b")
    assert form.status_code == 200 and 'id="u-status"' in form.text
    done = gov.post(f"{REVIEW}/actions/6.2-b", data={
        "csrf": csrf_of(form), "status": "in-progress", "due": "2023-04-28", "rag": "amber",
        "note": "Funding agreed; recruitment started", "note_cy": "", "on": "2023-03-20",
    }, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    assert done.headers["location"] == f"{REVIEW}?done=updated&item=6.2-b#action-6.2-b"
    review = stored(gov).reviews[0]
    action = review.action("6.2-b")
    assert action is not None and (action.status, action.due, action.rag) == (
        "in-progress", dt.date(2023, 4, 28), "amber"
    )  # fmt: skip
    new = review.history[-3:]
    assert [(h.field, h.old, h.new, h.changed_on) for h in new] == [
        ("status", "not-started", "in-progress", dt.date(2023, 3, 20)),
        ("due", "2023-02-28", "2023-04-28", dt.date(2023, 3, 20)),
        ("rag", "red", "amber", dt.date(2023, 3, 20)),
    ]
    assert new[0].note == "Funding agreed; recruitment started"
    page = gov.get(f"{REVIEW}/actions/6.2-b")
    assert "Status: Not started → In progress" in page.text
    assert "Due date put back from 28 February 2023 to 28 April 2023" in page.text
    tracker = gov.get(done.headers["location"])
    assert "Action 6.2-b was updated and the change added to its history." in tracker.text
    assert "Action 6.2-b has slipped" in gov.get(f"{REVIEW}?on=2023-04-01").text


def test_an_update_that_is_refused_records_nothing(gov: Any) -> None:
    form = gov.get(f"{REVIEW}/actions/6.2-b")
    bad = gov.post(f"{REVIEW}/actions/6.2-b", data={
        "csrf": csrf_of(form), "status": "not-started", "due": "31/03/2023", "rag": "red",
        "on": "2023-03-20",
    })  # fmt: skip
    assert bad.status_code == 400
    assert 'id="u-due-error"' in bad.text and "write it as 2023-03-31 (YYYY-MM-DD)" in bad.text
    same = gov.post(f"{REVIEW}/actions/6.2-b", data={
        "csrf": csrf_of(form), "status": "not-started", "due": "2023-02-28", "rag": "red",
        "on": "2023-03-20",
    })  # fmt: skip
    assert same.status_code == 400 and "Nothing to record for action 6.2-b" in same.text
    assert stored(gov) == example_register("gwent")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_the_update_paper_downloads_as_a_real_pdf(gov: Any, lang: str) -> None:
    got = gov.get(f"{REVIEW}/paper", params={"meeting": "2023-03-16", "paper_lang": lang,
                                             "format": "pdf"})  # fmt: skip
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert got.content[:5] == b"%PDF-" and len(got.content) > 20_000
    assert got.headers["content-disposition"] == (
        f'attachment; filename="gwent-gwent-csr-update-2023-03-16-{lang}.pdf"'
    )


def test_the_update_paper_as_html_and_its_problems(gov: Any) -> None:
    got = gov.get(f"{REVIEW}/paper", params={"meeting": "2023-03-16", "paper_lang": "cy",
                                             "format": "html"})  # fmt: skip
    assert got.status_code == 200 and 'lang="cy"' in got.text and "attachment" in (
        got.headers["content-disposition"]
    )  # fmt: skip
    early = gov.get(f"{REVIEW}/paper", params={"meeting": "2020-01-01", "format": "pdf"})
    assert early.status_code == 400 and "before the review was agreed" in early.text
    assert 'id="meeting-error"' in early.text and 'value="2020-01-01"' in early.text
    bad = gov.get(f"{REVIEW}/paper", params={"meeting": "next week"})
    assert bad.status_code == 400 and "is not a date in the form YYYY-MM-DD" in bad.text


# -- import and export ----------------------------------------------------------------


def test_import_shows_the_file_and_line_of_a_problem(gov: Any) -> None:
    text = to_yaml(example_register("gwent"))
    broken = text.replace("parent: safer-gwent", "parent: safer-gwnet", 1)
    line = next(i for i, x in enumerate(broken.splitlines(), 1) if "safer-gwnet" in x)
    page = gov.get("/governance/import")
    files = {"file": ("gwent.yaml", broken.encode(), "application/yaml")}
    refused = gov.post("/governance/import", data={"csrf": csrf_of(page)}, files=files)
    assert refused.status_code == 400
    assert f"gwent.yaml, line {line}:" in refused.text
    assert "did you mean &#39;safer-gwent&#39;?" in refused.text
    assert stored(gov) == example_register("gwent")
    check_structure(refused.text)
    not_yaml = {"file": ("gwent.csv", b"a,b\n", "text/csv")}
    assert gov.post("/governance/import", data={"csrf": csrf_of(page)},
                    files=not_yaml).status_code == 400  # fmt: skip


def test_import_and_export_round_trip(gov: Any, tmp_path: Path) -> None:
    post(gov, "/governance/gwent/duties/new", {"id": "new-duty", "title": "A new duty",
         "legislation": "An Act 2024", "section": "s.1", "holders": "councils"})  # fmt: skip
    edited = stored(gov)
    yaml_file = gov.get("/governance/gwent/register.yaml")
    assert yaml_file.headers["content-disposition"] == (
        'attachment; filename="gwent-governance.yaml"'
    )
    archive = gov.get("/governance/gwent/register-csv.zip")
    with zipfile.ZipFile(io.BytesIO(archive.content)) as z:
        z.extractall(tmp_path)
    assert read_register_file(tmp_path / "gwent") == edited
    gov.app.state.diogel.run(load_register_file, example_path("gwent"))
    page = gov.get("/governance/import")
    files = {"file": ("gwent.yaml", yaml_file.content, "application/yaml")}
    done = gov.post("/governance/import", data={"csrf": csrf_of(page)}, files=files,
                    follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"] == "/governance/gwent?done=imported"
    assert stored(gov) == edited


def test_with_no_register_an_analyst_can_load_the_example(client: Any) -> None:
    log_in(client, "ana")
    with_governance(client)
    page = client.get("/governance")
    assert page.status_code == 200 and "No governance register is loaded yet." in page.text
    done = client.post("/governance/example", data={"csrf": csrf_of(page)},
                       follow_redirects=False)  # fmt: skip
    assert done.headers["location"] == "/governance/gwent?done=imported"
    assert "The register was loaded." in client.get(done.headers["location"]).text


# -- Welsh ----------------------------------------------------------------------------


def test_every_governance_page_in_welsh_asks_for_nothing_untranslated(gov: Any) -> None:
    from diogel.i18n import translator

    cy = translator("cy")
    before = set(cy.misses)
    assert '<html lang="cy">' in gov.get("/governance/gwent?lang=cy&done=imported").text
    pages = [
        "/governance/gwent/register", f"{REVIEW}", f"{REVIEW}?on=2023-03-16",
        f"{REVIEW}/actions/6.2-b", f"{REVIEW}/actions/6.1-a", "/governance/import",
        "/governance/gwent/bodies/safer-gwent/remove",
        "/governance/gwent/organisations/mcc/remove", "/governance/gwent/people/kate-williams/remove",
        "/governance/gwent/bodies/gwent-channel/remove", "/governance/gwent/duties/cda-strategy/remove",
        f"{REVIEW}?on=someday", f"{REVIEW}/paper?meeting=2020-01-01",
        "/governance/gwent/register?done=removed&item=x",
    ]  # fmt: skip
    for section, key in (("bodies", "safer-gwent"), ("duties", "cda-strategy"),
                         ("discharges", "cda-strategy+csp-torfaen"), ("organisations", "mcc"),
                         ("people", "kate-williams"), ("seats", "kate-williams+safer-gwent")):  # fmt: skip
        pages += [f"/governance/gwent/{section}/new", f"/governance/gwent/{section}/{key}/edit"]
    for path in pages:
        got = gov.get(path)
        assert got.status_code in (200, 400), path
        assert '<html lang="cy">' in got.text, path
    refused = post(gov, "/governance/gwent/bodies/new", {"id": "x y", "kind": "csp"})
    assert "Llenwch hwn." in refused.text and "Mae&#39;r neges hon ar gael yn Saesneg" in (
        refused.text
    )  # fmt: skip
    new = cy.misses - before
    assert not new, sorted(new)
    page = gov.get("/governance/gwent")
    assert "Map llywodraethu" in page.text and "Bwlch: dim corff" in page.text


def test_the_welsh_catalogue_covers_every_message_of_the_governance_templates() -> None:
    from babel.messages.pofile import read_po

    from diogel.i18n import catalogue_messages

    web = Path(__file__).resolve().parents[2] / "src" / "diogel" / "web"
    plurals = re.compile(r't\.ngettext\(\s*"([^"]*)",\s*"([^"]*)"')
    used = set()
    for path in web.glob("templates/governance*.html"):
        for m in plurals.finditer(path.read_text(encoding="utf-8")):
            used |= {m[1], m[2]}
    welsh = catalogue_messages("cy")
    assert used and not [m for m in used if m not in welsh]
    locale = web.parent / "locale" / "cy" / "LC_MESSAGES"
    with (locale / "web_governance.po").open("rb") as fh:
        ours = {str(m.id): str(m.string) for m in read_po(fh, locale="cy") if m.id}
    from tests.web.test_welsh import python_messages, template_messages

    unused = set(ours) - template_messages() - python_messages() - used
    assert not unused, sorted(unused)
    for msgid, msgstr in ours.items():
        assert set(re.findall(r"\{(\w+)\}", msgid)) == set(re.findall(r"\{(\w+)\}", msgstr)), msgid
    for other in locale.glob("*.po"):
        if other.name != "web_governance.po":
            with other.open("rb") as fh:
                theirs = {str(m.id): str(m.string) for m in read_po(fh, locale="cy") if m.id}
            clashes = {m: (ours[m], theirs[m]) for m in set(ours) & set(theirs)
                       if ours[m] != theirs[m]}  # fmt: skip
            assert not clashes, (other.name, clashes)
