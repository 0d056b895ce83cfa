"""Command line: a thin shell that parses arguments and calls the library.

Exit codes: 0 success; 1 the store was published but some inputs failed (see the summary);
2 usage error; 3 nothing usable was read (the store is unchanged); 4 the run itself failed
(the previous store is still in place).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl import config

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_NOTHING_READ, EXIT_RUN_FAILED = 0, 1, 2, 3, 4


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m etl",
        description="Turn news articles into a store of dated, placed, typed events.",
        epilog="Exit codes: 0 ok; 1 published, some inputs failed; 2 usage; 3 nothing read; 4 run failed.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run",
        help="read articles and publish the processed store (incremental)",
        description="Read .txt/.md/.html/.jsonl articles (files or folders), extract dates, places and "
        "events, merge events across sources and publish the store atomically. Unchanged articles are "
        "not processed again; articles of earlier runs are kept.",
    )
    run.add_argument("paths", nargs="*", type=Path, help=f"files or folders (default: {config.RAW_DIR})")
    run.add_argument("--store", type=Path, default=None, help=f"processed store folder (default: {config.PROCESSED_DIR})")
    run.add_argument("--manifest", type=Path, default=None, help="CSV of file,source,url,title,published (default: manifest.csv in a given folder)")
    run.add_argument("--rebuild", action="store_true", help="start from an empty store: process everything again")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--engine", choices=("local", "processes", "dask"), default="local",
                     help="where extraction runs: this process (default), all local cores, or Dask")
    run.add_argument("--workers", type=int, default=None, help="processes for --engine processes/dask (default: all cores)")
    run.add_argument("--scheduler", default=None,
                     help="with --engine dask: a scheduler address (tcp://host:8786), or 'synchronous'; "
                     "default: a LocalCluster on this machine")
    return parser


def _run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from etl import pipeline

    paths = args.paths or [config.RAW_DIR]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return EXIT_USAGE
    bar = None if args.quiet else tqdm(total=0, unit="article", desc="extracting", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.total = total
            bar.n = done
            bar.refresh()

    try:
        summary = pipeline.run(paths, args.store, rebuild=args.rebuild, manifest=args.manifest, progress=progress,
                               engine=args.engine, workers=args.workers, scheduler=args.scheduler)
    except Exception as exc:  # the previous store is untouched: say so, with the cause
        if bar is not None:
            bar.close()
        print(f"error: the run failed and the previous store is unchanged: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_RUN_FAILED
    if bar is not None:
        bar.close()
    store_dir = args.store or config.PROCESSED_DIR
    print(
        f"articles read {summary.articles_read}, processed {summary.articles_processed}, "
        f"unchanged {summary.articles_unchanged}, kept from earlier runs {summary.articles_kept}, "
        f"failed {summary.articles_failed}"
    )
    print(
        f"mentions: {summary.timexes} dates, {summary.place_mentions} places, {summary.event_mentions} events; "
        f"{summary.events} merged events; {summary.seconds:.1f} s"
    )
    for failure in summary.failures:
        print(f"  {failure.kind}: {failure.path}: {failure.reason}")
    if summary.published:
        print(f"store published: {store_dir}/current -> snapshots/{summary.snapshot}")
    elif summary.snapshot:
        print(f"store unchanged: {store_dir}/current (snapshots/{summary.snapshot})")
    else:
        print("nothing was read; the store is unchanged", file=sys.stderr)
    if summary.articles_read == 0:
        print("error: no article could be read from the given paths", file=sys.stderr)
    return summary.exit_code


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "run":
        return _run(args)
    return EXIT_USAGE
