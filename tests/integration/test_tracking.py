"""Many requests on real databases: lists and filters, batches, exports, statistics, and the CLI over them."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile

import icalendar
import pytest

from foi.batches import Throttle
from foi.lifecycle import Status
from foi.tracking import StatusGroup, next_due
from mail.compose import Mailbox
from service import batches, exports, listing, projects, statistics
from service.listing import Filter, dates_of
from storage.models import AuthorityRow, FoiRequestRow, MessageLink, MessageRow, OutboxMessage, User
from tests.integration.test_cli import foibot
from tests.mail_fixtures import crlf

D = dt.date
TODAY = D(2026, 3, 20)
NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC)
MAILBOX = Mailbox("foibot@example.org", "+")


def _body(session, name: str, tags=()) -> AuthorityRow:  # type: ignore[no-untyped-def]
    slug = name.split()[0].lower()
    body = AuthorityRow(name=name, foi_email=f"foi@{slug}.gov.uk", tags=list(tags))
    session.add(body)
    session.flush()
    return body


def _request(session, owner, body, status, reference, **dates) -> FoiRequestRow:  # type: ignore[no-untyped-def]
    request = FoiRequestRow(owner=owner, authority=body, title=f"About {reference}", status=status,
                            reference=reference, **dates)  # fmt: skip
    session.add(request)
    session.flush()
    return request


def _seed(session, today: dt.date = TODAY) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Two users; Ada's requests in every kind of state, dates chosen so the answers can be worked by hand.

    What happened is in early 2026; what is still to come is counted from ``today``.
    """
    later = {n: today + dt.timedelta(days=n) for n in (7, 12, 18, 24)}
    ada, bob = User(telegram_id=1, real_name="Ada Lovelace"), User(telegram_id=2, real_name="Bob")
    session.add_all([ada, bob])
    barnet, camden = _body(session, "Barnet Council"), _body(session, "Camden Council")
    made = {
        # waiting, due 16 Mar: overdue on 20 Mar
        "late": _request(session, ada, barnet, "acknowledged", "FOI-AAAAA1", received_on=D(2026, 2, 16),
                         reply_due_on=D(2026, 3, 16)),
        # waiting, statutory date passed but the authority promised a later day: not overdue in the list
        "promised": _request(session, ada, camden, "sent", "FOI-AAAAA2", received_on=D(2026, 2, 16),
                             reply_due_on=D(2026, 3, 16), promised_on=later[7]),
        # waiting, not yet due
        "fresh": _request(session, ada, barnet, "sent", "FOI-AAAAA3", received_on=D(2026, 3, 4),
                          reply_due_on=later[12]),
        # refused on 16 Feb (5 working days after 9 Feb, due 9 Mar); the review window still open
        "refused": _request(session, ada, camden, "refused", "FOI-AAAAA4", received_on=D(2026, 2, 9),
                            reply_due_on=D(2026, 3, 9), responded_on=D(2026, 2, 16),
                            review_request_by=later[24]),
        # answered late on 4 Mar (22 working days after 2 Feb, due 2 Mar); review asked, decision to come
        "review": _request(session, ada, barnet, "review_requested", "FOI-AAAAA5", received_on=D(2026, 2, 2),
                           reply_due_on=D(2026, 3, 2), responded_on=D(2026, 3, 4),
                           review_requested_on=D(2026, 3, 10), review_reply_due_on=later[18]),
        "draft": _request(session, ada, barnet, "draft", None),
        # Bob's: never in Ada's lists
        "bobs": _request(session, bob, barnet, "acknowledged", "FOI-BBBBB1", received_on=D(2026, 2, 16),
                         reply_due_on=D(2026, 3, 16)),
    }  # fmt: skip
    projects.file_in(session, ada, made["late"], "Housing")  # type: ignore[arg-type]
    projects.file_in(session, ada, made["refused"], "housing")  # type: ignore[arg-type]  # any case: the same one
    projects.tag(session, ada, made["late"], ["#Repairs", "damp"])  # type: ignore[arg-type]
    projects.tag(session, ada, made["fresh"], ["repairs"])  # type: ignore[arg-type]
    return {"ada": ada, "bob": bob, "barnet": barnet, "camden": camden, **made}


def _refs(page: listing.Page) -> list[str | None]:
    return [item.reference for item in page.items]


