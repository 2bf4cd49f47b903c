"""A real directory of bodies: our CSV and WhatDoTheyKnow's, imported in bulk and again, and searched by index."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from service.directory import find_authorities, import_directory, is_wdtk
from storage.models import AuthorityDomain, AuthorityRow
from tests.integration.test_bot import ALICE, Chat, bot, clock  # noqa: F401  (fixtures)

# The columns WhatDoTheyKnow publishes in all-authorities.csv (no addresses).
WDTK = """Name,Short name,URL name,Tags,Home page,Publication scheme,Disclosure log,Notes,Created at,Updated at,Version
Aberdeen City Council,ACC,aberdeen_city_council,local_council scotland unitary,https://www.aberdeencity.gov.uk,,,,2008-01-01,2024-01-01,12
Cabinet Office,,cabinet_office,central_government ministerial_department,https://www.gov.uk,,,,2008-01-01,2024-01-01,30
Environment Agency,EA,environment_agency,eir_only npa,https://www.gov.uk/ea,,,,2008-01-01,2024-01-01,8
Old Abolished Quango,,old_quango,defunct,,,,,2008-01-01,2010-01-01,2
Cardiff Council,,cardiff_council,local_council wales,,,,,2008-01-01,2024-01-01,5
"""


def rows_of(text: str) -> tuple[list[dict[str, str]], bool]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    return [{k.strip().lower(): v for k, v in row.items()} for row in reader], is_wdtk(header)


def test_whatdotheyknows_list_imports_with_nation_law_and_cost_limit_from_its_tags(database):
    rows, wdtk = rows_of(WDTK)
    assert wdtk
    with database.unit_of_work() as session:
        report = import_directory(session, rows, wdtk=True)
    assert (report.added, report.left_out, report.without_address, report.problems) == (4, 1, 4, [])
    with database.unit_of_work() as session:
        bodies = {b.name: b for b in session.scalars(select(AuthorityRow))}
    assert set(bodies) == {"Aberdeen City Council", "Cabinet Office", "Environment Agency", "Cardiff Council"}
    aberdeen, cabinet, agency = bodies["Aberdeen City Council"], bodies["Cabinet Office"], bodies["Environment Agency"]
    assert (aberdeen.nation, aberdeen.regime, aberdeen.foi_email) == ("scotland", "foisa", "")
    assert "central" in cabinet.tags and cabinet.regime == "foia"
    assert agency.regime == "eir" and bodies["Cardiff Council"].nation == "wales"

    with database.unit_of_work() as session:  # the same file again: nothing changes
        again = import_directory(session, rows, wdtk=True)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)


def test_our_csv_imports_in_bulk_updates_what_changed_and_keeps_domains(database):
    lines = ["name,foi_email,nation,domains,tags"] + [
        f"Body {n},foi@body{n}.gov.uk,england,{f'*.body{n}.gov.uk' if n % 2 else ''},local" for n in range(2500)
    ]
    rows, _ = rows_of("\n".join(lines) + "\n")
    with database.unit_of_work() as session:
        first = import_directory(session, rows)
    assert (first.added, first.updated) == (2500, 0)
    rows[7]["name"] = "Body Seven Renamed"
    rows[9]["domains"] = ""  # the "*." is dropped
    with database.unit_of_work() as session:
        second = import_directory(session, rows)
    assert (second.added, second.updated, second.unchanged) == (0, 1, 2499)
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count(AuthorityRow.id))) == 2500
        nine = session.scalar(select(AuthorityRow).where(AuthorityRow.foi_email == "foi@body9.gov.uk"))
        assert [(d.domain, d.include_subdomains) for d in nine.domains] == [("body9.gov.uk", False)]
        assert session.scalar(select(AuthorityRow.name).where(AuthorityRow.foi_email == "foi@body7.gov.uk")) == (
            "Body Seven Renamed"
        )
        assert session.scalar(select(func.count(AuthorityDomain.id))) == 2500  # one domain each, no duplicates
        assert [a.name for a in find_authorities(session, "Body Seven", None)][0] == "Body Seven Renamed"


def test_search_by_index_forgives_typos_and_finds_names_in_any_case(database):
    rows, _ = rows_of(
        "name,foi_email\n"
        + "".join(f"{place} {kind},foi@{place.lower()}{n}.gov.uk\n"
                  for n, (place, kind) in enumerate((p, k) for p in ("Barnet", "Camden", "Leeds", "York", "Hull")
                                                    for k in ("Council", "Police", "NHS Trust", "Library")))
    )  # fmt: skip
    with database.unit_of_work() as session:
        import_directory(session, rows)
        assert find_authorities(session, "barnet council", None)[0].name == "Barnet Council"
        assert find_authorities(session, "Barnat Council", None)[0].name == "Barnet Council"  # a typo
        assert find_authorities(session, "leeds polise", None)[0].name == "Leeds Police"
        assert find_authorities(session, "hu", None)[0].name.startswith("Hull")  # two letters: a prefix
        assert find_authorities(session, "zzzzqqq", None) == []
        renamed = session.scalar(select(AuthorityRow).where(AuthorityRow.name == "York Library"))
        renamed.name = "York Explore Libraries"
        session.flush()
        assert find_authorities(session, "york explore", None)[0].name == "York Explore Libraries"  # index follows


def test_the_first_writer_to_a_body_without_an_address_gives_it_and_it_is_kept(server, bot, database):  # noqa: F811
    rows, _ = rows_of(WDTK)
    with database.unit_of_work() as session:
        import_directory(session, rows, wdtk=True)
    chat = Chat(server, ALICE)
    chat.say("/start")
    chat.say("Ada Lovelace")
    chat.say("/new")
    chat.say("cardiff")
    chat.press(chat.button("Cardiff Council"))
    assert "not its FOI email address" in chat.text
    chat.say("gov.uk")
    assert "cannot use" in chat.text  # a public suffix is no body's address
    chat.say("foi@cardiff.gov.uk")
    assert "To: <b>Cardiff Council</b> (foi@cardiff.gov.uk)" in chat.text
    with database.unit_of_work() as session:
        cardiff = session.scalar(select(AuthorityRow).where(AuthorityRow.name == "Cardiff Council"))
        assert cardiff.foi_email == "foi@cardiff.gov.uk" and cardiff.added_by is None  # kept for everyone
        assert [d.domain for d in cardiff.domains] == ["cardiff.gov.uk"]
