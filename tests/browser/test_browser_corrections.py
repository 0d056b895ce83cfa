"""Bring your own articles and correct the machine, in headless Chromium, on a user collection:
bad uploads (binary, empty, oversized, hostile name) are refused with a clear message and change
nothing; two articles uploaded become events on the map and in the table; a date and a place
corrected on the page survive a rebuild by the CLI; undo withdraws one; a hidden event is gone
from the exports.

Reuses the server, browser and page fixtures of test_browser.py; only the store differs: an
empty user collection in a temporary folder, opened by ?collection=<slug>.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import sys

import pytest

from test_browser import ROOT, browser, open_page, page, server, shoot  # noqa: F401 (fixtures)

from etl import collections, store as etl_store

pytestmark = pytest.mark.browser

SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))
LIMIT = 6000  # bytes: two seed articles fit, a bigger one is refused


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The server's environment: an empty bundled store and one empty user collection."""
    base = tmp_path_factory.mktemp("byo")
    with pytest.MonkeyPatch.context() as mp:
        for var, value in {"TIMELINE_COLLECTIONS_DIR": base / "collections", "TIMELINE_RAW_DIR": base / "raw",
                           "TIMELINE_PROCESSED_DIR": base / "processed", "TIMELINE_MAX_UPLOAD_BYTES": LIMIT}.items():
            mp.setenv(var, str(value))
        (base / "raw").mkdir()
        (base / "processed").mkdir()
        collections.create("Browser upload")
        yield base / "processed"


@pytest.fixture(scope="module")
def mine(store):
    return collections.get("browser-upload")


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def upload(page, files: list[dict]) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(files)
    page.wait_for_timeout(600)
    page.get_by_role("button", name="Add and extract").first.click()
    page.wait_for_timeout(500)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=90_000)


def events_of(mine) -> dict[str, dict]:
    return {r["event_id"]: r for r in etl_store.read_table(mine.processed_dir, "events").to_pylist()}


def test_bad_uploads_are_refused_and_change_nothing(page, server, mine):
    open_page(page, server, f"add_articles?collection={mine.slug}")
    assert "Browser upload" in main_text(page)
    big = max(SEEDS, key=lambda p: p.stat().st_size)
    upload(page, [
        {"name": "binary.txt", "mimeType": "text/plain", "buffer": bytes(range(256)) * 20},
        {"name": "empty.txt", "mimeType": "text/plain", "buffer": b""},
        {"name": big.name, "mimeType": "text/plain", "buffer": big.read_bytes()},
    ])
    text = main_text(page)
    shoot(page, "add-articles-refused")
    assert "'binary.txt' cannot be read as an article: binary" in text
    assert "'empty.txt' is empty" in text
    assert f"'{big.name}' is too large: {big.stat().st_size / 1024:.1f} KiB, over the 5.9 KiB limit" in text
    assert list(mine.raw_dir.iterdir()) == [] and etl_store.current_snapshot(mine.processed_dir) is None
    # A hostile name without an accepted type never reaches the server; with one, it never leaves the folder.
    upload(page, [{"name": "..\\..\\evil\u202etxt.exe", "mimeType": "application/octet-stream", "buffer": b"x"}])
    assert list(mine.raw_dir.iterdir()) == []
    assert "No file was accepted" in main_text(page)
    upload(page, [{"name": "../../etc/\u202epasswd.txt", "mimeType": "text/plain", "buffer": b"\x00\x01" * 50}])
    assert "'../../etc/?passwd.txt' cannot be read as an article" in main_text(page)
    assert list(mine.raw_dir.iterdir()) == [] and etl_store.current_snapshot(mine.processed_dir) is None


