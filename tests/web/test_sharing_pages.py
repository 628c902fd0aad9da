"""The sharing admin pages: agencies, partnerships, members, datasets, agreements and the
audit log, managed in the browser as with the CLI — admins only, every form CSRF-checked,
the library's checks shown beside the form, and revoking stopping access at once."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from diogel.sharing import scoped
from diogel.sharing.agreements import list_agreements
from diogel.sharing.audit import count_entries, export_audit, verify_audit
from diogel.sharing.registry import list_agencies, list_datasets, list_partnerships, members_of
from tests.web.conftest import log_in

pytestmark = pytest.mark.shared_data

NEWPORT, TORFAEN = "W06000022", "W06000020"
ISTV = "partner:istv"
TODAY = dt.date.today()
WEB = Path(__file__).resolve().parents[2] / "src" / "diogel" / "web"
CATALOGUES = WEB.parent / "locale" / "cy" / "LC_MESSAGES"
#: Paths with sample values for every route's parameters.
SAMPLE = {"{body_id}": "abuhb", "{agreement_id}": "abuhb-istv-newport"}


def csrf(client: Any, path: str = "/") -> str:
    """The session's CSRF token, from the hidden field of a page's forms."""
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None, path
    return found[1]


def store_of(client: Any) -> Any:
    return client.app.state.diogel.store


def post(client: Any, path: str, data: dict[str, Any], *, token: str | None = None) -> Any:
    return client.post(path, data={**data, "csrf": token or csrf(client)}, follow_redirects=False)


def agreement_form(**changes: Any) -> dict[str, Any]:
    """The add form as a person fills it in: the health board shares A&E assault counts
    with the Newport CSP, in force today."""
    form: dict[str, Any] = {
        "id": "abuhb-istv-newport",
        "title": "A&E assault data for the Newport CSP",
        "purpose": "Cardiff Model violence prevention in Newport",
        "legal_basis": "Crime and Disorder Act 1998 s.115; UK GDPR Article 6(1)(e)",
        "level": "record",
        "starts": str(TODAY - dt.timedelta(days=30)),
        "review": str(TODAY + dt.timedelta(days=180)),
        "expires": str(TODAY + dt.timedelta(days=365)),
        "retention_days": "730",
        "provider": ["agency:abuhb"],
        "recipient": ["partnership:newport-csp"],
        f"fields:{ISTV}": ["month", "category", "council_code"],
        "areas": [NEWPORT],
        "sig_name": ["Caldicott Guardian", "", ""],
        "sig_agency": ["abuhb", "", ""],
        "sig_signed": [str(TODAY - dt.timedelta(days=40)), "", ""],
    }
    form.update(changes)
    return form


def register(client: Any) -> None:
    """Agencies, a partnership, a dataset and a member, all through the pages."""
    token = csrf(client, "/admin/agencies")
    for data in (
        {"agency_id": "abuhb", "name": "Aneurin Bevan University Health Board",
         "kind": "health-board"},
        {"agency_id": "gwent-police", "name": "Gwent Police", "kind": "police"},
    ):  # fmt: skip
        got = post(client, "/admin/agencies", data, token=token)
        assert got.status_code == 303, got.text
    got = post(client, "/admin/partnerships", {"partnership_id": "newport-csp",
               "name": "Safer Newport", "kind": "csp", "areas": [NEWPORT]}, token=token)  # fmt: skip
    assert got.status_code == 303, got.text
    got = post(client, "/admin/datasets", {"dataset": ISTV, "owner": "abuhb",
               "sensitivity": "special", "min_count": "5"}, token=token)  # fmt: skip
    assert got.status_code == 303, got.text
    got = post(client, "/admin/partnerships/newport-csp/members",
               {"username": "alice", "role": "analyst"}, token=token)  # fmt: skip
    assert got.status_code == 303, got.text


@pytest.fixture
def admin(client: Any) -> Any:
    log_in(client, "ann")
    return client


@pytest.fixture
def registered(admin: Any) -> Any:
    register(admin)
    return admin


# -- registering agencies, partnerships, members, datasets ---------------------------------


def test_admin_adds_agencies_and_partnerships_and_they_are_in_the_library(admin: Any) -> None:
    token = csrf(admin, "/admin/agencies")
    got = post(admin, "/admin/agencies", {"agency_id": "gwent-police", "name": "Gwent Police",
                                          "kind": "police"}, token=token)  # fmt: skip
    assert (
        got.status_code == 303 and got.headers["location"] == "/admin/agencies?added=gwent-police"
    )
    listed = list_agencies(store_of(admin))
    assert listed.to_dict("records") == [
        {"agency_id": "gwent-police", "name": "Gwent Police", "kind": "police", "members": 0}]  # fmt: skip
    shown = admin.get("/admin/agencies?added=gwent-police").text
    assert "Agency gwent-police added." in shown and "Police force" in shown
    got = post(admin, "/admin/partnerships", {"partnership_id": "gwent-region", "name": "Safer Gwent",
               "kind": "region", "areas": [NEWPORT, TORFAEN]}, token=token)  # fmt: skip
    assert got.status_code == 303
    got = post(admin, "/admin/partnerships", {"partnership_id": "newport-csp", "name": "Safer Newport",
               "kind": "csp", "parent": "gwent-region", "areas": [NEWPORT]}, token=token)  # fmt: skip
    assert got.status_code == 303
    frame = list_partnerships(store_of(admin))
    assert frame[["partnership_id", "kind", "parent_id"]].to_dict("records") == [
        {"partnership_id": "gwent-region", "kind": "region", "parent_id": None},
        {"partnership_id": "newport-csp", "kind": "csp", "parent_id": "gwent-region"},
    ]
    assert list(frame["areas"]) == [[TORFAEN, NEWPORT], [NEWPORT]]
    page = admin.get("/admin/partnerships").text
    assert "Safer Newport" in page and "Torfaen" in page and "Regional partnership" in page


def test_a_bad_agency_shows_the_libraries_words_and_saves_nothing(admin: Any) -> None:
    got = post(admin, "/admin/agencies", {"agency_id": "Gwent Police", "name": "Gwent Police",
                                          "kind": "police"})  # fmt: skip
    assert got.status_code == 400
    assert "There is a problem" in got.text and "is not a valid id" in got.text
    assert 'value="Gwent Police"' in got.text  # what was typed is kept
    assert list_agencies(store_of(admin)).empty
    got = post(admin, "/admin/partnerships", {"partnership_id": "newport-csp", "name": "Safer Newport",
                                              "kind": "csp"})  # fmt: skip
    assert got.status_code == 400 and "at least one council area" in got.text
    assert list_partnerships(store_of(admin)).empty


def test_members_are_added_changed_and_removed(registered: Any) -> None:
    store = store_of(registered)
    page = registered.get("/admin/partnerships/newport-csp")
    assert page.status_code == 200 and "alice" in page.text and "Analyst" in page.text
    got = post(registered, "/admin/partnerships/newport-csp/members",
               {"username": "alice", "role": "viewer"})  # fmt: skip
    assert got.headers["location"] == "/admin/partnerships/newport-csp?saved=alice"
    assert members_of(store, "partnership", "newport-csp")["role"].tolist() == ["viewer"]
    got = post(registered, "/admin/agencies/abuhb/members", {"username": "hana", "role": "ig-lead"})
    assert got.status_code == 303
    assert members_of(store, "agency", "abuhb")["username"].tolist() == ["hana"]
    got = post(registered, "/admin/partnerships/newport-csp/members/remove", {"username": "alice"})
    assert got.headers["location"] == "/admin/partnerships/newport-csp?removed=alice"
    assert members_of(store, "partnership", "newport-csp").empty
    again = post(
        registered, "/admin/partnerships/newport-csp/members/remove", {"username": "alice"}
    )
    assert again.status_code == 400 and "is not a member" in again.text
    bad = post(registered, "/admin/agencies/abuhb/members", {"username": "hana", "role": "owner"})
    assert bad.status_code == 400 and "Role &#39;owner&#39; is not known" in bad.text
    assert registered.get("/admin/agencies/nowhere").status_code == 404


def test_datasets_are_declared_and_changed(registered: Any) -> None:
    store = store_of(registered)
    page = registered.get("/admin/datasets")
    assert ISTV in page.text and "Special category" in page.text
    edit = registered.get(f"/admin/datasets?edit={ISTV}").text
    assert f'value="{ISTV}"' in edit
    assert re.search(r'id="sensitivity-special"[^>]*checked', edit)
    got = post(registered, "/admin/datasets", {"dataset": ISTV, "owner": "abuhb",
               "sensitivity": "special", "min_count": "10", "description": "A&E assaults"})  # fmt: skip
    assert got.headers["location"] == f"/admin/datasets?saved={ISTV.replace(':', '%3A')}"
    row = list_datasets(store).to_dict("records")[0]
    assert (row["min_count"], row["description"]) == (10, "A&E assaults")
    bad = post(registered, "/admin/datasets", {"dataset": ISTV, "owner": "abuhb",
               "sensitivity": "special", "min_count": "1"})  # fmt: skip
    assert bad.status_code == 400 and "Min count must be 2 to 100" in bad.text
    assert list_datasets(store).to_dict("records")[0]["min_count"] == 10


# -- agreements ----------------------------------------------------------------------------


def test_admin_adds_an_agreement_and_it_is_in_the_library(registered: Any) -> None:
    store = store_of(registered)
    form = registered.get("/admin/agreements/new")
    assert form.status_code == 200 and 'name="fields:partner:istv"' in form.text
    got = post(registered, "/admin/agreements", agreement_form())
    assert got.status_code == 303, got.text
    assert got.headers["location"] == "/admin/agreements/abuhb-istv-newport?added=1"
    frame = list_agreements(store)
    assert frame[["agreement_id", "level", "state"]].to_dict("records") == [
        {"agreement_id": "abuhb-istv-newport", "level": "record", "state": "in force"}]  # fmt: skip
    shown = registered.get("/admin/agreements/abuhb-istv-newport?added=1").text
    for expected in ("Agreement added.", "Cardiff Model violence prevention in Newport",
                     "Crime and Disorder Act 1998 s.115", "Full records", "In force",
                     "Aneurin Bevan University Health Board", "Safer Newport", "Provider",
                     "Recipient", "<code>council_code</code>", "Newport", "730 days",
                     "Caldicott Guardian"):  # fmt: skip
        assert expected in shown, expected
    listing = registered.get("/admin/agreements").text
    assert "A&amp;E assault data for the Newport CSP" in listing and "In force" in listing
    added = "SELECT actor, query FROM share_audit WHERE action = 'agreement'"
    actor, query = store.query_rows(added)[0]
    assert json.loads(query) == {"agreement": "abuhb-istv-newport"} and actor == "ann"
    assert scoped(store, "alice").access(ISTV).grants  # it is enforced at once


def test_all_fields_and_a_fourth_signatory_row(registered: Any) -> None:
    more = post(registered, "/admin/agreements", agreement_form(action="more-signatories"))
    assert more.status_code == 200 and more.text.count('name="sig_name"') == 4
    assert 'value="Caldicott Guardian"' in more.text  # nothing typed is lost
    assert list_agreements(store_of(registered)).empty
    everything = agreement_form(review="", **{f"fields:{ISTV}": ["*", "month"]})
    got = post(registered, "/admin/agreements", everything)
    assert got.status_code == 303
    shown = registered.get("/admin/agreements/abuhb-istv-newport").text
    assert "All fields" in shown and "Not set" in shown  # no review date
    assert registered.get("/admin/agreements").status_code == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"expires": str(TODAY - dt.timedelta(days=60))},
            "An agreement must expire after it starts",
        ),
        (
            {"fields:partner:nope": ["month"]},
            "dataset &#39;partner:nope&#39; has no declared owner",
        ),
        ({"starts": "next week"}, "starts &#39;next week&#39; is not a date"),
        ({"provider": []}, "at least one provider and one recipient"),
        (
            {"sig_name": ["", "", ""], "sig_signed": ["", "", ""]},
            "the agreement names no signatories",
        ),
        ({"retention_days": "forever"}, "retention days must be a whole number"),
        ({"recipient": ["agency:abuhb"]}, "named as a party more than once"),
    ],
)
def test_an_invalid_agreement_shows_the_error_and_saves_nothing(
    registered: Any, changes: dict[str, Any], message: str
) -> None:
    store = store_of(registered)
    entries = count_entries(store)
    got = post(registered, "/admin/agreements", agreement_form(**changes))
    assert got.status_code == 400
    assert 'role="alert"' in got.text and "Nothing was saved." in got.text
    assert message.lower() in got.text.lower()
    assert 'value="A&amp;E assault data for the Newport CSP"' in got.text  # kept for fixing
    assert list_agreements(store).empty
    assert count_entries(store) == entries


def test_revoking_an_agreement_stops_access_at_once(registered: Any) -> None:
    store = store_of(registered)
    assert post(registered, "/admin/agreements", agreement_form()).status_code == 303
    before = scoped(store, "alice").access(ISTV)
    assert [g.source for g in before.grants] == ["abuhb-istv-newport"]
    confirm = registered.get("/admin/agreements/abuhb-istv-newport/revoke")
    assert confirm.status_code == 200 and "Revoking stops access" in confirm.text
    assert 'for="revoke-reason"' in confirm.text
    no_reason = post(registered, "/admin/agreements/abuhb-istv-newport/revoke", {"reason": " "})
    assert no_reason.status_code == 400 and "reason must be text" in no_reason.text.lower()
    assert scoped(store, "alice").access(ISTV).grants  # still in force
    got = post(registered, "/admin/agreements/abuhb-istv-newport/revoke",
               {"reason": "The purpose has been met"})  # fmt: skip
    assert got.headers["location"] == "/admin/agreements/abuhb-istv-newport?revoked=1"
    assert scoped(store, "alice").access(ISTV).grants == ()
    shown = registered.get(got.headers["location"]).text
    assert "Access under it has stopped." in shown and "The purpose has been met" in shown
    assert "Revoke this agreement" not in shown
    assert list_agreements(store)["state"].tolist() == ["revoked"]
    again = post(registered, "/admin/agreements/abuhb-istv-newport/revoke", {"reason": "again"})
    assert again.status_code == 400 and "already revoked" in again.text
    assert registered.get("/admin/agreements/no-such-agreement").status_code == 404


# -- the audit log -------------------------------------------------------------------------


def _reads(store: Any, n: int) -> None:
    """Alice reads A&E counts ``n`` times: one audit entry each, granted or refused."""
    from diogel.errors import AccessDenied

    view = scoped(store, "alice")
    for _ in range(n):
        # Without an agreement the read is refused, and audited all the same.
        with contextlib.suppress(AccessDenied):
            view.count_partner_events(dt.date(2023, 1, 1), dt.date(2024, 3, 1), ["month"],
                                      datasets=[ISTV])  # fmt: skip


def test_audit_verify_reports_the_tampered_entry(registered: Any) -> None:
    store = store_of(registered)
    assert post(registered, "/admin/agreements", agreement_form()).status_code == 303
    _reads(store, 3)
    intact = registered.get("/admin/audit?verify=1")
    assert intact.status_code == 200
    assert 'data-intact="1"' in intact.text and "The audit chain is intact." in intact.text
    store.execute("UPDATE share_audit SET actor = 'mallory' WHERE seq = ?", [3])
    broken = registered.get("/admin/audit?verify=1")
    assert 'data-intact="0"' in broken.text and "The audit chain is broken" in broken.text
    assert re.findall(r'data-seq="(\d+)" data-kind="(\w+)"', broken.text) == [("3", "altered")]
    assert "Audit entry 3 was altered." in broken.text
    assert '<tr class="broken"><th scope="row" class="num">3' in broken.text
    assert [p.seq for p in verify_audit(store).problems] == [3]


def test_audit_verify_with_an_anchor(registered: Any) -> None:
    store = store_of(registered)
    before = count_entries(store)  # registering members and datasets is audited too
    _reads(store, 2)
    head = re.search(r'<code id="head-anchor">([^<]+)</code>', registered.get("/admin/audit").text)
    assert head is not None and head[1].startswith(f"{before + 2}:")
    good = registered.get("/admin/audit", params={"verify": "1", "anchor": head[1]})
    assert 'data-intact="1"' in good.text
    wrong = head[1][:-1] + ("0" if head[1][-1] != "0" else "1")
    bad = registered.get("/admin/audit", params={"verify": "1", "anchor": wrong})
    assert "does not match the exported hash" in bad.text
    nonsense = registered.get("/admin/audit", params={"verify": "1", "anchor": "yesterday"})
    assert nonsense.status_code == 400 and "is not SEQ:HASH" in nonsense.text


def test_audit_entries_come_a_page_at_a_time(registered: Any) -> None:
    store = store_of(registered)
    _reads(store, 60 - count_entries(store))  # registering members and datasets is audited too
    first = registered.get("/admin/audit").text
    assert first.count('<th scope="row" class="num">') == 50
    assert "page 1 of 2, 60 entries in all" in first and 'rel="next"' in first
    assert '<th scope="row" class="num">60</th>' in first
    second = registered.get("/admin/audit?page=2").text
    assert second.count('<th scope="row" class="num">') == 10 and 'rel="prev"' in second
    assert '<th scope="row" class="num">1</th>' in second
    assert registered.get("/admin/audit?page=0").status_code == 400


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_audit_export_is_the_cli_export(registered: Any, tmp_path: Path, fmt: str) -> None:
    store = store_of(registered)
    before = count_entries(store)  # registering members and datasets is audited too
    _reads(store, 3)
    got = registered.get("/admin/audit/export", params={"format": fmt})
    assert got.status_code == 200
    assert got.headers["content-disposition"].startswith("attachment; filename=")
    assert got.headers["content-disposition"].endswith(f'.{fmt}"')
    path = tmp_path / f"audit.{fmt}"
    written, seq, digest = export_audit(store, path)  # what 'diogel audit export' writes
    assert got.content == path.read_bytes() and written == before + 3
    assert got.headers["x-diogel-audit-anchor"] == f"{seq}:{digest}"
    later = registered.get("/admin/audit/export", params={"format": fmt, "after": str(seq - 1)})
    assert later.headers["x-diogel-audit-entries"] == "1"
    assert registered.get("/admin/audit/export", params={"format": "xml"}).status_code == 400


# -- who may use the pages -----------------------------------------------------------------


def sharing_routes(client: Any) -> list[tuple[str, str]]:
    """(method, concrete path) of every sharing admin route."""
    from diogel.web.pages_sharing import router
    from tests.web.test_access import flat

    found = []
    for route in flat(router.routes):
        for method in sorted(getattr(route, "methods", set()) - {"HEAD"}):
            path = route.path  # type: ignore[attr-defined]
            for name, value in SAMPLE.items():
                path = path.replace(name, value)
            found.append((method, path))
    assert len(found) == 20
    return found


@pytest.mark.parametrize("who", ["ana", "vic"])
def test_non_admins_get_403_on_every_sharing_route(client: Any, who: str) -> None:
    log_in(client, "ann")
    register(client)
    client.post("/logout", data={"csrf": csrf(client)})
    log_in(client, who)
    token = csrf(client, "/")  # their own, valid token: the role alone refuses them
    before = count_entries(store_of(client)), len(list_agencies(store_of(client)))
    data = {"agency_id": "x", "name": "X", "kind": "police", "username": "alice",
            "role": "analyst", "reason": "r", **agreement_form(id="x")}  # fmt: skip
    for method, path in sharing_routes(client):
        if method == "GET":
            got = client.get(path, follow_redirects=False)
        else:
            got = client.post(path, data={**data, "csrf": token}, follow_redirects=False)
        assert got.status_code == 403, (method, path, got.status_code)
        assert "Not allowed" in got.text
    assert (count_entries(store_of(client)), len(list_agencies(store_of(client)))) == before
    assert len(members_of(store_of(client), "partnership", "newport-csp")) == 1


def test_every_form_without_its_csrf_token_is_refused(registered: Any) -> None:
    store = store_of(registered)
    assert post(registered, "/admin/agreements", agreement_form()).status_code == 303
    before = count_entries(store), len(list_agencies(store))
    data = {"agency_id": "x", "name": "X", "kind": "police", "username": "alice",
            "role": "viewer", "reason": "r", "dataset": "partner:x", "owner": "abuhb",
            "sensitivity": "open", "partnership_id": "x", "areas": [NEWPORT],
            **agreement_form(id="x")}  # fmt: skip
    posts = [path for method, path in sharing_routes(registered) if method == "POST"]
    assert len(posts) == 9
    for path in posts:
        for token in (None, "forged"):
            sent = data if token is None else {**data, "csrf": token}
            got = registered.post(path, data=sent, follow_redirects=False)
            assert got.status_code == 403, (path, got.status_code)
            assert "this form has expired or did not come from Diogel" in got.text
    assert (count_entries(store), len(list_agencies(store))) == before
    assert list_agreements(store)["state"].tolist() == ["in force"]
    assert members_of(store, "partnership", "newport-csp")["role"].tolist() == ["analyst"]


# -- Welsh ---------------------------------------------------------------------------------


def test_the_labels_cover_every_code_of_the_library() -> None:
    from diogel.web.sharing_forms import COVERED

    for table, codes in COVERED:
        assert set(table) == set(codes)


def test_welsh_pages_ask_for_nothing_untranslated(registered: Any) -> None:
    from diogel.i18n import translator

    cy = translator("cy")
    before = set(cy.misses)
    store = store_of(registered)
    assert post(registered, "/admin/agreements", agreement_form()).status_code == 303
    assert post(registered, "/admin/agreements", agreement_form(id="second")).status_code == 303
    post(registered, "/admin/agreements/second/revoke", {"reason": "Purpose met"})
    _reads(store, 2)
    store.execute("UPDATE share_audit SET actor = 'mallory' WHERE seq = ?", [2])
    assert registered.get("/admin/agencies?lang=cy").status_code == 200  # remembered from now
    pages = ["/admin/agencies?added=abuhb", "/admin/agencies/abuhb?saved=x&removed=y",
             "/admin/partnerships?added=newport-csp", "/admin/partnerships/newport-csp",
             "/admin/datasets?saved=x", f"/admin/datasets?edit={ISTV}", "/admin/agreements",
             "/admin/agreements/new", "/admin/agreements/abuhb-istv-newport?added=1",
             "/admin/agreements/second?revoked=1", "/admin/agreements/abuhb-istv-newport/revoke",
             "/admin/agreements/second/revoke", "/admin/audit?verify=1",
             "/admin/audit?verify=1&anchor=1:" + "0" * 64, "/admin/audit?verify=1&anchor=x"]  # fmt: skip
    for path in pages:
        got = registered.get(path)
        assert got.status_code in (200, 400), path
        assert '<html lang="cy">' in got.text, path
    for path, data in (
        ("/admin/agencies", {"agency_id": "", "name": "", "kind": ""}),
        ("/admin/partnerships", {"partnership_id": "x", "name": "X", "kind": "csp"}),
        ("/admin/datasets", {"dataset": "x", "owner": "abuhb", "sensitivity": "x"}),
        ("/admin/agreements", agreement_form(id="third", expires="2000-01-01")),
        ("/admin/agreements", agreement_form(action="more-signatories")),
        ("/admin/agencies/abuhb/members", {"username": "", "role": "viewer"}),
        ("/admin/agreements/abuhb-istv-newport/revoke", {"reason": ""}),
    ):
        got = post(registered, path, data)
        assert got.status_code in (200, 400) and '<html lang="cy">' in got.text, path
    new = cy.misses - before
    assert not new, sorted(new)
    page = registered.get("/admin/agreements/abuhb-istv-newport").text
    assert "Cytundeb rhannu gwybodaeth" in page and "Mewn grym" in page


#: Bad forms a person may send, and what the page says back in English and in Welsh
#: (message, then hint, as shown once the HTML is unescaped).
REFUSED = {
    "expiry before start": (
        "/admin/agreements", agreement_form(expires=str(TODAY - dt.timedelta(days=60))),
        ("An agreement must expire after it starts.",
         "What to do: make the expiry date ('expires') later than the start date ('starts')"),
        ("Rhaid i gytundeb ddod i ben ar ôl iddo ddechrau.",
         "Beth i'w wneud: rhowch ddyddiad dod i ben ('expires') sy'n hwyrach na'r dyddiad "
         "dechrau ('starts')"),
    ),
    "duplicate agency": (
        "/admin/agencies", {"agency_id": "abuhb", "name": "Aneurin Bevan", "kind": "health-board"},
        ("Agency 'abuhb' already exists.", "What to do: choose another id"),
        ("Mae'r asiantaeth 'abuhb' yn bodoli eisoes.", "Beth i'w wneud: dewiswch ddynodydd arall"),
    ),
    "no such membership": (
        "/admin/partnerships/newport-csp/members/remove", {"username": "bob"},
        ("Bob is not a member of partnership 'newport-csp'.", "What to do: nothing to remove"),
        ("Nid yw bob yn aelod o'r bartneriaeth 'newport-csp'.",
         "Beth i'w wneud: nid oes dim i'w dynnu"),
    ),
    "unknown role": (
        "/admin/agencies/abuhb/members", {"username": "hana", "role": "owner"},
        ("Role 'owner' is not known.", "What to do: choose from viewer, analyst, ig-lead"),
        ("Rôl: nid yw 'owner' yn un o'r dewisiadau.",
         "Beth i'w wneud: dewiswch o blith viewer, analyst, ig-lead"),
    ),
    "no reason to revoke": (
        "/admin/agreements/abuhb-istv-newport/revoke", {"reason": " "},
        ("Reason must be text of 1 to 2000 characters.", "What to do: give the reason"),
        ("Rheswm: rhaid rhoi testun o 1 i 2000 nod.", "Beth i'w wneud: rhowch reswm"),
    ),
    "small count": (
        "/admin/datasets", {"dataset": ISTV, "owner": "abuhb", "sensitivity": "special",
                            "min_count": "1"},
        ("Min count must be 2 to 100; received 1.", "What to do: NHS uses 5"),
        ("Rhaid i'r cyfrif lleiaf a ddangosir fod rhwng 2 a 100; cafwyd 1.",
         "Beth i'w wneud: mae'r GIG yn defnyddio 5"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_the_librarys_refusals_are_shown_in_the_pages_language(
    registered: Any, case: str, lang: str
) -> None:
    import html

    path, data, english, welsh = REFUSED[case]
    if "revoke" in path:
        assert post(registered, "/admin/agreements", agreement_form()).status_code == 303
    assert registered.get(f"/admin/agencies?lang={lang}").status_code == 200  # remembered
    got = post(registered, path, data)
    assert got.status_code == 400, got.text
    shown = html.unescape(got.text)
    summary = shown[shown.index('id="problem"') :]
    summary = summary[: summary.index("</div>")]
    message, hint = welsh if lang == "cy" else english
    assert message in summary and hint in summary, summary
    assert (english if lang == "cy" else welsh)[0] not in summary
    assert "Saesneg yn unig" not in summary and "only available in English" not in summary
    assert ("Ni chadwyd dim." if lang == "cy" else "Nothing was saved.") in summary


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_an_error_page_outside_a_form_is_in_the_pages_language(registered: Any, lang: str) -> None:
    """The app's own error page (here: an agreement that does not exist) gives the
    library's message in Welsh too, not only the forms do."""
    import html

    got = registered.get(f"/admin/agreements/no-such-agreement?lang={lang}")
    assert got.status_code == 404
    shown = html.unescape(got.text)
    if lang == "cy":
        assert "nid oes cytundeb 'no-such-agreement'" in shown
        assert "no agreement 'no-such-agreement'" not in shown and "Saesneg yn unig" not in shown
    else:
        assert "no agreement 'no-such-agreement'" in shown


