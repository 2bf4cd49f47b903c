"""One request's page and what can be done from it: letters previewed, edited and sent; files; the kind corrected."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from foi import letters
from foi.actions import Action, open_actions
from foi.laws import law_for
from foi.lifecycle import Event, can
from mail.errors import AddressError
from service import corrections, correspondence, drafts, followups, outgoing, request_view
from service.replies import KIND_WORDS, correct_kind
from storage.models import FoiRequestRow, TimelineEvent
from web.app import SECURITY_HEADERS, BadForm, NotFound, Visit, download_headers

# The letters a page can draft, by the action that offers them.
LETTERS = {"chaser": Action.CHASER, "review": Action.REVIEW, "requirement": Action.REQUIRE_REVIEW}
DONE = {  # fixed texts for ?done=…: nothing the visitor typed is echoed back
    "sent": "Sent to the outbox, in the request's thread. It goes out within a minute or so.",
    "snoozed": "No reminders about this request for a week.",
    "quiet": "No more reminders about this request. This page still shows its deadlines.",
    "kind": "Noted. The request follows what you said the letter is.",
    "complained": "Noted: you have complained to the regulator. The reminders about it stop.",
    "withdrawn": "Withdrawn. No more reminders about it.",
    "resent": "The request goes again, to the corrected address. The deadlines start from its delivery.",
}


def own_request(visit: Visit) -> FoiRequestRow:
    request = drafts.owned_request(visit.session, visit.user, visit.int_param("request_id"), sent_only=True)
    if request is None:
        raise NotFound
    return request


def request_page(visit: Visit) -> Response:
    request = own_request(visit)
    law = law_for(request.regime)
    today = visit.dashboard.today()
    messages = correspondence.messages_of(visit.session, request.id)
    files = correspondence.attachments_of(visit.session, [m.id for m in messages])
    events = sorted(visit.session.query(TimelineEvent).filter_by(request_id=request.id), key=lambda e: (e.at, e.id))
    letter = next((m for m in messages if m.direction == "out"), None)
    read = {m.id: correspondence.readable(m, visit.dashboard.parse) for m in messages}  # (subject, text)
    return visit.render(
        "request.html",
        title=request.reference or request.title,
        request=request,
        law=law,
        dates=request_view.deadlines_of(request),
        events=events,
        messages=messages,
        files=files,
        letter_text=read[letter.id][1] if letter else "",
        read=read,
        actions=open_actions(request_view.situation_of(request), law, today),
        kinds=KIND_WORDS,
        done=DONE.get(visit.request.query_params.get("done", "")),
    )


def _draft(visit: Visit, request: FoiRequestRow, name: str) -> letters.Letter:
    action = LETTERS.get(name)
    law = law_for(request.regime)
    if action is None or action not in open_actions(request_view.situation_of(request), law, visit.dashboard.today()):
        raise NotFound
    if not request.reference or request.authority is None:
        raise NotFound
    today = visit.dashboard.today()
    if action == Action.CHASER:
        return followups.draft_chaser(visit.session, request)
    if action == Action.REVIEW:
        if not can(request.status, Event.REQUEST_REVIEW):
            raise NotFound
        return followups.draft_review(visit.session, request, today)
    return followups.draft_requirement_for_review(visit.session, request, today)


def letter_page(visit: Visit) -> Response:
    request = own_request(visit)
    name = str(visit.request.path_params["letter"])
    letter = _draft(visit, request, name)
    return visit.render("letter.html", title=f"{name.capitalize()} — {request.reference}", request=request,
                        letter=letter, name=name, error=None)  # fmt: skip


def send_letter(visit: Visit) -> Response:
    request = own_request(visit)
    name = str(visit.request.path_params["letter"])
    drafted = _draft(visit, request, name)
    subject = " ".join(visit.field("subject", 400).split())  # one line: no header can be smuggled in
    body = visit.field("body").replace("\r\n", "\n").strip() + "\n"
    try:
        if not 3 <= len(subject) <= 300:
            raise BadForm("The subject needs 3 to 300 characters.")
        if not 10 <= len(body) <= 20_000:
            raise BadForm("A letter has 10 to 20,000 characters.")
        letter = letters.Letter(drafted.kind, subject, body)
        followups.send_letter(visit.session, request, letter, visit.dashboard.mailbox, visit.dashboard.clock())
    except (BadForm, outgoing.CannotSend) as exc:
        visit.session.rollback()
        edited = letters.Letter(drafted.kind, subject or drafted.subject, body)
        return visit.render("letter.html", 400, title=f"{name.capitalize()} — {request.reference}",
                            request=request, letter=edited, name=name, error=str(exc))  # fmt: skip
    return RedirectResponse(f"/requests/{request.id}?done=sent", status_code=303, headers=SECURITY_HEADERS)


def _complainable(visit: Visit) -> FoiRequestRow:
    request = own_request(visit)
    law = law_for(request.regime)
    if Action.COMPLAINT_PACK not in open_actions(request_view.situation_of(request), law, visit.dashboard.today()):
        raise NotFound
    return request


def complaint_page(visit: Visit) -> Response:
    """The grounds to paste into the regulator's form, where to send them, the pack, and "I have complained"."""
    request = _complainable(visit)
    law = law_for(request.regime)
    _filename, _data, grounds = followups.complaint_pack(visit.session, request, visit.dashboard.today())
    return visit.render("complaint.html", title=f"Complaint — {request.reference}", request=request, law=law,
                        grounds=grounds, where=letters.where_to_complain(law))  # fmt: skip


