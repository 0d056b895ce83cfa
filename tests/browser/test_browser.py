"""The running dashboard in headless Chromium, on a store the real pipeline built from the seed
articles plus one hostile article: design-card events on the timeline and in the table, markers and
retreat arrows on the map, a date filter, the Story, every export, and nothing of the hostile text runs.

Needs Debian's chromium (/usr/bin/chromium) and Playwright for Python; skipped without them.
Screenshots of every page go to test-artifacts/screenshots/.

TIMELINE_BROWSER_STORE=<processed dir> reuses an already built store (to iterate on this test
without rebuilding); by default the pipeline builds one in a temporary directory.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL_URL = re.compile(r"^(https?://(127\.0\.0\.1|localhost)(:\d+)?/|data:|blob:|about:)")

HOSTILE_TITLE = "<script>window.__pwned='title'</script>Hostile wire"
HOSTILE_TEXT = """Rebels captured the town of Dubai on Saturday, March 26, 2016.
<script>window.__pwned = 'script'; alert('script')</script>
Witnesses said <img src=x onerror="window.__pwned='img'; alert('img')"> fighters also seized the port.
A banner read ${window.__pwned='template'} and `backticks` and \\x3cscript\\x3e.
"""

# The four events of the design card, and the places the map must show (names as GeoNames spells them too).
PLACES = {
    "Palmyra": {"palmyra", "tadmur", "tadmor"},
    "Sukhnah": {"sukhnah", "as sukhnah", "al-sukhnah", "sukhna", "al sukhnah"},
    "Raqqa": {"raqqa", "ar raqqah", "al-raqqah", "raqqah", "ar-raqqah"},
    "Deir ez-Zor": {"deir ez-zor", "dayr az zawr", "deir ez zor", "deir al-zor", "deir ezzor"},
}

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not installed at /usr/bin/chromium", allow_module_level=True)


# ---------------------------------------------------------------- fixtures: store, server, browser

@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    prebuilt = os.environ.get("TIMELINE_BROWSER_STORE")
    if prebuilt:
        return Path(prebuilt)
    try:
        from etl import pipeline
    except ImportError as exc:
        pytest.skip(f"etl.pipeline cannot be imported yet: {exc}")
    raw = tmp_path_factory.mktemp("raw")
    for path in (ROOT / "data" / "raw").iterdir():
        shutil.copy(path, raw / path.name)
    (raw / "zz_hostile.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    with (raw / "manifest.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["zz_hostile.txt", "Hostile wire", "javascript:alert('url')", HOSTILE_TITLE,
                                     "2016-03-28", "a hostile article: nothing in it may run"])
    processed = tmp_path_factory.mktemp("processed")
    pipeline.run([raw], processed)
    return processed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(store):
    port = _free_port()
    env = {**os.environ, "TIMELINE_PROCESSED_DIR": str(store)}
    log = open(store.parent / f"streamlit-{port}.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.terminate()
        pytest.fail("streamlit did not start within 60 s")
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    remote: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.on("pageerror", lambda error: errors.append(str(error)))
    # Every frame's requests (the map's iframe included): the app must work with no network but its own server.
    context.on("request", lambda request: None if LOCAL_URL.match(request.url) else remote.append(request.url))
    yield tab
    assert dialogs == [], f"a dialog opened: {dialogs}"
    assert not [e for e in errors if "pwned" in e], errors
    assert remote == [], f"requests left the machine: {sorted(set(remote))}"
    context.close()


def open_page(page, server: str, path: str, screenshot: str | None = None):
    page.goto(f"{server}/{path}")
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_timeout(400)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    if screenshot:
        shoot(page, screenshot)
    return page


def shoot(page, name: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def map_frame(page):
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    frame.locator("path.tl-event").first.wait_for(state="attached", timeout=30_000)
    return frame


def place_tokens(store: Path) -> dict[str, set[str]]:
    """The CSS tokens of the places the map should show, found by name or alias in the store."""
    from dashboard.safe import css_token
    from etl.store import read_table

    tokens: dict[str, set[str]] = {name: set() for name in PLACES}
    for place in read_table(store, "places").to_pylist():
        names = {(place["name"] or "").lower()} | {a.lower() for a in place["aliases"] or []}
        for wanted, spellings in PLACES.items():
            if names & spellings:
                tokens[wanted].add(css_token(place["place_id"]))
    return tokens


def timeline_labels(page) -> list[str]:
    page.locator(".vega-embed svg").first.wait_for(timeout=30_000)
    return page.eval_on_selector_all(".vega-embed svg [aria-label]", "els => els.map(e => e.getAttribute('aria-label'))")


# ---------------------------------------------------------------- tests

def test_overview_shows_the_corpus(page, server):
    open_page(page, server, "overview")
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "Key events" in body and "Corpus" in body
    assert not page.get_by_text("does not seem to exist").count()  # /overview, as the menu names it, is a page
    # ... and the menu marks its Overview entry as the page shown.
    current = page.locator("[data-testid='stSidebarNavLink'][aria-current='page']")
    assert current.count() == 1 and current.inner_text().strip() == "Overview"
    open_page(page, server, "overview?to=2015-12-31")  # the filters of a shared /overview link are kept
    assert "to=2015-12-31" in page.url and current.inner_text().strip() == "Overview"
    assert "GeoNames" in body
    map_frame(page)
    shoot(page, "overview")


def test_design_card_events_on_the_timeline(page, server):
    open_page(page, server, "timeline", "timeline")
    labels = [label.lower() for label in timeline_labels(page)]
    marks = [label for label in labels if "summary:" in label]

    def has(date_prefix: str, *words: str) -> bool:
        return any(f"date: {date_prefix}" in m and any(w in m for w in words) for m in marks)

    assert has("2015-05", "palmyra", "tadmur", "seiz", "captur", "took", "fell", "fall"), marks
    assert has("2015-08", "temple", "demolish", "destr"), marks
    assert has("2016-03-27", "recaptur", "retak", "regain", "reclaim"), marks
    assert has("2016-03-27", "retreat", "withdr", "fled", "flee"), marks
    assert any("held" in label for label in labels), "no period band (who held a place) on the timeline"
    # The time axis labels each tick at the scale it stands for ("2016", "Mar 2016"), never as a bare day.
    ticks = page.eval_on_selector_all("[aria-label^='X-axis'] .role-axis-label text", "els => els.map(e => e.textContent)")
    assert ticks and "2016" in ticks, ticks
    assert all(re.fullmatch(r"\d{4}|[A-Z][a-z]{2} \d{4}|\d{1,2} [A-Z][a-z]{2}|\d{2}:\d{2}", t) for t in ticks), ticks
    # The key events are numbered on the chart and listed under it, each date as precise as the sources gave it.
    body = page.locator("[data-testid='stMain']").inner_text()
    for when in ("May 2015 \u00b7", "August 2015 \u00b7", "27 March 2016 \u00b7"):
        assert when in body, body
    # A click on the most reported point opens its sentences and sources under the chart.
    recapture = [m for m in page.locator(".vega-embed svg path[aria-label*='summary:']").all()
                 if re.search(r"date: 2016-03-27.*(recaptur|retak|regain|reclaim)", (m.get_attribute("aria-label") or "").lower())]
    assert recapture
    recapture[0].click(force=True)
    page.wait_for_selector(".tl-details .tl-quote", timeout=30_000)
    assert "Sources disagree" in page.locator(".tl-details").inner_text()


def test_brushing_the_timeline_sets_the_date_filter(page, server):
    open_page(page, server, "timeline")
    chart = page.locator(".vega-embed svg").first
    chart.wait_for(timeout=30_000)
    box = chart.bounding_box()
    y = box["y"] + box["height"] * 0.45
    page.mouse.move(box["x"] + box["width"] * 0.2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=8)
    page.mouse.up()
    page.wait_for_url(re.compile(r"[?&]from=\d{4}-\d{2}-\d{2}.*[&]to=|[?&]to="), timeout=30_000)
    page.wait_for_selector(IDLE)
    assert "The date filter's window" in page.locator("[data-testid='stMain']").inner_text()
    page.wait_for_timeout(500)
    shoot(page, "timeline-brushed")


def test_map_has_markers_at_the_places_and_retreat_arrows(page, server, store):
    open_page(page, server, "map")
    frame = map_frame(page)
    page.wait_for_timeout(500)
    shoot(page, "map")
    shown, total = map(int, re.search(r"(\d+) of (\d+) events", page.locator("[data-testid='stMain']").inner_text()).groups())
    assert shown == total  # before any playback, every event is on the map, the undated ones too
    # Places are named on the map, and no two names drawn overlap.
    page.wait_for_timeout(1000)
    labels = frame.locator(".tl-label span").evaluate_all("""els => els
        .filter(e => getComputedStyle(e).visibility === 'visible')
        .map(e => { const r = e.getBoundingClientRect(); return [e.innerText, r.left, r.top, r.right, r.bottom]; })""")
    assert "Palmyra" in {label[0] for label in labels}, labels
    for i, (_, left, top, right, bottom) in enumerate(labels):
        for _, other_left, other_top, other_right, other_bottom in labels[:i]:
            assert right <= other_left or other_right <= left or bottom <= other_top or other_bottom <= top, labels
    for name, tokens in place_tokens(store).items():
        assert tokens, f"{name} is not among the store's places"
        found = sum(frame.locator(f"path.tl-place-{token}").count() for token in tokens)
        assert found, f"no marker at {name}"
    arrows = frame.locator("path.tl-move")
    assert arrows.count() >= 3
    destinations = place_tokens(store)
    for name in ("Sukhnah", "Raqqa", "Deir ez-Zor"):
        assert any(frame.locator(f"path.tl-move.tl-to-{t}").count() for t in destinations[name]), f"no arrow to {name}"
    assert frame.locator(".tl-arrowhead").count() >= 3
    # A click on a marker opens that event's details below the map.
    palmyra = ", ".join(f"path.tl-event.tl-place-{token}" for token in place_tokens(store)["Palmyra"])
    frame.locator(palmyra).last.click(force=True)
    page.wait_for_selector(".tl-details", timeout=30_000)
    assert page.locator(".tl-quote").count() >= 1


def test_a_date_filter_removes_events_from_map_and_table(page, server):
    open_page(page, server, "map")
    frame = map_frame(page)
    all_markers, all_arrows = frame.locator("path.tl-event").count(), frame.locator("path.tl-move").count()
    open_page(page, server, "map?to=2015-12-31")
    frame = map_frame(page)
    shoot(page, "map-filtered")
    assert frame.locator("path.tl-event").count() < all_markers
    assert frame.locator("path.tl-move").count() < all_arrows or all_arrows == 0

    def table_count(path: str) -> int:
        open_page(page, server, path)
        caption = page.get_by_text(re.compile(r"^\d+ events\.")).first.inner_text()
        return int(caption.split()[0])

    assert table_count("events?to=2015-12-31") < table_count("events")
    assert "2016-03-27" not in page.url  # the filter lives in the URL
    open_page(page, server, "events?to=2015-12-31", "events-filtered")
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    assert "2016-03-27" not in page.locator("[data-testid='stDataFrame']").first.inner_text()


def test_story_advances_by_button_and_keyboard(page, server):
    open_page(page, server, "story")
    map_frame(page)
    shoot(page, "story")
    slide = page.locator(".tl-slide").first
    total = int(re.search(r"1 / (\d+)", slide.inner_text()).group(1))
    assert total >= 3
    page.locator(".st-key-story_next button").click()
    page.wait_for_function("document.querySelector('.tl-slide').innerText.includes('2 / ')", timeout=20_000)
    page.locator("h1").first.click()  # focus the page, not a widget
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.tl-slide').innerText.includes('3 / ')", timeout=20_000)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("document.querySelector('.tl-slide').innerText.includes('2 / ')", timeout=20_000)
    page.locator(".st-key-story_present label").click()
    page.wait_for_selector(IDLE)
    page.wait_for_function("!document.querySelector('[data-testid=\"stSidebar\"]') || "
                           "getComputedStyle(document.querySelector('[data-testid=\"stSidebar\"]')).display === 'none'",
                           timeout=20_000)
    for width, height in ((1280, 720), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(500)
        assert page.locator(".st-key-story_next button").is_visible()
        shoot(page, f"story-presentation-{width}x{height}", full_page=False)
        # Legible from the back of a room: the map fills the screen's height, the text is large and dark.
        assert page.locator(MAP_FRAME).first.bounding_box()["height"] >= 0.85 * height
        sizes = page.evaluate("""() => [...document.querySelectorAll('.tl-slide *')].filter(e => e.innerText.trim())
            .map(e => [parseFloat(getComputedStyle(e).fontSize), getComputedStyle(e).color])""")
        assert min(size for size, _ in sizes) >= (16 if width < 1600 else 18), sizes
        assert max(size for size, _ in sizes) >= (40 if width < 1600 else 56), sizes
        assert all(max(map(int, re.findall(r"\d+", colour)[:3])) <= 0x66 for _, colour in sizes), sizes  # dark on white
    labels = page.frame_locator(MAP_FRAME).first.locator(".tl-label")
    assert {"Palmyra", "Raqqa"} <= {label.inner_text() for label in labels.all()}  # the map names its places
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.tl-slide').innerText.includes('3 / ')", timeout=20_000)
    # The map moves to each event's place as the story advances.
    centers = set()
    for step in range(4, min(total, 6) + 1):
        page.wait_for_timeout(800)
        centers.add(map_center(page))
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"document.querySelector('.tl-slide').innerText.includes('{step} / ')", timeout=20_000)
    page.wait_for_timeout(800)
    centers.add(map_center(page))
    assert len(centers) > 1, centers


def map_center(page) -> tuple[float, float]:
    frame = next(f for f in page.frames if f.url and "streamlit_folium" in f.url)
    center = frame.evaluate("(() => { const c = window.map.getCenter(); return [c.lat, c.lng]; })()")
    return round(center[0], 2), round(center[1], 2)


EXPORTS = {"dl_csv": "events.csv", "dl_geojson": "events.geojson", "dl_timelinejs": "timelinejs.json",
           "dl_storymapjs": "storymapjs.json", "dl_map": "map.html"}


def test_every_export_downloads_and_parses(page, server, browser, tmp_path):
    open_page(page, server, "events", "events")
    files = {}
    for key, name in EXPORTS.items():
        with page.expect_download(timeout=60_000) as download:
            page.locator(f".st-key-{key} button").click()
        target = tmp_path / name
        download.value.save_as(target)
        files[key] = target.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(files["dl_csv"])))
    assert rows and {"event_id", "date_start", "summary", "sources"} <= set(rows[0])
    geojson = json.loads(files["dl_geojson"])
    assert geojson["type"] == "FeatureCollection" and geojson["features"]
    assert json.loads(files["dl_timelinejs"])["events"]
    assert len(json.loads(files["dl_storymapjs"])["storymap"]["slides"]) > 1
    html = files["dl_map"]
    assert not re.findall(r'<(?:script|link)[^>]+(?:src|href)=["\']https?:', html)
    # The standalone map works with every network request refused.
    offline = browser.new_context()
    offline.route(re.compile(r"^https?://"), lambda route: route.abort())
    tab = offline.new_page()
    dialogs = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    (tmp_path / "map.html").write_text(html, encoding="utf-8")
    tab.goto((tmp_path / "map.html").as_uri())
    tab.locator("path.tl-event").first.wait_for(state="attached", timeout=20_000)
    assert tab.locator(".leaflet-container path").count() > 100  # country outlines drawn offline
    assert tab.evaluate("typeof window.__pwned") == "undefined" and not dialogs
    offline.close()


def test_hostile_article_runs_nothing(page, server, store):
    open_page(page, server, "sources")
    chooser = page.locator(".st-key-sources_article [role='combobox']")
    chooser.click()
    chooser.fill("Hostile")
    page.get_by_role("option", name=re.compile("Hostile")).first.click()
    page.wait_for_selector(IDLE)
    page.wait_for_timeout(500)
    page.wait_for_selector(IDLE)
    shoot(page, "sources-hostile")
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "<script>" in text and "onerror" in text  # shown as text
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("[data-testid='stMain'] img[src='x']").count() == 0
    # Every event the hostile article is part of: details page and the map popups.
    from etl.store import read_table

    hostile_ids = {a["article_id"] for a in read_table(store, "articles").to_pylist() if "Hostile" in (a["source"] or "")}
    events = {m["event_id"] for m in read_table(store, "event_mentions").to_pylist() if m["article_id"] in hostile_ids}
    for event_id in sorted(e for e in events if e)[:2]:
        open_page(page, server, f"events?event={event_id}")
        assert page.locator(".tl-details").count() == 1
    # Timeline tooltips: hover every event mark (the hostile article's among them).
    open_page(page, server, "timeline")
    timeline_labels(page)
    marks = page.locator(".vega-embed svg path[aria-label*='summary:']").all()[:30]
    assert marks
    for mark in marks:
        mark.hover(force=True)
        page.wait_for_timeout(100)
        assert page.locator("#vg-tooltip-element img, #vg-tooltip-element script").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    open_page(page, server, "map")
    frame = map_frame(page)
    for marker in frame.locator("path.tl-event").all()[:8]:
        marker.click(force=True)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.frame_locator(MAP_FRAME).first.locator("img[src='x']").count() == 0


def ringed(page, until: str = "true") -> dict:
    """The map's selected-event ring, links and view, as Leaflet has them, once `until` (a JS condition
    over them: the map's moves are animated) holds or 10 s have passed."""
    frame = next(f for f in page.frames if f.url and "streamlit_folium" in f.url)
    state = """(() => {
        const layers = Object.values(window.map._layers);
        const ring = layers.find(l => l.options && (l.options.className || '').split(' ').includes('tl-selected'));
        const at = ring ? ring.getLatLng() : null;
        const events = layers.filter(l => l.options && (l.options.className || '').includes('tl-event') && l.getLatLng);
        return {ring: !!ring, inView: at ? window.map.getBounds().contains(at) : false, zoom: window.map.getZoom(),
                allInView: events.length > 0 && events.every(l => window.map.getBounds().contains(l.getLatLng())),
                links: layers.filter(l => l.options && (l.options.className || '').includes('tl-selected-link')).length,
                names: [...document.querySelectorAll('.tl-selected-label')].map(e => e.innerText)};
    })()"""
    try:
        frame.wait_for_function(f"(s => {until})({state})", timeout=10_000)
    except playwright_api.TimeoutError:
        pass  # the caller's assertion says what is wrong
    return frame.evaluate(state)


