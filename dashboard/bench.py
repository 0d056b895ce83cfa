"""Benchmark: time from page load to drawn for every page that reads the store (Overview, Timeline,
Map, Events, Sources), bytes sent, query times, server memory.

    python -m dashboard.bench                      # 10^4, 10^5 and 10^6 synthetic events
    python -m dashboard.bench --sizes seeds,10000 --runs 3
    python -m dashboard.bench --sizes 1000000 --keep /tmp/stores   # reuse built stores between runs

Per store: the server-side queries the pages make (filter count, map cells, timeline counts, the
single events of a small window), each timed uncached on the store; then the real app as ./run.sh
serves it (`streamlit run serve.py`) driven by Debian's Chromium with Playwright. Each page load is a fresh
browser context (a new session, cold session state, warm server caches after the first load);
"sent" is what the server pushed to the browser over its websocket for that load. Then the map
once more as the very first page of a fresh server (no other page before it). Prints figures;
asserts nothing. Targets: seeds < 3 s; map and timeline drawn < 5 s at 10^6 events.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from dashboard.synthetic import build_synthetic_store
from etl import config, store

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process, in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def _start_server(processed_dir: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1"],
        cwd=ROOT, env={**os.environ, "TIMELINE_PROCESSED_DIR": str(processed_dir)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).status == 200:
                return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("streamlit did not start")


def _time_page(browser, url: str, drawn) -> tuple[float, int]:
    """(seconds from navigation to drawn, bytes the server sent over the websocket meanwhile)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    received = [0]
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload))))
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=120_000)
    drawn(page)
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed, received[0]


def _timeline_drawn(page) -> None:
    page.locator(".vega-embed svg .mark-symbol path, .vega-embed svg .mark-rect path").first.wait_for(
        state="attached", timeout=120_000)


def _map_drawn(page) -> None:
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("path.tl-event, path.tl-bin, .marker-cluster").first.wait_for(state="attached", timeout=120_000)


def _table_drawn(page) -> None:
    page.locator("[data-testid='stDataFrame'] canvas").first.wait_for(state="attached", timeout=120_000)


def _overview_drawn(page) -> None:
    _table_drawn(page)
    _map_drawn(page)


def _article_drawn(page) -> None:
    page.locator(".tl-article").first.wait_for(state="attached", timeout=120_000)


# Page (its URL path) -> what "drawn" waits for once the script is idle. The shell, Add articles,
# has no chart, map or store query: Streamlit and the sidebar alone.
PAGES = {"add_articles": lambda page: None, "timeline": _timeline_drawn, "map": _map_drawn,
         "overview": _overview_drawn, "events": _table_drawn, "sources": _article_drawn}


def measure(processed_dir: Path, runs: int) -> dict[str, dict[str, float]]:
    """Per page: first and median seconds to drawn, KB sent for one load; plus the server's memory."""
    from playwright.sync_api import sync_playwright

    process, base = _start_server(processed_dir)
    figures: dict[str, dict[str, float]] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for path, drawn in PAGES.items():
                loads = [_time_page(browser, f"{base}/{path}", drawn) for _ in range(runs)]
                figures[path] = {"first": loads[0][0], "median": statistics.median(s for s, _ in loads),
                                 "kb": loads[-1][1] / 1024}
            browser.close()
        rss, peak = _memory_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=20)
    figures["server"] = {"rss_mb": rss, "peak_mb": peak}
    return figures


def map_first_after_start(processed_dir: Path) -> float:
    """Seconds to the map drawn when it is the very first page a fresh server serves, opened as soon as
    the server answers (its warm-up at start has had no head start: the worst case)."""
    from playwright.sync_api import sync_playwright

    process, base = _start_server(processed_dir)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            seconds, _ = _time_page(browser, f"{base}/map", _map_drawn)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=20)
    return seconds


def query_times(processed_dir: Path, runs: int = 3) -> dict[str, float]:
    """Median seconds of each query a large store's pages make, uncached (Streamlit's cache bypassed)."""
    import datetime as dt
    import logging

    from dashboard import grid, maps, queries
    from dashboard.filters import Filters

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    snapshot = queries.snapshot_of(processed_dir)
    every = Filters()
    narrowed = Filters(event_types=("Battles",), date_from=dt.date(2015, 3, 1), date_to=dt.date(2015, 3, 31))
    box = queries.extent.__wrapped__(snapshot, every)["box"]
    cell = grid.cell_for(box)
    south, west = box[0], box[1]
    window = grid.snap_box((south + 2, west + 2, south + 2.3, west + 2.3), 0.01)
    work = {
        "count": lambda: queries.count_events.__wrapped__(snapshot, narrowed),
        "extent": lambda: queries.extent.__wrapped__(snapshot, every),
        "map cells": lambda: queries.map_bins.__wrapped__(snapshot, every, cell, None),
        "timeline": lambda: queries.event_counts.__wrapped__(snapshot, every, "week"),
        "window": lambda: queries.events_in_box.__wrapped__(snapshot, every, window, grid.POINTS_IN_VIEW),
        "moves": lambda: queries.movement_pairs.__wrapped__(snapshot, every, maps.MAX_ARROWS),
    }
    times = {}
    for name, run in work.items():
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            run()
            samples.append(time.perf_counter() - started)
        times[name] = statistics.median(samples)
    return times