def complaint_pack(visit: Visit) -> Response:
    request = _complainable(visit)
    filename, data, _grounds = followups.complaint_pack(visit.session, request, visit.dashboard.today())
    return Response(data, media_type="application/zip", headers=download_headers(filename))


def complained(visit: Visit) -> Response:
    request = _complainable(visit)
    if not followups.record_complaint(visit.session, request, visit.dashboard.clock()):
        raise NotFound
    return RedirectResponse(f"/requests/{request.id}?done=complained", status_code=303, headers=SECURITY_HEADERS)


def quieten(visit: Visit) -> Response:
    request = own_request(visit)
    how = str(visit.request.path_params["how"])
    if how == "snooze":
        followups.snooze(request, visit.dashboard.today())
    elif how == "stop":
        followups.stop_reminders(request)
    else:
        raise NotFound
    done = "snoozed" if how == "snooze" else "quiet"
    return RedirectResponse(f"/requests/{request.id}?done={done}", status_code=303, headers=SECURITY_HEADERS)


def withdraw_page(visit: Visit) -> Response:
    request = own_request(visit)
    if not drafts.can_withdraw(request):
        raise NotFound
    return visit.render("confirm.html", title=f"Withdraw {request.reference}", request=request,
                        question=f"Withdraw {request.reference}? No more reminders will be sent about it, and "
                                 "foibot stops following it. The body is not told: write to them if you wish.",
                        action=f"/requests/{request.id}/withdraw", button="Yes, withdraw it")  # fmt: skip


def withdraw(visit: Visit) -> Response:
    request = own_request(visit)
    if not drafts.can_withdraw(request):
        raise NotFound
    drafts.withdraw(visit.session, request, visit.dashboard.clock())
    return RedirectResponse(f"/requests/{request.id}?done=withdrawn", status_code=303, headers=SECURITY_HEADERS)


def address_page(visit: Visit, error: str | None = None, status: int = 200) -> Response:
    request = own_request(visit)
    if not corrections.can_resend(request):
        raise NotFound
    return visit.render("address.html", status, title=f"Correct the address — {request.reference}", request=request,
                        error=error)  # fmt: skip


def correct_address(visit: Visit) -> Response:
    request = own_request(visit)
    if not corrections.can_resend(request):
        raise NotFound
    try:
        corrections.correct_address_and_resend(
            visit.session, request, visit.field("address", 320), visit.dashboard.mailbox, visit.dashboard.clock()
        )
    except AddressError as exc:
        visit.session.rollback()
        return address_page(visit, f"That address cannot be used: {exc}.", 400)
    return RedirectResponse(f"/requests/{request.id}?done=resent", status_code=303, headers=SECURITY_HEADERS)


def set_kind(visit: Visit) -> Response:
    found = correspondence.own_message(visit.session, visit.user.id, visit.int_param("message_id"))
    kind = visit.field("kind", 40)
    if found is None or kind not in KIND_WORDS or found[0].direction != "in":
        raise NotFound
    message, request = found
    correct_kind(visit.session, request, message, kind, visit.dashboard.clock())
    return RedirectResponse(f"/requests/{request.id}?done=kind", status_code=303, headers=SECURITY_HEADERS)


def raw_message(visit: Visit) -> Response:
    found = correspondence.own_message(visit.session, visit.user.id, visit.int_param("message_id"))
    if found is None or found[0].raw is None:
        raise NotFound
    message, request = found
    headers = download_headers(f"{request.reference}-{message.id}.eml")
    return Response(found[0].raw, media_type="message/rfc822", headers=headers)


def attachment(visit: Visit) -> Response:
    try:
        found = correspondence.attachment_file(
            visit.session, visit.user.id, visit.int_param("attachment_id"), visit.dashboard.parse
        )
    except correspondence.Unreadable as exc:
        return visit.render("message.html", 410, title="File unreadable", text=str(exc))
    if found is None:
        raise NotFound
    # Always a download, never shown inline: a file from outside must not run as a page of this site.
    headers = download_headers(found.name)
    return Response(found.data, media_type="application/octet-stream", headers=headers)


ROUTES = [
    ("/requests/{request_id}", request_page, ["GET"]),
    ("/requests/{request_id}/letter/{letter}", letter_page, ["GET"]),
    ("/requests/{request_id}/letter/{letter}", send_letter, ["POST"]),
    ("/requests/{request_id}/complaint", complaint_page, ["GET"]),
    ("/requests/{request_id}/complaint-pack", complaint_pack, ["GET"]),
    ("/requests/{request_id}/complained", complained, ["POST"]),
    ("/requests/{request_id}/reminders/{how}", quieten, ["POST"]),
    ("/requests/{request_id}/withdraw", withdraw_page, ["GET"]),
    ("/requests/{request_id}/withdraw", withdraw, ["POST"]),
    ("/requests/{request_id}/address", address_page, ["GET"]),
    ("/requests/{request_id}/address", correct_address, ["POST"]),
    ("/messages/{message_id}/kind", set_kind, ["POST"]),
    ("/messages/{message_id}/raw", raw_message, ["GET"]),
    ("/attachments/{attachment_id}", attachment, ["GET"]),
]
