"""The sweep reads only what is due; several processing workers share the inbox without taking a message twice."""

import datetime as dt
import threading

from sqlalchemy import func, select, update

from service import prompts
from service.ingest import InboxProcessor
from storage import inbox
from storage.models import AppState, FoiRequestRow, MessageLink, MessageRow, PromptSent
from storage.requests import LOOK_NOW, add_event
from tests.factories import MovableClock
from tests.integration.test_ingest import reply, sent_request

START = dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC)  # a Monday


def next_check(database, request_id):
    with database.unit_of_work() as session:
        return session.get(FoiRequestRow, request_id).next_check_on


def test_a_request_is_not_read_again_before_its_next_check_and_a_change_brings_it_back(database):
    clock = MovableClock(START)
    request_id, _, _ = sent_request(database, clock, telegram_id=501, email="foi@council.gov.uk")
    assert next_check(database, request_id) == LOOK_NOW  # the delivery changed it: look now

    assert prompts.sweep(database, START + dt.timedelta(days=1), lambda due: None) == []
    with database.unit_of_work() as session:
        request = session.get(FoiRequestRow, request_id)
        due, soon = request.reply_due_on, request.next_check_on
    assert START.date() < soon < due  # the "reply due soon" note, three working days before

    # Hide it until far away: even with its chaser long due, the sweep does not read it…
    far = dt.date(2099, 1, 1)
    with database.unit_of_work() as session:
        session.execute(update(FoiRequestRow).where(FoiRequestRow.id == request_id).values(next_check_on=far))
    late = dt.datetime.combine(due + dt.timedelta(days=10), dt.time(10), tzinfo=dt.UTC)
    assert prompts.sweep(database, late, lambda due: None) == []
    # …until anything happens to it, in the same transaction as the change.
    with database.unit_of_work() as session:
        add_event(session, session.get(FoiRequestRow, request_id), late, "note", "the user looked at it")
    assert next_check(database, request_id) == LOOK_NOW
    assert [d.prompt.kind for d in prompts.sweep(database, late, lambda due: None)] == ["chaser"]
    assert next_check(database, request_id) > late.date()


def test_a_steady_sweep_prompts_nothing_twice_and_a_failed_tell_is_looked_at_again(database):
    clock = MovableClock(START)
    request_id, _, _ = sent_request(database, clock, telegram_id=502, email="foi@council.gov.uk")
    with database.unit_of_work() as session:
        due = session.get(FoiRequestRow, request_id).reply_due_lenient_on
    late = dt.datetime.combine(due + dt.timedelta(days=2), dt.time(10), tzinfo=dt.UTC)

    def broken(due):
        raise ConnectionError("Telegram unreachable")

    assert prompts.sweep(database, late, broken) == []
    assert next_check(database, request_id) == LOOK_NOW  # released, and looked at again
    assert [d.prompt.kind for d in prompts.sweep(database, late, lambda due: None)] == ["chaser"]
    assert prompts.sweep(database, late, lambda due: None) == []
    with database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(PromptSent)) == 1


def test_changed_rules_make_every_open_request_be_looked_at_again(database):
    clock = MovableClock(START)
    request_id, _, _ = sent_request(database, clock, telegram_id=503, email="foi@council.gov.uk")
    prompts.sweep(database, START + dt.timedelta(days=1), lambda due: None)
    assert next_check(database, request_id) != LOOK_NOW
    with database.unit_of_work() as session:
        assert not prompts.look_again_if_rules_changed(session)  # same rules: nothing to do
        session.get(AppState, prompts.RULES_KEY).value = "rules of an older release"
    with database.unit_of_work() as session:
        assert prompts.look_again_if_rules_changed(session)
    assert next_check(database, request_id) == LOOK_NOW


def test_two_processing_workers_share_the_inbox_and_never_take_the_same_message(database):
    clock = MovableClock(START)
    references = [sent_request(database, clock, telegram_id=600, email=f"foi@council{n}.gov.uk", title=f"Topic {n}")[1]
                  for n in range(6)]  # fmt: skip
    with database.unit_of_work() as session:
        for n in range(60):
            raw = reply(subject=f"Re: [{references[n % 6]}] part {n}", sender=f"foi@council{n % 6}.gov.uk",
                        body=f"We hold the information. Answer {n}.", headers=f"Message-ID: <w-{n}@x>\n")  # fmt: skip
            inbox.store_raw(session, raw, f"<w-{n}@x>", clock())
    done: dict[str, list] = {}
    barrier = threading.Barrier(2)

    def worker(name):
        barrier.wait()
        done[name] = InboxProcessor(database, clock, worker=name).process_pending(batch=5)

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    taken = [result.message_id for results in done.values() for result in results]
    assert len(taken) == len(set(taken)) == 60
    assert done["one"] and done["two"], "both workers took a share"
    with database.unit_of_work() as session:
        states = session.execute(select(MessageRow.state, func.count()).group_by(MessageRow.state)).all()
        assert dict(states)["matched"] == 60
        links = session.scalar(select(func.count()).select_from(MessageLink).where(MessageLink.reason != "sent"))
        assert links == 60
