"""`make bench` runs end to end and prints its JSON report (a tiny size, for speed)."""

import json
import os
import subprocess
import sys

from tests.conftest import REPO


def test_the_benchmark_prints_a_complete_report():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [
            sys.executable,
            "benchmarks/run.py",
            "--scale",
            "0.0015",
            "--repeat",
            "2",
            "--cold",
            "2",
            "--seconds",
            "0.3",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["sizes"]["documents"] == 150  # two pages of OAI records
    assert all(ms > 0 for ms in report["cpu_reference_ms"].values())
    for page in [
        "home",
        "archive",
        "archive_filtered",
        "document",
        "event",
        "people",
        "search",
        "calendar_ics",
        "feed_documents",
        "sitemap",
        "oai_list_records",
        "api_documents",
        "oai_list_records_resumed",
        "people_search_full_name",
        "people_search_unrecorded",
        "search_name_unrecorded",
        "api_people_search",
    ]:
        entry = report["pages"][page]
        assert entry["queries"] > 0 and entry["p95_ms"] > 0 and entry["cold_p50_ms"] > 0
        assert entry["first_ms"] > 0
        assert entry["cached_queries"] <= entry["queries"]
    assert report["pages"]["document"]["304_p95_ms"] > 0
    assert report["pages"]["document"]["cached_queries"] == 1  # the content's version
    # A harvest's first page is kept; the next one, behind a new token each time, is not.
    assert report["pages"]["oai_list_records"]["cached_queries"] == 1
    assert report["pages"]["oai_list_records_resumed"]["cached_queries"] > 1
    server = report["server"]
    assert server["healthz_rps"] > 0
    for page in ["document", "event"]:
        assert server[f"{page}_cached_ratio_to_healthz"] > 0
        assert server[f"{page}_cached_ratio_to_uncached"] > 0
    load = server["load_test"]
    assert load["server_errors"] == 0 and load["editor_saves_lost"] == 0
    assert load["tributes_lost"] == 0 and load["tributes_stored_twice"] == 0
    assert load["tributes_stored"] == load["tributes_accepted"] > 0
    verdict = report["verdict"]
    assert verdict["checks"]["load_test"]["ok"]
    assert verdict["all_within_budget"] == (not verdict["over_budget"])
    assert verdict["not_judged"] == ["healthz"]
    # Every page is judged cold (issue 17); the resumed harvest page only cold, never asked again.
    assert "oai_list_records_resumed_p95" not in verdict["checks"]
    assert verdict["checks"]["oai_list_records_resumed_cold_p95"]["budget"] == 30
    assert verdict["checks"]["archive_cold_p95"]["budget"] == 50
    assert verdict["checks"]["search_cold_p95"]["budget"] == 100
    assert verdict["checks"]["calendar_ics_cold_p95"]["budget"] == 250
    assert verdict["checks"]["sitemap_cold_p95"]["budget"] == 200
    # Visitors' throughput on a page no edit touches, while an editor saves.
    edited = server["edited_throughput"]
    assert edited["rps_without_edits"] > 0 and edited["editor_saves"] > 0
    assert "throughput_while_an_editor_saves" in verdict["checks"]
    # The same pages at a tenth of the size, beside this size's figures.
    assert report["trend"]["sizes_at_a_tenth"]["documents"] == 15
    archive = report["trend"]["pages"]["archive"]
    assert archive["cold_p50_ms_at_a_tenth"] > 0 and archive["growth"] > 0
    # A register's dry run is timed and judged per 10,000 rows (issue 15).
    register = report["register_import"]
    assert register["rows"] == 50 and "50" in register["summary"]
    assert verdict["checks"]["register_dry_run_per_10000_rows"]["budget"] == 60
    # Name searches are judged cold as well (issue 15).
    assert verdict["checks"]["people_search_unrecorded_cold_p95"]["budget"] == 100
