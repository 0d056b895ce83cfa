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
    _add_collection_option(run)
    run.add_argument("--manifest", type=Path, default=None, help="CSV of file,source,url,title,published (default: manifest.csv in a given folder)")
    run.add_argument("--rebuild", action="store_true", help="start from an empty store: process everything again")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--engine", choices=("local", "processes", "dask"), default="local",
                     help="where extraction runs: this process (default), all local cores, or Dask")
    run.add_argument("--workers", type=int, default=None, help="processes for --engine processes/dask (default: all cores)")
    run.add_argument("--scheduler", default=None,
                     help="with --engine dask: a scheduler address (tcp://host:8786), or 'synchronous'; "
                     "default: a LocalCluster on this machine")
    _add_correct(sub)
    _add_collections(sub)
    return parser


def _add_collection_option(command) -> None:
    command.add_argument("--collection", default=None, metavar="NAME",
                         help="a collection's slug or name: its raw folder and store are the defaults "
                         "(see `python -m etl collections list`)")


def _add_collections(sub) -> None:
    manage = sub.add_parser(
        "collections",
        help="list, create, rename or delete collections (corpora with their own store)",
        description="Collections sit side by side, each with its own raw folder, store and corrections; "
        "the bundled one is data/raw + data/processed and cannot be deleted.",
    )
    actions = manage.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every collection with its folders", description="Every collection with its folders.")
    actions.add_parser("create", help="a new, empty collection", description="A new, empty collection.").add_argument("name")
    rename = actions.add_parser("rename", help="a new display name (the slug stays)", description="A new display name; the slug stays.")
    rename.add_argument("collection", help="slug or name")
    rename.add_argument("new_name")
    delete = actions.add_parser("delete", help="remove a collection with its articles and store",
                                description="Remove a user collection with its articles, store and corrections.")
    delete.add_argument("collection", help="slug or name")
    add = actions.add_parser(
        "add", help="keep articles in a collection's raw folder, checked as the app checks uploads",
        description="Copy articles into a collection's raw folder under safe names, refusing what cannot be read "
        "(the app's upload rules); with metadata, one text file is kept as pasted text with a manifest row. "
        "Then `python -m etl run --collection NAME` extracts them.")
    add.add_argument("collection", help="slug or name")
    add.add_argument("files", nargs="+", type=Path)
    for field in ("source", "url", "title"):
        add.add_argument(f"--{field}", default="", help=f"the article's {field} (one file only)")
    add.add_argument("--published", type=_iso_date, default=None, help="publication date YYYY-MM-DD (one file only)")


def _iso_date(value: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2016-03-27: {value!r}") from None


def _collection(name: str):
    """A collection by slug, else by name (case-insensitive)."""
    from etl import collections

    for found in collections.list_collections():
        if name == found.slug or found.name.casefold() == name.casefold():
            return found
    raise collections.Refused(f"no collection {name!r}; see `python -m etl collections list`")


def _collections(args: argparse.Namespace) -> int:
    from etl import collections

    try:
        if args.action == "list":
            for found in collections.list_collections():
                print(f"{found.slug:<24} {found.name:<32} raw {found.raw_dir}  store {found.processed_dir}")
        elif args.action == "create":
            made = collections.create(args.name)
            print(f"created {made.slug}: raw {made.raw_dir}, store {made.processed_dir}")
        elif args.action == "rename":
            renamed = collections.rename(_collection(args.collection).slug, args.new_name)
            print(f"renamed {renamed.slug}: {renamed.name}")
        elif args.action == "delete":
            gone = _collection(args.collection)
            collections.delete(gone.slug)
            print(f"deleted {gone.slug}")
        elif args.action == "add":
            return _add_files(args, _collection(args.collection))
    except collections.Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _add_files(args: argparse.Namespace, target) -> int:
    from etl import collections

    metadata = any((args.source, args.url, args.title, args.published))
    if metadata and len(args.files) != 1:
        print("error: --source, --url, --title and --published describe one file", file=sys.stderr)
        return EXIT_USAGE
    kept = 0
    for path in args.files:
        try:
            data = path.read_bytes()
            if metadata:
                saved = collections.save_pasted(target, data.decode("utf-8-sig"), source=args.source, url=args.url,
                                                title=args.title, published=args.published,
                                                notes=f"added from {path.name} by python -m etl collections add")
            else:
                saved = collections.save_upload(target, path.name, data)
        except (OSError, UnicodeDecodeError, collections.Refused) as exc:
            print(f"refused: {path}: {exc}", file=sys.stderr)
            continue
        kept += 1
        print(f"kept {saved}")
    if kept:
        print(f"next: python -m etl run --collection {target.slug}")
    return EXIT_OK if kept == len(args.files) else (EXIT_SOME_FAILED if kept else EXIT_NOTHING_READ)


def _with_collection(args: argparse.Namespace) -> str:
    """Fill --store (and run's paths) from --collection; an error message, or "" when fine."""
    if not args.collection:
        return ""
    from etl import collections

    try:
        chosen = _collection(args.collection)
    except collections.Refused as exc:
        return str(exc)
    args.store = args.store or chosen.processed_dir
    if getattr(args, "paths", None) == []:
        args.paths = [chosen.raw_dir]
    return ""


def _add_correct(sub) -> None:
    correct = sub.add_parser(
        "correct",
        help="correct the machine: change, hide, merge or split events, fix a place; list and undo",
        description="Corrections are kept apart from extracted data (corrections.jsonl beside the store), "
        "re-applied on every run by stable keys, and listed with what they replaced. Each one republishes "
        "the store at once (nothing is re-extracted).",
    )
    correct.add_argument("--store", type=Path, default=None, help=f"processed store folder (default: {config.PROCESSED_DIR})")
    _add_collection_option(correct)
    correct.add_argument("--author", default="analyst", help="who makes the correction (shown with it)")
    correct.add_argument("--note", default="", help="why")
    actions = correct.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every correction and what became of it on the last run",
                       description="Every correction and what became of it on the last run.")
    set_ = actions.add_parser("set", help="change fields of an event", description="Change fields of an event.")
    set_.add_argument("event_id")
    set_.add_argument("changes", nargs="+", metavar="FIELD=VALUE",
                      help="date_start, date_end, date_precision, place_id, event_type, sub_event_type, actor1, actor2, summary, fatalities")
    hide = actions.add_parser("hide", help="hide a false event", description="Hide a false event from every page and export.")
    hide.add_argument("event_id")
    merge_ = actions.add_parser("merge", help="merge two events that are one", description="Merge the second event into the first.")
    merge_.add_argument("event_id")
    merge_.add_argument("other_event_id")
    split = actions.add_parser("split", help="split mentions off an event", description="Make some mentions of an event an event of their own.")
    split.add_argument("event_id")
    split.add_argument("mention_ids", nargs="+")
    place = actions.add_parser("place", help="resolve every mention of a spelling to another place",
                               description="Resolve every mention of a spelling to another place (a place_id of the gazetteer).")
    place.add_argument("spelling")
    place.add_argument("place_id")
    undo = actions.add_parser("undo", help="withdraw a correction", description="Withdraw an earlier correction.")
    undo.add_argument("correction_id")