def test_the_database_sorts_by_the_same_next_date_the_domain_computes(database):
    with database.unit_of_work() as session:
        seeded = _seed(session)
        for status in Status:
            if status == Status.DRAFT:
                continue
            request = seeded["fresh"]
            request.status, request.review_request_by = status.value, D(2026, 5, 1)  # type: ignore[attr-defined]
            request.review_reply_due_on, request.complaint_by = D(2026, 6, 1), D(2026, 9, 1)  # type: ignore[attr-defined]
            session.flush()
            page = listing.find(session, Filter(owner_id=seeded["ada"].id), TODAY, per_page=None)  # type: ignore[attr-defined]
            [item] = [i for i in page.items if i.reference == "FOI-AAAAA3"]
            assert item.next_due_on == next_due(dates_of(request)), status  # type: ignore[arg-type]
            before = listing.find(session, Filter(owner_id=seeded["ada"].id, due_before=D(2026, 5, 2)), TODAY,  # type: ignore[attr-defined]
                                  per_page=None)  # fmt: skip
            assert ("FOI-AAAAA3" in _refs(before)) == (
                item.next_due_on is not None and item.next_due_on < D(2026, 5, 2)
            )


def test_lists_filter_by_group_project_tag_and_body_and_show_only_the_owners(database):
    with database.unit_of_work() as session:
        s = _seed(session)
        ada = s["ada"].id  # type: ignore[attr-defined]

        def refs(**wanted):  # type: ignore[no-untyped-def]
            return _refs(listing.find(session, Filter(owner_id=ada, **wanted), TODAY, per_page=None))

        # next date first: 16 Mar (overdue), the promise, the reply due, the review decision, the review window
        assert refs() == ["FOI-AAAAA1", "FOI-AAAAA2", "FOI-AAAAA3", "FOI-AAAAA5", "FOI-AAAAA4"]
        assert refs(groups=frozenset({StatusGroup.OVERDUE})) == ["FOI-AAAAA1"]
        assert refs(groups=frozenset({StatusGroup.WAITING})) == ["FOI-AAAAA1", "FOI-AAAAA2", "FOI-AAAAA3"]
        assert refs(groups=frozenset({StatusGroup.REFUSED, StatusGroup.REVIEW})) == ["FOI-AAAAA5", "FOI-AAAAA4"]
        assert refs(project_name="HOUSING") == ["FOI-AAAAA1", "FOI-AAAAA4"]
        assert refs(tag="#repairs") == ["FOI-AAAAA1", "FOI-AAAAA3"]
        assert refs(authority="camden") == ["FOI-AAAAA2", "FOI-AAAAA4"]
        assert refs(include_drafts=True)[-1] is None  # the draft, with no date, last
        page = listing.find(session, Filter(owner_id=ada), TODAY, page=1, per_page=2)
        assert (_refs(page), page.total, page.pages) == (["FOI-AAAAA3", "FOI-AAAAA5"], 5, 3)
        assert [i.tags for i in listing.find(session, Filter(owner_id=ada, tag="damp"), TODAY).items] == [
            ("damp", "repairs")
        ]
        with pytest.raises(projects.FilingRefused):
            projects.tag(session, s["bob"], s["late"], ["mine"])  # type: ignore[arg-type]


