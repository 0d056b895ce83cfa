"""How much an event matters to an analyst, read off how the news reported it.

An event matters when many articles report it and when the news keeps referring back to it
long after the day it happened (the signal news-tls's date ranking rests on: dates that later
articles mention are the ones journalists put on timelines). A report counts only when it
vouches for the event's date: it states the date itself (not a date the ETL inferred from the
publication day) at the event's precision, and not after its own publication (an article
announcing a ceasefire "from 12 April" on 6 April reports a plan, not an event).

    importance = sum over vouching articles of (1 + log2(1 + days from the event to the article))

A report on the day counts 1; an article that refers back counts once more for each doubling
of its delay: the next day 2, a week later 4, a month later 6, a year later 9.5. Follow-ups the
next days are part of the story unfolding; an article that still names the day months later
(an anniversary, a retrospective, "since the massacre at X on 25 May") says the event
outlasted the news cycle. The logarithm keeps one retrospective from outweighing a day that
many articles reported.

Undated events have importance 0: they cannot be placed on a timeline. Timeline days are
ranked by the sentences that vouch for their day-precise events, each sentence once, weighed
as its article's report: a timeline entry is a day, and news-tls counts a day's mentions by
sentence. A day with several well-reported events outranks a day with one, and a sentence
that tells two events of the day ("a car bomb in Damascus kills 26": a bombing and killings)
says the day once, not twice. A sentence is its words: the same sentence carried again word for
word (an updated version of a story published anew, a background paragraph copied into the next
article, wire copy, a paragraph repeated on the page) is one statement, weighed at its latest
telling. news-tls counts every copy; we do not, because a copy is no new report.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from etl.records import Event, EventMention

DAY_PRECISIONS = frozenset({"day", "time"})  # times of day count as their day


@dataclass(frozen=True)
class Statement:
    """One sentence that vouches for an event's date, and what it weighs."""
    article_id: str
    sentence_start: int
    weight: float
    words: str  # the sentence's words, case-folded: a verbatim copy is the same statement


@dataclass(frozen=True)
class Salience:
    event_id: str
    reports: int  # articles that tell the event at all
    vouching: int  # articles that state its date themselves, on or before their publication
    later: int  # of those, published after the event's last day
    importance: float
    statements: tuple[Statement, ...]  # each distinct vouching sentence, at its heaviest telling


def report_weight(days_after: int) -> float:
    """What one vouching article adds: 1 on the day, once more per doubling of its delay."""
    return 1.0 + math.log2(1 + max(0, days_after))


def _vouches(mention: EventMention, event: Event, published: dt.date | None) -> bool:
    if not mention.date_text or mention.date_start is None or event.date_start is None:
        return False
    same_grain = (mention.date_precision in DAY_PRECISIONS) == (event.date_precision in DAY_PRECISIONS)
    event_end = event.date_end or event.date_start
    overlaps = mention.date_start <= event_end and event.date_start <= (mention.date_end or mention.date_start)
    told_after = published is None or mention.date_start <= published
    return same_grain and overlaps and told_after


def words(sentence: str) -> str:
    """What makes two sentences the same statement: their words, whatever the spacing and case."""
    return " ".join(sentence.split()).casefold()


def distinct(statements: Iterable[Statement]) -> list[Statement]:
    """One statement per wording, at its heaviest telling (then the first article and sentence)."""
    kept: dict[str, Statement] = {}
    for statement in sorted(statements, key=lambda s: (-s.weight, s.article_id, s.sentence_start)):
        kept.setdefault(statement.words, statement)
    return sorted(kept.values(), key=lambda s: (s.article_id, s.sentence_start))


def salience(event: Event, mentions: Iterable[EventMention], published: Mapping[str, dt.date | None]) -> Salience:
    """The event's importance from its own mentions and their articles' publication dates."""
    mentions = list(mentions)
    event_end = event.date_end or event.date_start
    told = []
    for m in mentions:
        if _vouches(m, event, published.get(m.article_id)):
            day = published.get(m.article_id)
            delay = (day - event_end).days if day is not None and event_end is not None else 0
            told.append((Statement(m.article_id, m.sentence_start, report_weight(delay), words(m.sentence)), delay))
    statements = distinct(s for s, _ in told)
    kept = {(s.article_id, s.sentence_start) for s in statements}
    delays = {s.article_id: delay for s, delay in told if (s.article_id, s.sentence_start) in kept}
    return Salience(event.event_id, len({m.article_id for m in mentions}), len(delays),
                    sum(1 for d in delays.values() if d > 0), sum(report_weight(d) for d in delays.values()),
                    tuple(statements))


def rank_events(events: Sequence[Event], mentions: Iterable[EventMention],
                published: Mapping[str, dt.date | None]) -> list[tuple[Event, Salience]]:
    """Events with their salience, most important first (then more reports, earlier, by id)."""
    by_id = {m.mention_id: m for m in mentions}
    scored = [(e, salience(e, (by_id[i] for i in e.mention_ids if i in by_id), published)) for e in events]
    return sorted(scored, key=lambda pair: (-pair[1].importance, -pair[1].reports,
                                            pair[0].date_start or dt.date.max, pair[0].event_id))


def day_scores(scored: Iterable[tuple[Event, Salience]], start: dt.date | None = None,
               end: dt.date | None = None) -> dict[dt.date, tuple[float, int]]:
    """Each day that carries a day-precise event vouched for by some article, within [start, end]
    when given: its importance (the sum of its vouching sentences' weights, each sentence once
    however many of the day's events it tells) and its events' reports."""
    statements: dict[dt.date, list[Statement]] = {}
    reports: dict[dt.date, int] = {}
    for event, score in scored:
        day = event.date_start
        if day is None or event.date_precision not in DAY_PRECISIONS or not score.statements:
            continue
        if (start is not None and day < start) or (end is not None and day > end):
            continue
        statements.setdefault(day, []).extend(score.statements)
        reports[day] = reports.get(day, 0) + score.reports
    return {day: (sum(s.weight for s in distinct(told)), reports[day]) for day, told in statements.items()}


def rank_days(scored: Iterable[tuple[Event, Salience]], start: dt.date | None = None,
              end: dt.date | None = None) -> list[dt.date]:
    """The days of `day_scores`, most important first (ties: more reports, then the earlier day)."""
    scores = day_scores(scored, start, end)
    return sorted(scores, key=lambda day: (-scores[day][0], -scores[day][1], day))
