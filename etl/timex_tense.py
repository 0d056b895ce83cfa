"""Tense of the clause a temporal expression attaches to, read from the dependency parse."""
from __future__ import annotations

from spacy.tokens import Doc

PAST, PRESENT, FUTURE = "past", "present", "future"

# ---------------------------------------------------------------------------------------------
# Tense of the clause an expression attaches to.
_FUTURE_AUX = {"will", "'ll", "shall", "wo", "ll"}
_SCHEDULE_VERBS = {"schedule", "reschedule", "plan", "postpone", "delay", "slate"}
_PLAN_VERBS = {"plan", "expect", "schedule", "intend", "hope", "aim", "prepare", "agree", "decide", "promise",
               "threaten", "vow", "pledge", "set", "due", "want", "seek", "propose", "go"}


def _verb_tense(verb) -> str | None:
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in auxes}
    if words & _FUTURE_AUX or "would" in words:
        return FUTURE  # "would" in news is mostly the future seen from a reported past
    if _pluperfect(verb):
        return PAST  # "had been scheduled to expire Friday": a plan seen from a past already over
    if any(a.lower_ == "going" for a in auxes) and any(c.lower_ == "to" for c in verb.children):
        return FUTURE
    if verb.lower_ == "going" and any(c.dep_ == "xcomp" for c in verb.children):
        return FUTURE
    if verb.lemma_ in _SCHEDULE_VERBS:
        return FUTURE  # "has scheduled a news conference Thursday": what is scheduled lies ahead
    if verb.tag_ == "VBN" and not auxes and verb.dep_ in ("acl", "amod", "relcl", "advcl"):
        return PAST  # "the decision announced Wednesday"
    if verb.tag_ == "VB" and verb.dep_ == "xcomp" and verb.head.lemma_ in _PLAN_VERBS \
            and any(c.lower_ == "to" and c.dep_ == "aux" for c in verb.children):
        return FUTURE  # "plans to leave on Thursday"
    if verb.tag_ == "VB" and verb.dep_ == "xcomp" and verb.head.lemma_ == "be" and verb.head.tag_ in ("VBZ", "VBP") \
            and any(c.lower_ == "to" and c.dep_ == "aux" for c in verb.children):
        return FUTURE  # "is to resume trading Tuesday"
    if any(a.tag_ == "VBD" for a in auxes) or verb.tag_ == "VBD":
        return PAST
    if any(a.lemma_ == "have" for a in auxes) and (verb.tag_ == "VBN" or any(a.lower_ == "been" for a in auxes)):
        return PAST  # "has taken", "have been searching since October"
    if any(a.tag_ == "MD" for a in auxes):
        return None
    if verb.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in auxes):
        return PRESENT
    return None


def _pluperfect(verb) -> bool:
    """The verb, or the verb or adjective it complements ("had been due to expire"), has "had"."""
    for _ in range(3):
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("had", "'d") and c.tag_ == "VBD" for c in verb.children):
            return True
        if verb.dep_ not in ("xcomp", "acomp") or verb.head is verb:
            return False
        verb = verb.head
    return False


def _verbs_above(doc: Doc, start: int, end: int):
    """The verbs met climbing from the span's head token to the root, nearest first."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return
    token = span.root
    for _ in range(12):
        if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("aux", "auxpass", "amod"):
            yield token
        if token.head is token:
            return
        token = token.head


def pluperfect_clause(doc: Doc, start: int, end: int) -> bool:
    """Whether the span attaches to a past perfect ("Until Thursday, they had not called him")."""
    verb = next(_verbs_above(doc, start, end), None)
    return verb is not None and _pluperfect(verb)


def _has_subject(verb) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in verb.children)


_REPORTING_VERBS = {"say", "tell", "report", "claim", "warn", "announce", "insist", "argue", "deny", "urge", "call"}
_ADVERBIAL_ARCS = {"prep", "pobj", "npadvmod", "advmod", "tmod", "obl"}


def _arranged_ahead(doc: Doc, start: int, end: int) -> bool:
    """ "The ministers are meeting on Tuesday": a present progressive with the expression as its own
    adverbial is an arrangement ahead ("under a June agreement" inside its object is not)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    token = span.root
    for _ in range(4):
        if token.dep_ not in _ADVERBIAL_ARCS or token.head is token:
            return False
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            auxes = [c for c in token.children if c.dep_ == "aux"]
            return token.tag_ == "VBG" and token.lemma_ not in _REPORTING_VERBS \
                and any(a.lemma_ == "be" and a.tag_ in ("VBZ", "VBP") for a in auxes)
    return False


def clause_tense(doc: Doc, start: int, end: int) -> str | None:
    """past | present | future of the clause the span attaches to, or None when unknown.

    Climbs from the span's head token to the verb it depends on. A finite verb without a
    subject is often a mis-tag (spaCy reads "IS" in "In August IS fighters demolished..." as
    VBZ and makes it the root): then the tense comes from its clausal complement instead.
    """
    if _arranged_ahead(doc, start, end):
        return FUTURE
    for verb in _verbs_above(doc, start, end):
        tense = _verb_tense(verb)
        if tense in (PRESENT, None) and not _has_subject(verb):
            for child in verb.children:
                if child.dep_ in ("ccomp", "conj", "xcomp", "advcl") and child.pos_ in ("VERB", "AUX"):
                    inner = _verb_tense(child)
                    if inner is not None:
                        return inner
        if tense is not None:
            return tense
    return None