def _correct(args: argparse.Namespace) -> int:
    import datetime as dt

    from etl import corrections, pipeline, store

    store_dir = args.store or config.PROCESSED_DIR
    if store.current_snapshot(store_dir) is None:
        print(f"error: no store at {store_dir}; run `python -m etl run` first", file=sys.stderr)
        return EXIT_USAGE
    if args.action == "list":
        for row in store.read_table(store_dir, "corrections").to_pylist():
            print(f"{row['correction_id']}  {row['created']}  {row['author']:<10} {row['action']:<6} {row['status']:<9} "
                  f"{row['event_id'] or '-'}  {row['detail']}  (before: {row['before']})")
        return EXIT_OK
    mentions = store.read_table(store_dir, "event_mentions").to_pylist()

    def mention_ids(event_id: str) -> tuple[str, ...]:
        return tuple(sorted(m["mention_id"] for m in mentions if m["event_id"] == event_id))

    fields: dict = {"note": args.note}
    if args.action in ("set", "hide", "merge", "split"):
        fields.update(event_id=args.event_id, mention_ids=mention_ids(args.event_id))
        if not fields["mention_ids"]:
            print(f"error: no event {args.event_id} in the store", file=sys.stderr)
            return EXIT_USAGE
    if args.action == "set":
        pairs = [c.split("=", 1) for c in args.changes]
        if any(len(p) != 2 for p in pairs):
            print("error: changes are FIELD=VALUE", file=sys.stderr)
            return EXIT_USAGE
        fields["changes"] = {k: (int(v) if k == "fatalities" and v.isdigit() else v) for k, v in pairs}
    elif args.action == "merge":
        fields.update(other_event_id=args.other_event_id, other_mention_ids=mention_ids(args.other_event_id))
    elif args.action == "split":
        fields["other_mention_ids"] = tuple(args.mention_ids)
    elif args.action == "place":
        fields.update(spelling=args.spelling, place_id=args.place_id)
    elif args.action == "undo":
        fields["undoes"] = args.correction_id
    try:
        correction = corrections.make(args.action, author=args.author, now=dt.datetime.now(dt.timezone.utc), **fields)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    corrections.append(store_dir, correction)
    pipeline.republish(store_dir)
    outcome = next(r for r in store.read_table(store_dir, "corrections").to_pylist()
                   if r["correction_id"] == correction.correction_id)
    print(f"{correction.correction_id}: {outcome['status']}: {outcome['detail']}")
    return EXIT_OK if outcome["status"] == "applied" else EXIT_SOME_FAILED


def _run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from etl import pipeline, store

    paths = args.paths or [config.RAW_DIR]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return EXIT_USAGE
    store_dir = args.store or config.PROCESSED_DIR
    if store.writer_busy(store_dir):
        print(f"another run is writing to {store_dir}; this one starts when it has finished", file=sys.stderr)
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
    if args.command == "collections":
        return _collections(args)
    problem = _with_collection(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "run":
        return _run(args)
    if args.command == "correct":
        return _correct(args)
    return EXIT_USAGE