def test_two_uploads_become_events_on_the_map_and_in_the_table(page, server, mine):
    open_page(page, server, f"add_articles?collection={mine.slug}")
    two = [p for p in SEEDS if p.stat().st_size <= LIMIT][:2]
    # A dateline gives each article its publication date (the seeds' dates are in their manifest, not uploaded).
    upload(page, [{"name": f"../{p.name}", "mimeType": "text/plain", "buffer": b"March 27, 2016\n\n" + p.read_bytes()}
                  for p in two])
    shoot(page, "add-articles-done")
    assert "Added" in main_text(page), main_text(page)
    assert sorted(p.name for p in mine.raw_dir.iterdir()) == sorted(p.name for p in two)
    events = events_of(mine)
    assert events
    open_page(page, server, f"map?collection={mine.slug}")
    frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]').first
    frame.locator("path.tl-event").first.wait_for(state="attached", timeout=30_000)
    assert frame.locator("path.tl-event").count() >= 1
    open_page(page, server, f"events?collection={mine.slug}")
    assert f"{len(events)} events" in main_text(page)


def _corrections_page(page, server, mine, event_id: str, tab: str):
    open_page(page, server, f"corrections?collection={mine.slug}&event={event_id}")
    page.get_by_role("tab", name=tab).click()
    page.wait_for_timeout(300)


def _settle(page):
    page.wait_for_timeout(500)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)


def _outcome(page, action: str) -> None:
    """Wait for the page's report of the correction (it follows a republish and a rerun)."""
    page.get_by_text(re.compile(rf"^{action} [0-9a-f]+: applied")).wait_for(timeout=60_000)


def test_corrections_hold_across_a_rebuild_undo_and_hide_reach_the_exports(page, server, mine, tmp_path):
    events = events_of(mine)
    placed = sorted(eid for eid, e in events.items() if e["place_id"])
    target, victim = placed[0], sorted(set(events) - {placed[0]})[0]
    assert events[target]["date_start"] != dt.date(2001, 2, 3)

    # A date, on the Change form.
    _corrections_page(page, server, mine, target, "Change")
    field = page.locator(".st-key-corr_start")
    for part, value in (("year", "2001"), ("month", "02"), ("day", "03")):
        field.locator(f"[role='spinbutton'][data-type='{part}']").click()
        page.keyboard.type(value)
    page.get_by_role("button", name="Save changes").click()
    _outcome(page, "set")
    # A place, from a gazetteer search.
    _corrections_page(page, server, mine, target, "Change")
    search = page.locator(".st-key-corr_event_place_search input")
    search.fill("Damascus")
    search.press("Enter")
    _settle(page)
    page.get_by_role("button", name="Move the event here").click()
    _outcome(page, "set")
    corrected = events_of(mine)[target]
    assert str(corrected["date_start"]) == "2001-02-03"
    assert corrected["place_id"] != events[target]["place_id"]
    new_place = corrected["place_id"]

    # The ETL re-extracts everything (the CLI, on the same store): the corrections hold.
    done = subprocess.run([sys.executable, "-m", "etl", "run", "--collection", mine.slug, "--rebuild", "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    again = events_of(mine)[target]
    assert (str(again["date_start"]), again["place_id"]) == ("2001-02-03", new_place)

    # Undo the date: the place stays.
    _corrections_page(page, server, mine, target, "History and undo")
    shoot(page, "corrections-history")
    page.locator(".st-key-corr_undo").click()
    page.get_by_role("option").filter(has_text="date_start").first.click()
    page.get_by_role("button", name="Undo it").click()
    _outcome(page, "undo")
    undone = events_of(mine)[target]
    assert (undone["date_start"], undone["place_id"]) == (events[target]["date_start"], new_place)

    # Hide another: gone from the table's CSV export.
    _corrections_page(page, server, mine, victim, "Hide")
    page.get_by_role("button", name="Hide this event").click()
    _outcome(page, "hide")
    open_page(page, server, f"events?collection={mine.slug}")
    with page.expect_download(timeout=60_000) as download:
        page.locator(".st-key-dl_csv button").click()
    download.value.save_as(tmp_path / "events.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "events.csv").read_text(encoding="utf-8"))))
    exported = {r["event_id"] for r in rows}
    assert victim not in exported and target in exported