def download_figures(processed_dir: Path) -> dict[bool, tuple[float, int, int]]:
    """The GeoJSON of every event, plain and gzip-compressed: (seconds, bytes, peak bytes Python
    held meanwhile, the download included; DuckDB's own memory is not counted)."""
    import logging
    import tracemalloc

    from dashboard import exports, queries
    from dashboard.filters import Filters

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    snapshot = queries.snapshot_of(processed_dir)
    figures = {}
    for compress in (False, True):
        tracemalloc.start()
        started = time.perf_counter()
        size = len(queries.events_geojson(snapshot, Filters(), exports.CSV_COLUMNS, compress))
        figures[compress] = (time.perf_counter() - started, size, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return figures


def _seeds_store(given: Path | None, workdir: Path) -> Path:
    if given:
        return given
    if store.current_snapshot(config.PROCESSED_DIR):
        return config.PROCESSED_DIR
    from etl import pipeline

    target = workdir / "seeds"
    pipeline.run([config.RAW_DIR], target)
    return target


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="comma-separated: 'seeds' and/or numbers of synthetic events")
    parser.add_argument("--runs", type=int, default=3, help="page loads per page and store")
    parser.add_argument("--seeds-store", type=Path, help="processed dir of the seeds (default: the app's store)")
    parser.add_argument("--keep", type=Path, help="build synthetic stores here and reuse them on the next run")
    parser.add_argument("--downloads", action="store_true", help="also time the GeoJSON download of every event")
    parser.add_argument("--no-browser", action="store_true", help="skip the page loads in Chromium")


def _synthetic_store(size: int, workdir: Path) -> Path:
    processed = workdir / f"synthetic-{size}"
    if not store.current_snapshot(processed):
        started = time.perf_counter()
        build_synthetic_store(processed, size)
        print(f"built a store of {size} synthetic events in {time.perf_counter() - started:.1f} s", flush=True)
    return processed


def main(args: argparse.Namespace) -> int:
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep or Path(tmp)
        stores = {size: _seeds_store(args.seeds_store, workdir) if size == "seeds" else _synthetic_store(int(size), workdir)
                  for size in sizes}
        print("\nserver-side queries, uncached, median s: count (type + month), extent, map cells (all, each "
              "with its busiest place), "
              "timeline (weeks), window (single events of a small box), moves (top pairs)")
        for size, processed in stores.items():
            times = query_times(processed)
            print(f"{size:>8} " + "  ".join(f"{name} {seconds:.3f}" for name, seconds in times.items()), flush=True)
        if args.downloads:
            print("\nGeoJSON of every event: seconds, MB, peak MB held by Python; plain, then gzip-compressed")
            for size, processed in stores.items():
                figures = download_figures(processed)
                print(f"{size:>8} " + "   ".join(f"{'gzip' if packed else 'plain'} {s:.1f} s {n / 1e6:.1f} MB peak {peak / 1e6:.0f} MB"
                                             for packed, (s, n, peak) in figures.items())
                      + f" (load {os.getloadavg()[0]:.1f})", flush=True)
        if args.no_browser:
            return 0
        print("\nin Chromium, seconds from navigation to drawn, first load / median, and KB sent over the websocket "
              "for one load; add_articles: no chart, map or store query (Streamlit and the sidebar); "
              f"load average {os.getloadavg()[0]:.1f} at the start")
        print(f"{'store':>8} {'events':>8} " + " ".join(f"{path:>20}" for path in PAGES) + f" {'server RSS/peak MB':>19}")
        for size, processed in stores.items():
            n_events = store.read_table(processed, "events").num_rows
            figures = measure(processed, args.runs)
            cells = [f"{figures[p]['first']:.2f}/{figures[p]['median']:.2f} {figures[p]['kb']:.0f}K" for p in PAGES]
            print(f"{size:>8} {n_events:>8} " + " ".join(f"{cell:>20}" for cell in cells)
                  + f" {figures['server']['rss_mb']:>9.0f} / {figures['server']['peak_mb']:<8.0f}"
                  + f" (load {os.getloadavg()[0]:.1f})", flush=True)
            print(f"{'':>17} map as the first page of a fresh server: {map_first_after_start(processed):.2f} s "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m dashboard.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
