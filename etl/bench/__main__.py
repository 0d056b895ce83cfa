"""Dispatch `python -m etl.bench NAME ...` to etl.bench.NAME."""
from __future__ import annotations

import argparse
import importlib
import sys

BENCHMARKS = {
    "timeml": "TempEval-3 Task A on TimeML .tml files (dates)",
    "geo": "geoparsing on GeoVirus-format XML (places)",
    "timeline": "date F1 on Timeline17-format data (events)",
    "ingest": "publication dates without metadata (TimeML) and text kept by cleaning (a .jsonl corpus)",
    "scale": "extraction throughput per engine on a synthetic corpus (articles/s, memory)",
    "merge": "merge time at 10^4-10^6 synthetic mentions; publish time, files and sizes of a 10^6-event store",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.bench", description=__doc__)
    sub = parser.add_subparsers(dest="benchmark", required=True)
    modules = {}
    for name, help_text in BENCHMARKS.items():
        try:
            modules[name] = importlib.import_module(f"etl.bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"etl.bench.{name}":
                raise
            continue
        modules[name].add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    return modules[args.benchmark].main(args)


if __name__ == "__main__":
    sys.exit(main())