def test_an_error_with_no_welsh_says_it_is_in_english() -> None:
    """An error without a translation is shown as it is and marked, so that the page
    adds its note in Welsh (the library's own errors all have Welsh: one is made here)."""
    from diogel.errors import InputError
    from diogel.i18n import translator
    from diogel.web.sharing_forms import problem

    untranslated = "a message nobody has translated"
    shown = problem(InputError(untranslated, hint="none"), "cy")
    translator("cy").misses.difference_update({untranslated, "none"})  # made up: no gap
    assert shown == {"message": "A message nobody has translated.", "hint": "none",
                     "english": True}  # fmt: skip
    assert not problem(InputError(untranslated), "en")["english"]


def _ours() -> dict[str, str]:
    from babel.messages.pofile import read_po

    with (CATALOGUES / "web_sharing.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def _our_sources() -> tuple[str, set[str]]:
    """The sharing templates' text, and the string constants of the sharing page modules."""
    import ast

    templates = "".join(p.read_text(encoding="utf-8") for p in WEB.glob("templates/sharing_*.html"))
    constants: set[str] = set()
    for name in ("pages_sharing.py", "pages_agreements.py", "pages_audit.py", "sharing_forms.py"):
        tree = ast.parse((WEB / name).read_text(encoding="utf-8"))
        constants |= {n.value for n in ast.walk(tree)
                      if isinstance(n, ast.Constant) and isinstance(n.value, str)}  # fmt: skip
    return templates, constants


def test_the_sharing_catalogue_has_every_word_of_the_pages() -> None:
    from diogel.i18n import catalogue_messages
    from diogel.web.sharing_forms import all_messages
    from tests.web.test_welsh import TEMPLATE_MESSAGE

    templates, _ = _our_sources()
    used = {m[1] if m[1] is not None else m[2] for m in TEMPLATE_MESSAGE.finditer(templates)}
    used |= all_messages() | {"Agencies", "Partnerships", "Datasets", "Sharing agreements",
                              "Sharing agreement", "Add a sharing agreement", "Audit log",
                              "Revoke an agreement", "Members of an agency",
                              "Members of a partnership"}  # fmt: skip
    welsh = catalogue_messages("cy")
    assert sorted(m for m in used if not welsh.get(m)) == []


def test_the_sharing_catalogue_is_used_whole_and_agrees_with_the_others() -> None:
    from babel.messages.pofile import read_po

    ours = _ours()
    templates, constants = _our_sources()
    unused = [m for m in ours if m not in constants and f'"{m}"' not in templates
              and f"'{m}'" not in templates]  # fmt: skip
    assert unused == []
    for msgid, msgstr in ours.items():
        assert msgstr, msgid
        assert set(re.findall(r"\{\w+\}", msgid)) == set(re.findall(r"\{\w+\}", msgstr)), msgid
    for other in CATALOGUES.glob("*.po"):
        if other.name == "web_sharing.po":
            continue
        with other.open("rb") as fh:
            theirs = {m.id: m.string for m in read_po(fh) if m.id and m.string}
        clash = {m: (ours[m], theirs[m]) for m in ours.keys() & theirs.keys()
                 if ours[m] != theirs[m]}  # fmt: skip
        assert clash == {}, other.name