def _questions_file(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "q.txt"
    path.write_text("1. How many {authority} staff work from home?\n2. {note}\n")
    return path


def test_a_batch_from_a_tag_is_queued_spaced_out_taken_back_and_queued_again(database):
    throttle = Throttle(per_domain=dt.timedelta(minutes=1), per_mailbox=dt.timedelta(seconds=10))
    chosen_settings = batches.BatchSettings(throttle=throttle, revoke_window=dt.timedelta(minutes=10))
    with database.unit_of_work() as session:
        ada = User(telegram_id=1, real_name="Ada Lovelace")
        session.add(ada)
        for n in range(4):
            _body(session, f"Council{n} of London", tags=["london"])
        session.add(AuthorityRow(name="Other London", foi_email="foi@council0.gov.uk", tags=["London"]))  # same domain
        _body(session, "Leeds City", tags=["yorkshire"])
        bob = User(telegram_id=2, real_name="Bob")
        session.add(bob)
        session.flush()
        session.add(AuthorityRow(name="Private London", foi_email="x@private.gov.uk", tags=["london"], added_by=bob.id))
        chosen = batches.bodies_tagged(session, ada, "LONDON")
        assert sorted(b.authority.name for b in chosen.bodies) == [
            "Council0 of London", "Council1 of London", "Council2 of London", "Council3 of London", "Other London",
        ]  # fmt: skip
        project = batches.create(session, ada, "Home working at {authority}", "1. Staff at {authority}?\n2. {note}\n",
                                 chosen.bodies, chosen_settings)  # fmt: skip
        letters = batches.preview(session, project)
        assert len(letters) == 5 and len({r.reference for r, _ in letters}) == 5
        assert "1. Staff at Council2 of London?" in letters[2][1].body and "2." not in letters[2][1].body
        assert letters[2][1].subject.startswith("Freedom of Information request - Home working at Council2 of London")

        queued = batches.queue(session, project, MAILBOX, NOW, chosen_settings)
        assert queued.queued == 5 and queued.first_at == NOW + dt.timedelta(minutes=10)
        times = {r.request_id: r.next_attempt_at for r in session.query(OutboxMessage)}
        by_name = {r.authority.name: times[r.id] for r, _ in letters}  # type: ignore[union-attr]
        start = NOW + dt.timedelta(minutes=10)
        # council0 and "Other London" share a domain: a minute apart; the mailbox: 10 s apart
        assert by_name["Council0 of London"] == start
        assert by_name["Other London"] == start + dt.timedelta(minutes=1)
        assert sorted(by_name.values())[:4] == [start + dt.timedelta(seconds=10 * n) for n in range(4)]
        assert {r.status for r, _ in letters} == {"queued"}
        assert batches.progress(session, project).waiting_to_go == 5

        revoked = batches.revoke(session, project, NOW + dt.timedelta(minutes=2))
        assert (revoked.revoked, revoked.already_gone) == (5, 0)
        assert {o.status for o in session.query(OutboxMessage)} == {"revoked"}
        assert {r.status for r in batches.requests_of(session, project)} == {"draft"}
        again = batches.queue(session, project, MAILBOX, NOW + dt.timedelta(minutes=3), chosen_settings)
        assert again.queued == 5 and again.first_at == NOW + dt.timedelta(minutes=13)
        assert session.query(OutboxMessage).filter_by(status="queued").count() == 5


def test_a_batch_refuses_what_it_cannot_send(database):
    with database.unit_of_work() as session:
        ada = User(telegram_id=1, real_name="Ada Lovelace")
        session.add(ada)
        body = batches.Body(_body(session, "Barnet Council"))
        with pytest.raises(batches.BatchRefused, match="unknown merge field {council}"):
            batches.create(session, ada, "T", "1. Staff at {council}?", [body])
        with pytest.raises(batches.BatchRefused, match="asks nothing once merged"):
            batches.create(session, ada, "T", "1. {note}", [body])
        with pytest.raises(batches.BatchRefused, match="at most 2 bodies"):
            bodies = [batches.Body(_body(session, f"B{n} Council")) for n in range(3)]
            batches.create(session, ada, "T", "1. Q?", bodies, batches.BatchSettings(max_bodies=2))
        bob = User(telegram_id=2, real_name="Bob")
        session.add(bob)
        session.flush()
        private = AuthorityRow(name="Bob's own", foi_email="foi@bobs.gov.uk", added_by=bob.id)
        session.add(private)
        session.flush()
        with pytest.raises(batches.BatchRefused, match="private entry"):
            batches.create(session, ada, "T", "1. Q?", [batches.Body(private)])
        one_a_day = batches.BatchSettings(batches_per_day=1)
        first = batches.create(session, ada, "T", "1. Q?", [body], one_a_day)
        batches.queue(session, first, MAILBOX, NOW, one_a_day)
        second = batches.create(session, ada, "T", "1. Q?", [body], one_a_day)
        assert second.name == "T (2)"
        with pytest.raises(batches.BatchRefused, match="1 batches in the last 24 hours"):
            batches.queue(session, second, MAILBOX, NOW + dt.timedelta(hours=1), one_a_day)


def _attach(session, request, direction, raw: bytes, when):  # type: ignore[no-untyped-def]
    message = MessageRow(direction=direction, raw=raw, raw_sha256=hashlib.sha256(raw).hexdigest(), size=len(raw),
                         sent_date=when, state="matched")  # fmt: skip
    session.add(message)
    session.flush()
    session.add(MessageLink(message_id=message.id, request_id=request.id, reason="thread", status="attached"))


REPLY_WITH_PDF = crlf(
    """
    From: foi@camden.gov.uk
    To: foibot@example.org
    Subject: Re: [FOI-AAAAA4]
    MIME-Version: 1.0
    Content-Type: multipart/mixed; boundary="b"

    --b
    Content-Type: text/plain

    We refuse under section 12.
    --b
    Content-Type: application/pdf
    Content-Disposition: attachment; filename="../../response letter.pdf"
    Content-Transfer-Encoding: base64

    JVBERi0xLjQKJcfsj6IK
    --b--
    """
)


def test_exports_hold_every_deadline_and_every_original_email(database):
    with database.unit_of_work() as session:
        s = _seed(session)
        refused = s["refused"]
        sent_raw = b"From: foibot@example.org\r\nSubject: FOI [FOI-AAAAA4]\r\n\r\nPlease provide.\r\n"
        _attach(session, refused, "out", sent_raw, NOW - dt.timedelta(days=40))
        _attach(session, refused, "in", REPLY_WITH_PDF, NOW - dt.timedelta(days=30))
        ada = Filter(owner_id=s["ada"].id)  # type: ignore[attr-defined]
        rows = listing.requests_for(session, ada, TODAY)
        calendar = icalendar.Calendar.from_ical(exports.ics_of(rows, NOW))
        events = {(str(e["uid"]), e.decoded("dtstart")) for e in calendar.walk("VEVENT")}
        # one event per deadline: 5 reply dates, the refused one's review window, the review's decision date
        assert len(events) == 7
        assert ("foi-aaaaa4-review-window-closes@foibot", TODAY + dt.timedelta(days=24)) in events
        assert ("foi-aaaaa2-reply-due@foibot", TODAY + dt.timedelta(days=7)) in events  # the promise, not the law's

        out = io.BytesIO()
        assert exports.write_zip(session, [refused], out) == 2  # type: ignore[list-item]
        archive = zipfile.ZipFile(out)
        names = archive.namelist()
        emls = sorted(n for n in names if n.endswith(".eml"))
        assert [archive.read(n) for n in emls] == [sent_raw, REPLY_WITH_PDF]  # byte for byte
        [pdf] = [n for n in names if n.endswith(".pdf")]
        assert (
            pdf.startswith("FOI-AAAAA4 Camden Council/") and "/../" not in pdf and pdf.endswith("response letter.pdf")
        )
        assert archive.read(pdf).startswith(b"%PDF")

        text = exports.csv_of(listing.find(session, ada, TODAY, per_page=None).items)
        table = list(csv.DictReader(io.StringIO(text)))
        assert len(table) == 5
        assert [r["reference"] for r in table if r["overdue"] == "yes"] == ["FOI-AAAAA1"]


@pytest.fixture
def seeded_cli(tmp_path):  # type: ignore[no-untyped-def]
    from storage.db import open_database, upgrade

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(url)
    db = open_database(url)
    with db.unit_of_work() as session:
        s = _seed(session, dt.datetime.now(dt.UTC).date())  # the CLI's own clock
        operator = User(telegram_id=None, real_name="Ada Lovelace")
        session.add(operator)
        session.flush()
        for key in ("late", "promised", "fresh", "refused", "review", "draft"):
            s[key].owner = operator  # type: ignore[attr-defined]
    db.dispose()
    return {"DATABASE_URL": url}


def test_the_cli_lists_overdue_requests_as_csv_and_counts_each_body_by_hand(tmp_path, seeded_cli):
    listed = foibot("requests", "list", "--overdue", "--csv", cwd=tmp_path, env=seeded_cli)
    assert listed.returncode == 0, listed.stderr
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [(r["reference"], r["authority"], r["reply_due"], r["overdue"]) for r in rows] == [
        ("FOI-AAAAA1", "Barnet Council", "2026-03-16", "yes")
    ]
    everyone = foibot("requests", "list", "--overdue", "--all-users", "--json", cwd=tmp_path, env=seeded_cli)
    assert sorted(r["reference"] for r in __import__("json").loads(everyone.stdout)) == ["FOI-AAAAA1", "FOI-BBBBB1"]

    stats = foibot("stats", "authorities", "--csv", cwd=tmp_path, env=seeded_cli)
    assert stats.returncode == 0, stats.stderr
    table = {r["authority"]: r for r in csv.DictReader(io.StringIO(stats.stdout))}
    # Barnet: late, fresh, review (answered 4 Mar, 22 working days, after 2 Mar) and Bob's = 4 requests
    barnet = table["Barnet Council"]
    assert (barnet["requests"], barnet["replied"], barnet["median_working_days"]) == ("4", "1", "22")
    assert (barnet["late"], barnet["late_of"], barnet["overdue_now"], barnet["waiting"]) == ("1", "1", "2", "3")
    assert (barnet["reviews_requested"], barnet["reviews_decided"]) == ("1", "0")
    # Camden: promised (waiting; past the statutory date, which is what statistics count) and refused
    # (5 working days, on time, withheld)
    camden = table["Camden Council"]
    assert (camden["requests"], camden["replied"], camden["median_working_days"]) == ("2", "1", "5")
    assert (camden["late"], camden["overdue_now"], camden["waiting"]) == ("0", "1", "1")
    assert (camden["refused_or_partial"], camden["refused_or_partial_of"]) == ("1", "1")


def test_the_cli_batch_from_a_csv_of_bodies_with_notes(tmp_path, smtp_server):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_server.port), "SMTP_SECURITY": "plain", "MAIL_ADDRESS": "foibot@example.org",
        "BATCH_REVOKE_MINUTES": "0", "SEND_GAP_PER_MAILBOX_SECONDS": "0", "SEND_GAP_PER_DOMAIN_SECONDS": "0",
    }  # fmt: skip
    directory = tmp_path / "directory.csv"
    directory.write_text(
        "name,foi_email,tags\nBarnet Council,foi@barnet.gov.uk,london\nLeeds City Council,foi@leeds.gov.uk,\n"
    )
    bodies = tmp_path / "bodies.csv"
    bodies.write_text("name,note\nBarnet Council,Including agency staff.\nLeeds City Council,\nNowhere Council,x\n")
    assert foibot("db", "upgrade", cwd=tmp_path, env=env).returncode == 0
    assert foibot("authorities", "import", str(directory), cwd=tmp_path, env=env).returncode == 0
    made = foibot("batch", "new", "--title", "Staff at {authority}", "--questions", str(_questions_file(tmp_path)),
                  "--name", "Ada Lovelace", "--authorities", str(bodies), "--send", "--show", "2",
                  cwd=tmp_path, env=env)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "skipped: line 4: no body found for 'Nowhere Council'" in made.stderr
    assert "2. Including agency staff." in made.stdout and "queued 2 letters" in made.stdout
    sent = foibot("send-queued", cwd=tmp_path, env=env)
    assert sent.stdout.strip() == "sent 2, to retry 0, failed 0"
    assert sorted(d.rcpt_tos[0] for d in smtp_server.deliveries) == ["foi@barnet.gov.uk", "foi@leeds.gov.uk"]
    shown = foibot("batch", "show", "1", "--json", cwd=tmp_path, env=env)
    assert {r["status"] for r in __import__("json").loads(shown.stdout)} == {"sent"}
    refused = foibot("batch", "new", "--title", "T", "--questions", str(_questions_file(tmp_path)), "--name", "Ada",
                     "--tag", "x", "--authority", "y", cwd=tmp_path, env=env)  # fmt: skip
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "one way" in refused.stderr


