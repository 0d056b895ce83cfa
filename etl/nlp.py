"""One spaCy pipeline per process, loaded lazily and reused by every stage."""
from __future__ import annotations

import functools
import importlib

import spacy
from spacy.language import Language

from etl import config


@Language.component("paragraph_sentences")
def paragraph_sentences(doc):
    """A line break ends a sentence: headlines, datelines and paragraphs carry no final stop,
    and the parser would otherwise run them into the next sentence."""
    for token in doc[1:]:
        if doc[token.i - 1].is_space and "\n" in doc[token.i - 1].text:
            token.is_sent_start = True
    return doc


@functools.lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """Load the configured model, else the first installed candidate.

    Loaded once per process (and once per worker when the run is distributed): never
    pass the pipeline or its Docs between processes.
    """
    names = (config.SPACY_MODEL,) if config.SPACY_MODEL else config.SPACY_MODEL_CANDIDATES
    errors = []
    for name in names:
        try:
            nlp = importlib.import_module(name).load()
            nlp.add_pipe("paragraph_sentences", before="parser")
            return nlp
        except ImportError as exc:
            errors.append(f"{name}: {exc}")
    raise RuntimeError(
        "No spaCy English model is installed (tried " + ", ".join(names) + "). "
        "Install requirements.txt, or set TIMELINE_SPACY_MODEL. " + "; ".join(errors)
    )


def model_identity() -> str:
    """Name and version of the model that would be loaded, without loading it."""
    from importlib import metadata

    names = (config.SPACY_MODEL,) if config.SPACY_MODEL else config.SPACY_MODEL_CANDIDATES
    for name in names:
        try:
            return f"{name}=={metadata.version(name.replace('_', '-'))}"
        except metadata.PackageNotFoundError:
            continue
    return "no-model"


def parse(text: str) -> spacy.tokens.Doc:
    return load_pipeline()(text)


def parse_many(texts, batch_size: int = 16):
    return load_pipeline().pipe(texts, batch_size=batch_size)
