"""The web dashboard over HTTP (Starlette's TestClient against the real app and database).

The browser itself is driven in tests/browser/; these check the rules every
page keeps: sign-in links, sessions, CSRF, ownership, exports and health.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import icalendar
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from mail.compose import Mailbox
from service import outgoing, web_access
from storage import outbox
from storage.models import FoiRequestRow, OutboxMessage, User
from tests.factories import MovableClock, make_draft
from web.app import COOKIE, Dashboard, create_app

MAILBOX = Mailbox("foibot@example.org", "+")
SENT = dt.datetime(2024, 6, 4, 9, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2024, 8, 1, 9, 0, tzinfo=dt.UTC)  # every request sent on SENT is overdue


def sent(database, telegram_id, title, email="foi@barnet.gov.uk", authority="London Borough of Barnet"):
    with database.unit_of_work() as session:
        request = make_draft(session, telegram_id=telegram_id, title=title, email=email, authority=authority)
        queued = outgoing.queue_request(session, request, MAILBOX, SENT)
        outgoing.mark_sent(session, outbox.claim(session, queued.outbox_id, SENT, dt.timedelta(minutes=1)), SENT)
        return request.id


@pytest.fixture
def clock():
    return MovableClock(LATER)


@pytest.fixture
def site(database, clock):
    return TestClient(create_app(Dashboard(database, MAILBOX, clock, "http://testserver")), follow_redirects=False)


def sign_in_link(database, telegram_id, clock) -> str:
    with database.unit_of_work() as session:
        user = session.scalar(select(User).where(User.telegram_id == telegram_id))
        return f"/sign-in/{web_access.new_sign_in(session, user, clock())}"


def signed_in(site, database, telegram_id, clock):
    link = sign_in_link(database, telegram_id, clock)
    assert site.get(link).status_code == 200  # a button, not yet spent
    response = site.post(link)
    assert response.status_code == 303 and response.headers["location"] == "/requests"
    return site


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_a_link_signs_in_once_and_sets_a_safe_cookie(database, site, clock):
    sent(database, 501, "Laptops")
    link = sign_in_link(database, 501, clock)
    shown = site.get(link)
    assert shown.status_code == 200 and 'id="sign-in"' in shown.text  # GET (a link preview) spends nothing
    response = site.post(link)
    cookie = response.headers["set-cookie"]
    assert COOKIE in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http here; WEB_BASE_URL https:// makes it Secure
    assert "Laptops" in site.get("/requests").text

    again = TestClient(site.app).post(link)
    assert again.status_code == 410 and "already been used" in again.text
    assert "already been used" in TestClient(site.app).get(link).text


def test_an_expired_or_unknown_link_is_refused_with_a_clear_page(database, site, clock):
    sent(database, 502, "Parking")
    link = sign_in_link(database, 502, clock)
    clock.advance(minutes=16)
    refused = site.post(link)
    assert refused.status_code == 410 and "expired" in refused.text and "/dashboard" in refused.text
    assert "not valid" in site.get("/sign-in/made-up-token").text
    assert site.get("/requests").status_code == 401  # still signed out


def test_https_base_url_makes_the_cookie_secure(database, clock):
    sent(database, 503, "Bins")
    site = TestClient(create_app(Dashboard(database, MAILBOX, clock, "https://foi.example.org")),
                      base_url="https://testserver", follow_redirects=False)  # fmt: skip
    response = site.post(sign_in_link(database, 503, clock))
    assert "Secure" in response.headers["set-cookie"]


def test_another_users_request_message_and_file_are_not_found(database, site, clock):
    mine = sent(database, 504, "Mine")
    theirs = sent(database, 505, "Theirs")
    signed_in(site, database, 504, clock)
    assert site.get(f"/requests/{mine}").status_code == 200
    for path in (f"/requests/{theirs}", f"/requests/{theirs}/letter/chaser", "/requests/99999999",
                 "/requests/abc", f"/requests/{2**70}"):  # fmt: skip
        response = site.get(path)
        assert response.status_code == 404, path
        assert "Theirs" not in response.text
    with database.unit_of_work() as session:
        their_message = session.scalar(select(OutboxMessage.message_row_id).where(OutboxMessage.request_id == theirs))
    assert site.get(f"/messages/{their_message}/raw").status_code == 404
    page = site.get(f"/requests/{mine}").text
    forged = site.post(f"/messages/{their_message}/kind", data={"csrf": csrf_of(page), "kind": "refusal"})
    assert forged.status_code == 404
    assert "Theirs" not in site.get("/requests").text


def test_a_form_without_the_session_csrf_token_is_refused(database, site, clock):
    request_id = sent(database, 506, "Trees")
    signed_in(site, database, 506, clock)
    refused = site.post(f"/requests/{request_id}/reminders/snooze", data={"csrf": "forged"})
    assert refused.status_code == 403
    with database.unit_of_work() as session:
        assert session.get(FoiRequestRow, request_id).snoozed_until is None
    page = site.get(f"/requests/{request_id}").text
    done = site.post(f"/requests/{request_id}/reminders/snooze", data={"csrf": csrf_of(page)})
    assert done.status_code == 303
    with database.unit_of_work() as session:
        assert session.get(FoiRequestRow, request_id).snoozed_until == LATER.date() + dt.timedelta(days=7)


def test_the_list_filters_sorts_and_exports_what_it_shows(database, site, clock):
    overdue = sent(database, 507, "Potholes", email="foi@leeds.gov.uk", authority="Leeds City Council")
    answered = sent(database, 507, "Libraries")
    with database.unit_of_work() as session:
        session.get(FoiRequestRow, answered).status = "answered"
    signed_in(site, database, 507, clock)

    page = site.get("/requests", params={"status": "overdue"}).text
    assert "Potholes" in page and "Libraries" not in page
    assert re.search(r'<span id="total">1</span>', page)
    assert site.get("/requests", params={"q": "librar"}).text.count("/requests/") >= 1
    assert "Potholes" not in site.get("/requests", params={"q": "librar"}).text
    assert "Potholes" in site.get("/requests", params={"authority": "leeds"}).text
    by_title = site.get("/requests", params={"sort": "title"}).text
    assert by_title.index("Libraries") < by_title.index("Potholes")
    by_title_desc = site.get("/requests", params={"sort": "title", "desc": "1"}).text
    assert by_title_desc.index("Potholes") < by_title_desc.index("Libraries")
    assert site.get("/requests", params={"status": "nonsense", "page": "x", "due_before": "soon"}).status_code == 200

    exported = site.get("/requests.csv", params={"status": "overdue"})
    assert exported.headers["content-disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [row["title"] for row in rows] == ["Potholes"] and rows[0]["overdue"] == "yes"
    calendar = icalendar.Calendar.from_ical(site.get("/requests.ics", params={"status": "overdue"}).content)
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    with database.unit_of_work() as session:
        reference = session.get(FoiRequestRow, overdue).reference
    assert summaries and all(s.startswith(reference) for s in summaries)


def test_a_calendar_feed_serves_its_list_until_revoked(database, site, clock):
    sent(database, 508, "Schools")
    signed_in(site, database, 508, clock)
    page = site.get("/requests", params={"status": "overdue"}).text
    made = site.post("/feeds/new", data={"csrf": csrf_of(page), "query": "status=overdue"})
    url = re.search(r'id="feed-url"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*id="feed-url"', made.text)
    url = next(g for g in url.groups() if g)
    path = url.removeprefix("http://testserver")
    anonymous = TestClient(site.app)
    feed = anonymous.get(path)
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    feeds = site.get("/feeds").text
    feed_id = re.search(r'action="/feeds/(\d+)/revoke"', feeds).group(1)
    assert site.post(f"/feeds/{feed_id}/revoke", data={"csrf": csrf_of(feeds)}).status_code == 303
    assert anonymous.get(path).status_code == 404


def test_a_chaser_is_previewed_edited_and_queued_in_the_thread(database, site, clock):
    request_id = sent(database, 509, "Street lights")
    signed_in(site, database, 509, clock)
    page = site.get(f"/requests/{request_id}").text
    assert 'id="draft-chaser"' in page  # overdue: the chaser is open
    preview = site.get(f"/requests/{request_id}/letter/chaser")
    assert preview.status_code == 200 and "have not yet received a response" in preview.text
    subject = re.search(r'name="subject" value="([^"]+)"', preview.text).group(1)
    sent_form = site.post(
        f"/requests/{request_id}/letter/chaser",
        data={"csrf": csrf_of(preview.text), "subject": subject + "\r\nBcc: evil@example.com",
              "body": "Dear FOI team,\n\nPlease reply: my request is overdue.\n\nYours,\nAda"},
    )  # fmt: skip
    assert sent_form.status_code == 303 and sent_form.headers["location"].endswith("?done=sent")
    with database.unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == request_id)).all()
        chaser = next(r for r in rows if r.kind == "chaser")
        first = next(r for r in rows if r.kind == "request")
    raw = chaser.raw.decode()
    assert f"In-Reply-To: {first.message_id_header}" in raw
    assert "Please reply: my request is overdue." in raw
    assert "\nBcc:" not in raw and "evil@example.com" in raw.split("\r\n\r\n")[0]  # folded into the subject only
    too_short = site.post(f"/requests/{request_id}/letter/chaser",
                          data={"csrf": csrf_of(preview.text), "subject": subject, "body": "hi"})  # fmt: skip
    assert too_short.status_code == 400 and "10 to 20,000" in too_short.text


def test_user_text_is_escaped_on_every_page(database, site, clock):
    request_id = sent(database, 510, "<script>alert(1)</script> & more")
    signed_in(site, database, 510, clock)
    for path in ("/requests", f"/requests/{request_id}"):
        page = site.get(path).text
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "default-src 'self'" in site.get("/requests").headers["content-security-policy"]


def test_health_reports_the_database_watcher_and_outbox_without_personal_data(database, site):
    sent(database, 511, "Secret title")
    with database.unit_of_work() as session:
        request = make_draft(session, telegram_id=511, title="Queued one")
        outgoing.queue_request(session, request, MAILBOX, SENT)
    report = site.get("/healthz")
    assert report.status_code == 200
    data = report.json()
    assert data["database"] == "ok" and data["outbox_backlog"] == 1 and data["watcher_last_contact"] is None
    assert "Secret" not in report.text and "barnet" not in report.text.lower()


def test_a_banned_user_is_signed_out(database, site, clock):
    sent(database, 512, "Roads")
    signed_in(site, database, 512, clock)
    with database.unit_of_work() as session:
        session.scalar(select(User).where(User.telegram_id == 512)).banned_at = LATER
    assert site.get("/requests").status_code == 401


def test_dashboard_in_the_chat_gives_a_link_for_that_user_only_and_says_when_it_is_off(server, database, clock):
    from tests.bot_harness import RunningBot
    from tests.integration.test_bot import Chat

    sent(database, 513, "Ada's")
    sent(database, 514, "Bob's")
    off = RunningBot(server, database, clock).start()
    try:
        assert "not switched on" in Chat(server, 513).say("/dashboard").text
    finally:
        off.stop()
    on = RunningBot(server, database, clock, dashboard_url="http://testserver").start()
    try:
        listed = server.wait_for(
            lambda c: c.method == "setMyCommands" and "dashboard" in [x["command"] for x in c.params["commands"]]
        )
        assert listed.params["commands"][-1]["command"] == "help"
        text = Chat(server, 513).say("/dashboard").text
    finally:
        on.stop()
    link = re.search(r"http://testserver(/sign-in/\S+)", text).group(1)
    assert "once" in text and "15 minutes" in text
    site = TestClient(create_app(Dashboard(database, MAILBOX, clock, "http://testserver")), follow_redirects=False)
    site.post(link)
    listed = site.get("/requests").text
    assert "Ada&#39;s" in listed and "Bob&#39;s" not in listed


def test_a_very_late_request_offers_the_complaint_with_its_grounds_pack_and_record(database, site, clock):
    import zipfile

    request_id = sent(database, 515, "Council tax")  # sent in June: past the 40 working days by August
    signed_in(site, database, 515, clock)
    assert 'id="complaint"' in site.get(f"/requests/{request_id}").text
    page = site.get(f"/requests/{request_id}/complaint")
    assert page.status_code == 200 and "Information Commissioner" in page.text and 'id="grounds"' in page.text
    pack = site.get(f"/requests/{request_id}/complaint-pack")
    assert pack.headers["content-type"] == "application/zip"
    assert any(name.endswith(".pdf") for name in zipfile.ZipFile(io.BytesIO(pack.content)).namelist())
    assert site.post(f"/requests/{request_id}/complained", data={"csrf": csrf_of(page.text)}).status_code == 303
    with database.unit_of_work() as session:
        assert session.get(FoiRequestRow, request_id).status == "complaint_made"
    assert site.get(f"/requests/{request_id}/complaint").status_code == 404  # done: no longer open


def test_metrics_count_by_state_from_the_database_and_show_nothing_personal(database, site):
    sent(database, 516, "Very private title")
    with database.unit_of_work() as session:
        request = make_draft(session, telegram_id=516, title="Still queued")
        outgoing.queue_request(session, request, MAILBOX, SENT)
    exposition = site.get("/metrics")
    assert exposition.status_code == 200 and exposition.headers["content-type"].startswith("text/plain")
    body = exposition.text
    assert 'foibot_outbox{status="sent"} 1.0' in body and 'foibot_outbox{status="queued"} 1.0' in body
    assert 'foibot_requests{status="sent"} 1.0' in body and "foibot_prompts_sent 0.0" in body
    assert "foibot_watcher_connections" in body and "python_info" in body  # this process's own
    assert "private" not in body and "barnet" not in body.lower()


def test_withdraw_is_confirmed_first_and_a_bounced_request_is_corrected_and_sent_again(database, site, clock):
    gone = sent(database, 517, "To withdraw")
    bounced = sent(database, 517, "Bounced one", email="foi@old-address.gov.uk", authority="Old Address Council")
    with database.unit_of_work() as session:
        session.get(FoiRequestRow, bounced).status = "undelivered"
    signed_in(site, database, 517, clock)
    confirm = site.get(f"/requests/{gone}/withdraw")
    assert confirm.status_code == 200 and 'id="confirm"' in confirm.text
    with database.unit_of_work() as session:
        assert session.get(FoiRequestRow, gone).status != "withdrawn"  # a GET changes nothing
    assert site.post(f"/requests/{gone}/withdraw", data={"csrf": csrf_of(confirm.text)}).status_code == 303
    with database.unit_of_work() as session:
        assert session.get(FoiRequestRow, gone).status == "withdrawn"
    assert site.get(f"/requests/{gone}/withdraw").status_code == 404  # nothing left to withdraw

    page = site.get(f"/requests/{bounced}").text
    assert 'id="correct-address"' in page
    form = site.get(f"/requests/{bounced}/address").text
    refused = site.post(f"/requests/{bounced}/address", data={"csrf": csrf_of(form), "address": "gov.uk"})
    assert refused.status_code == 400 and "cannot be used" in refused.text
    again = site.post(f"/requests/{bounced}/address", data={"csrf": csrf_of(form), "address": "foi@new.gov.uk"})
    assert again.status_code == 303 and again.headers["location"].endswith("?done=resent")
    with database.unit_of_work() as session:
        request = session.get(FoiRequestRow, bounced)
        assert request.status == "queued" and request.authority.foi_email == "foi@new.gov.uk"
        queued = session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == bounced,
                                                             OutboxMessage.status == "queued")).all()  # fmt: skip
        assert [q.recipients for q in queued] == [["foi@new.gov.uk"]]
