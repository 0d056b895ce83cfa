"""Benchmark: time from page load to timeline and map drawn, and server memory.

    python -m dashboard.bench                      # seeds store + 1,000 and 10,000 synthetic events
    python -m dashboard.bench --sizes 10000 --runs 3

Runs the real app (`streamlit run app.py`) per store and drives Debian's Chromium with Playwright;
each measurement is a fresh browser context (a new session, cold session state, warm server caches
after the first run). Prints figures; asserts nothing. Targets: seeds < 3 s, 10,000 events < 5 s.
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
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
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


def _time_page(browser, url: str, drawn) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=120_000)
    drawn(page)
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed


def _timeline_drawn(page) -> None:
    page.locator(".vega-embed svg .mark-symbol path, .vega-embed svg .mark-rect path").first.wait_for(
        state="attached", timeout=120_000)


def _map_drawn(page) -> None:
    frame = page.frame_locator(MAP_FRAME).first
    frame.locator("path.tl-event, .marker-cluster").first.wait_for(state="attached", timeout=120_000)


def measure(processed_dir: Path, runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    process, base = _start_server(processed_dir)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            shell = [_time_page(browser, f"{base}/sources", lambda page: None) for _ in range(runs)]
            timeline = [_time_page(browser, f"{base}/timeline", _timeline_drawn) for _ in range(runs)]
            maps = [_time_page(browser, f"{base}/map", _map_drawn) for _ in range(runs)]
            browser.close()
        rss, peak = _memory_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=20)
    return {"shell_median": statistics.median(shell), "timeline_first": timeline[0], "timeline_median": statistics.median(timeline),
            "map_first": maps[0], "map_median": statistics.median(maps), "rss_mb": rss, "peak_mb": peak}


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
    parser.add_argument("--sizes", default="seeds,1000,10000",
                        help="comma-separated: 'seeds' and/or numbers of synthetic events")
    parser.add_argument("--runs", type=int, default=3, help="page loads per page and store")
    parser.add_argument("--seeds-store", type=Path, help="processed dir of the seeds (default: the app's store)")


def main(args: argparse.Namespace) -> int:
    print("shell: a page without chart or map (Streamlit's own cost on this machine, for comparison)")
    print(f"{'store':>8} {'events':>7} {'shell s':>8} {'timeline first/median s':>24} {'map first/median s':>20} "
          f"{'server RSS/peak MB':>19}")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
            if size == "seeds":
                processed = _seeds_store(args.seeds_store, workdir)
            else:
                processed = workdir / f"synthetic-{size}"
                build_synthetic_store(processed, int(size))
            n_events = store.read_table(processed, "events").num_rows
            figures = measure(processed, args.runs)
            print(f"{size:>8} {n_events:>7} {figures['shell_median']:>8.2f} {figures['timeline_first']:>11.2f} / {figures['timeline_median']:<10.2f}"
                  f"{figures['map_first']:>9.2f} / {figures['map_median']:<8.2f}"
                  f"{figures['rss_mb']:>9.0f} / {figures['peak_mb']:<8.0f}", flush=True)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m dashboard.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))