def test_one_body_statistics_from_the_service(database):
    with database.unit_of_work() as session:
        s = _seed(session)
        camden = statistics.one_authority(session, s["camden"], TODAY)  # type: ignore[arg-type]
        assert (camden.requests, camden.replied, str(camden.withheld)) == (2, 1, "1 of 1")


def test_the_sender_keeps_a_batchs_gaps_and_lets_other_mail_through(database, smtp_server):
    from mail.smtp import SmtpConfig, SmtpTransport
    from service.sender import OutboxSender
    from tests.factories import MovableClock, make_draft

    clock = MovableClock(NOW)
    with database.unit_of_work() as session:
        ada = User(telegram_id=1, real_name="Ada Lovelace")
        session.add(ada)
        bodies = [
            AuthorityRow(name=f"Body {n}", foi_email=f"foi{n}@{'shared' if n < 2 else f'b{n}'}.gov.uk")
            for n in range(3)
        ]  # fmt: skip
        session.add_all(bodies)
        session.flush()
        project = batches.create(session, ada, "T at {authority}", "1. Q?", [batches.Body(b) for b in bodies])
        batches.queue(session, project, MAILBOX, NOW, batches.BatchSettings(revoke_window=dt.timedelta(0)))
        single = make_draft(session, telegram_id=2, email="foi@elsewhere.gov.uk")
        from service import outgoing

        outgoing.queue_request(session, single, MAILBOX, NOW)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds=seconds)

    throttle = Throttle(per_domain=dt.timedelta(minutes=1), per_mailbox=dt.timedelta(seconds=10))
    transport = SmtpTransport(SmtpConfig("127.0.0.1", smtp_server.port, security="plain", timeout=5))
    sender = OutboxSender(database, transport, clock, throttle=throttle, sleep=sleep)
    clock.advance(seconds=70)  # everything the schedule spread out is due now: a late pass
    report = sender.run_once()
    # Body 0 and Body 2 go 10 s apart; Body 1 shares Body 0's domain: it waits its minute, queued.
    assert [d.rcpt_tos[0] for d in smtp_server.deliveries] == ["foi0@shared.gov.uk", "foi2@b2.gov.uk",
                                                              "foi@elsewhere.gov.uk"]  # fmt: skip
    assert slept == [10.0] and report.deferred == 1
    clock.advance(seconds=60)
    sender.run_once()
    assert smtp_server.deliveries[-1].rcpt_tos == ["foi1@shared.gov.uk"]
