"""Benchmarks on real annotated corpora: `python -m etl.bench {timeml,geo,timeline} ...`.

Each benchmark lives in its own module exposing `add_arguments(parser)` and `main(args) -> int`;
its committed floors live in benchmarks/baseline/<name>.json.
"""
