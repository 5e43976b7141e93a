"""The live sync against an SS 12000 server process on loopback (`tests.ss12000_server`)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as HttpClient
from django.utils import timezone

from core.importers.client import Server, SyncError
from core.importers.demo import build_dataset
from core.importers.live import Locked, sync
from core.importers.source import load_dataset
from core.importers.ss12000 import import_dataset
from core.models import (
    Group,
    Guardianship,
    Person,
    StaffAssignment,
    SyncLock,
    SyncOutcome,
    SyncRun,
)
from tests.servers import CLIENT, SECRET, no_wait
from tests.ss12000_data import FIRST_RUN, dataset, find, ref, uid

pytestmark = pytest.mark.django_db
NOTHING = {key: [0, 0, 0] for key in FIRST_RUN}


def test_a_first_sync_loads_everything_page_by_page(peer):
    # when
    run, report = sync(peer.server(), sleep=no_wait)

    # then
    assert report is not None
    assert report.as_table() == FIRST_RUN
    assert (run.outcome, run.delta_after) == (SyncOutcome.OK, None)
    # Two school units: per unit, persons by seven relationships (the pupils of
    # Björkskolan's enrolments fill two pages of two) and groups, duties and
    # placements by organisation; activities once, as they may be held above a unit.
    assert run.counts["pages"] == {
        "organisations": 2,
        "syllabuses": 1,
        "persons": 15,
        "groups": 2,
        "duties": 2,
        "activities": 1,
        "placements": 2,
    }
    log = peer.log()
    assert log.count("POST /token") == 1
    assert log.count("GET /v2.0/persons") == 15


def test_a_second_sync_asks_for_changes_and_writes_nothing(peer):
    # given
    sync(peer.server(), sleep=no_wait)

    # when
    run, report = sync(peer.server(), sleep=no_wait)

    # then
    assert report is not None
    assert run.delta_after is not None
    assert {k: list(v) for k, v in report.as_table().items()} == NOTHING
    assert report.records_in["persons"] == 0


def test_a_delta_updates_what_changed_and_ends_only_what_was_deleted(peer):
    # given
    sync(peer.server(), sleep=no_wait)
    later = (timezone.now() + dt.timedelta(minutes=5)).isoformat()
    data = dataset()
    find(data, "persons", "elis")["givenName"] = "Elias"
    find(data, "persons", "elis")["meta"] = {"created": later, "modified": later}
    peer.serve(data)
    peer.control(deleted={"groups": [{"id": uid("humlan"), "at": later}]})

    # when
    _run, report = sync(peer.server(), sleep=no_wait)

    # then
    assert report is not None
    assert report.records_in["persons"] == 1
    assert report.counts["persons"].updated == 1
    assert report.counts["groups"].ended == 1
    assert report.counts["memberships"].ended == 1  # Nils's place in Humlan
    assert report.counts["guardianships"].ended == 0
    assert Person.objects.get(external_id=uid("elis")).given_name == "Elias"
    assert Group.objects.get(
        external_id=uid("humlan")
    ).end_date == timezone.localdate() - dt.timedelta(days=1)
    assert Guardianship.objects.filter(end_date__isnull=False).count() == 0


def test_a_token_the_server_stops_accepting_is_fetched_again(peer):
    # given
    peer.control(token_requests=3)

    # when
    run, report = sync(peer.server(), sleep=no_wait)

    # then
    assert report is not None
    assert report.as_table() == FIRST_RUN
    assert peer.log().count("POST /token") == 9  # 25 pages, 3 per token, 8 refused
    assert run.counts["retries"] == 8


def test_an_expired_page_token_restarts_the_collection(peer):
    # given
    peer.control(expire_page_tokens=1)

    # when
    run, report = sync(peer.server(), sleep=no_wait)

    # then
    assert report is not None
    assert report.as_table() == FIRST_RUN
    assert run.counts["restarts"] == 1
    assert peer.log().count("GET /v2.0/organisations") == 4  # page 1, 410, page 1, page 2


def test_server_errors_are_retried(peer):
    # given
    peer.control(fail={"/v2.0/groups": 2})

    # when
    run, report = sync(peer.server(), sleep=no_wait)

    # then
    assert report is not None
    assert report.as_table() == FIRST_RUN
    assert run.counts["retries"] == 2


def test_an_interrupted_sync_leaves_the_database_as_it_was(peer):
    # given: the activities never come
    peer.control(fail={"/v2.0/activities": 99})

    # when
    with pytest.raises(SyncError) as error:
        sync(peer.server(), sleep=no_wait)

    # then
    assert str(error.value) == "/activities: 503 after 3 tries"
    assert (Person.objects.count(), Group.objects.count(), Guardianship.objects.count()) == (
        0,
        0,
        0,
    )
    run = SyncRun.objects.get()
    assert (run.outcome, run.message) == (
        SyncOutcome.FAILED,
        "SyncError: /activities: 503 after 3 tries",
    )
    assert SyncLock.objects.count() == 0


def test_a_failed_run_is_followed_by_a_full_load(peer):
    # given
    sync(peer.server(), sleep=no_wait)
    peer.control(fail={"/v2.0/activities": 99})
    with pytest.raises(SyncError):
        sync(peer.server(), sleep=no_wait)
    peer.control()

    # when
    run, _ = sync(peer.server(), sleep=no_wait, full=True)

    # then
    assert (run.outcome, run.delta_after) == (SyncOutcome.OK, None)


def test_wrong_client_credentials_fail_the_run(peer):
    # given
    server = Server(
        url=f"{peer.url}/v2.0",
        token_url=f"{peer.url}/token",
        client_id=CLIENT,
        client_secret="wrong",
    )

    # when
    with pytest.raises(Exception, match="invalid_client"):
        sync(server, sleep=no_wait)

    # then
    assert SyncRun.objects.get().outcome == SyncOutcome.FAILED
    assert Person.objects.count() == 0


def test_a_second_sync_while_one_runs_is_refused(peer):
    # given
    SyncLock.objects.create(source=f"{peer.url}/v2.0", taken_at=timezone.now())

    # when
    with pytest.raises(Locked):
        sync(peer.server(), sleep=no_wait)

    # then
    assert SyncRun.objects.count() == 0


def test_the_command_syncs_from_the_settings_and_healthz_tells_staleness(peer, settings):
    # given
    server = peer.server()
    settings.SS12000_URL, settings.SS12000_TOKEN_URL = server.url, server.token_url
    settings.SS12000_CLIENT_ID, settings.SS12000_CLIENT_SECRET = CLIENT, SECRET
    before = HttpClient().get("/healthz").json()["roster_sync"]

    # when
    call_command("sync_ss12000")

    # then
    assert (before, HttpClient().get("/healthz").json()["roster_sync"]) == ("never", "ok")
    SyncRun.objects.update(started_at=timezone.now() - dt.timedelta(hours=2))
    assert HttpClient().get("/healthz").json()["roster_sync"] == "stale"


def test_the_command_without_a_server_says_so(settings):
    # given
    settings.SS12000_URL = ""

    # when
    with pytest.raises(CommandError) as error:
        call_command("sync_ss12000")

    # then
    assert str(error.value) == "No SS 12000 server is configured (SS12000_URL)."


def test_a_generated_municipality_syncs_as_its_files_import(peer, tmp_path):
    # given
    generated = build_dataset(pupils=120, seed=7).collections
    peer.serve(generated)
    files = tmp_path / "files"
    files.mkdir()
    for name, records in generated.items():
        (files / f"{name}.json").write_text(json.dumps({"data": records}), encoding="utf-8")
    expected = import_dataset(load_dataset(files), dry_run=True).as_table()

    # when
    _, report = sync(peer.server(page_size=50), sleep=no_wait)

    # then
    assert report is not None
    assert report.as_table() == expected
    assert report.counts["pupils"].created == 120


def test_full_sync_reads_activities_held_above_the_unit(peer):
    data = dataset()
    find(data, "activities", "ma-3a")["organisation"] = ref("kommun")
    import_dataset(data, today=timezone.localdate())
    assert StaffAssignment.objects.filter(end_date=None).count() == 2
    peer.serve(data)
    run, _ = sync(peer.server(), sleep=no_wait, full=True)
    assert run.outcome == SyncOutcome.OK
    assert StaffAssignment.objects.filter(end_date=None).count() == 2


def test_a_run_after_a_failed_one_loads_everything(peer):
    sync(peer.server(), sleep=no_wait)
    peer.control(fail={"/v2.0/activities": 99})
    with pytest.raises(SyncError):
        sync(peer.server(), sleep=no_wait)
    peer.control()
    run, _ = sync(peer.server(), sleep=no_wait)
    assert run.delta_after is None  # docs: "a run after a failed one ... load everything"


def test_a_removed_responsible_ends_in_a_delta(peer):
    sync(peer.server(), sleep=no_wait)
    data = dataset()
    alva = find(data, "persons", "alva")
    alva["responsibles"] = [r for r in alva["responsibles"] if r["person"]["id"] != uid("per")]
    alva["meta"] = {"modified": "2099-01-01T00:00:00Z"}
    peer.serve(data)
    run, _report = sync(peer.server(), sleep=no_wait)
    assert run.delta_after is not None
    open_ = Guardianship.objects.filter(
        pupil__person__external_id=uid("alva"), guardian__external_id=uid("per"), end_date=None
    ).count()
    assert open_ == 0