def test_the_selected_event_is_ringed_and_framed_on_the_map(page, server, store):
    """A timeline mark or an Events row picked, then the Map (from the menu): the event is ringed and the
    map moves to it; Clear selection brings the opening view back; a movement is linked to where it went."""
    open_page(page, server, "timeline")
    timeline_labels(page)
    recapture = [m for m in page.locator(".vega-embed svg path[aria-label*='summary:']").all()
                 if re.search(r"date: 2016-03-27.*(recaptur|retak|regain|reclaim)", (m.get_attribute("aria-label") or "").lower())]
    recapture[0].click(force=True)
    page.wait_for_url(re.compile(r"[?&]event="), timeout=30_000)
    page.locator("[data-testid='stSidebarNavLink']", has_text="Map").click()
    page.wait_for_selector(IDLE)
    map_frame(page).locator("path.tl-selected").wait_for(state="attached", timeout=30_000)
    chosen = ringed(page, "s.inView && !s.allInView")
    assert chosen["inView"] and not chosen["allInView"], chosen  # moved in to it
    page.get_by_role("button", name="Clear selection").click()
    page.wait_for_function("() => !/[?&]event=/.test(location.search)", timeout=20_000)
    cleared = ringed(page, "!s.ring && s.allInView")
    assert not cleared["ring"] and cleared["allInView"] and cleared["zoom"] < chosen["zoom"], (chosen, cleared)
    # An Events row picked (the grid's row marker, left of the first row; most reported first) is ringed too.
    open_page(page, server, "events")
    page.get_by_test_id("stRadioGroup").get_by_text("number of sources").click()
    page.wait_for_selector(IDLE)
    box = page.locator("[data-testid='stDataFrame']").first.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)
    page.wait_for_url(re.compile(r"[?&]event="), timeout=30_000)
    page.locator("[data-testid='stSidebarNavLink']", has_text="Map").click()
    page.wait_for_selector(IDLE)
    map_frame(page).locator("path.tl-selected").wait_for(state="attached", timeout=30_000)
    assert ringed(page, "s.inView")["inView"]
    # A retreat, opened by its link: linked to each place it went to, each named.
    from etl.store import read_table

    destinations = {}
    for place in read_table(store, "event_places").to_pylist():
        if place["role"] == "destination":
            destinations.setdefault(place["event_id"], set()).add(place["place_id"])
    retreat = max(destinations, key=lambda event_id: len(destinations[event_id]))
    open_page(page, server, f"map?event={retreat}")
    map_frame(page).locator("path.tl-selected").wait_for(state="attached", timeout=30_000)
    linked = ringed(page, "s.inView && s.names.length >= 3")
    shoot(page, "map-selected", full_page=False)
    assert linked["links"] >= 3 and len([n for n in linked["names"] if n.startswith("destination:")]) >= 3, linked
    assert {"Sukhnah", "Raqqa"} <= {w for n in linked["names"] for w in re.findall(r"\w+", n)}, linked
