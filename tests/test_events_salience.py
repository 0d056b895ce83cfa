"""Event importance (etl.salience) on hand-built events and mentions."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from etl.records import Event, EventMention
from etl.salience import rank_days, rank_events, report_weight, salience

D = dt.date
DAY = D(2012, 5, 25)


def _end(day: dt.date | None, precision: str) -> dt.date | None:
    if precision == "month" and day is not None:
        return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return day


def mention(article: str, day: dt.date | None = DAY, precision: str = "day", text: str = "Friday", n: int = 0,
            sentence: int = 0, said: str = "") -> EventMention:
    """`said`: the sentence's words; by default its own, different from every other sentence's."""
    end = _end(day, precision)
    said = said or f"Sentence {sentence} of {article} tells it."
    return EventMention(article, f"{article}:{n}-{n + 1}", said, sentence, sentence + 1, "killed", 0, 6, "Violence against civilians", "Attack",
                        "", "", text, "", day, end, precision if day else "none", "", "")


def event(mentions: list[EventMention], day: dt.date | None = DAY, precision: str = "day", event_id: str = "e") -> Event:
    return Event(event_id, "Violence against civilians", "Attack", "", day, _end(day, precision), precision if day else "none", "", "", None,
                 None, None, "", "", None, len({m.article_id for m in mentions}), len(mentions), None, 0.5, "",
                 tuple(m.mention_id for m in mentions))


PUBLISHED = {"same-day": DAY, "next-day": DAY + dt.timedelta(days=1), "week-later": DAY + dt.timedelta(days=7),
             "day-before": DAY - dt.timedelta(days=1)}


@pytest.mark.parametrize("mentions, vouching, later, importance", [
    ([mention("same-day")], 1, 0, 1),  # reported on the day
    ([mention("week-later")], 1, 1, 4),  # referred back to a week later: 1 + log2(1 + 7)
    ([mention("same-day"), mention("same-day", n=5)], 1, 0, 1),  # one article, told twice: one report
    ([mention("same-day", text="")], 0, 0, 0),  # the date was inferred from publication, not stated
    ([mention("next-day", DAY.replace(day=1), "month", "May")], 0, 0, 0),  # "in May" does not vouch for a day
    ([mention("day-before")], 0, 0, 0),  # dated after its own publication: a plan, not a report
    ([mention("same-day"), mention("next-day", n=2), mention("week-later", text="")], 2, 1, 3),  # 1 + (1 + 1)
])
def test_a_report_vouches_for_the_day_only_when_it_states_it_no_later_than_published(mentions, vouching, later, importance):
    score = salience(event(mentions), mentions, PUBLISHED)
    assert (score.reports, score.vouching, score.later) == (len({m.article_id for m in mentions}), vouching, later)
    assert score.importance == pytest.approx(importance)


@pytest.mark.parametrize("days, weight", [(0, 1), (1, 2), (3, 3), (7, 4), (31, 6), (-2, 1)])
def test_a_report_counts_once_more_for_each_doubling_of_its_delay(days, weight):
    assert report_weight(days) == pytest.approx(weight)


def test_one_retrospective_a_year_later_weighs_less_than_ten_reports_on_the_day():
    assert report_weight(365) < 10 * report_weight(0)
    assert report_weight(365) > report_weight(30) > report_weight(1) > report_weight(0)


def test_month_events_are_vouched_for_by_month_mentions_and_undated_events_weigh_nothing():
    month = [mention("week-later", DAY.replace(day=1), "month", "May")]
    assert salience(event(month, DAY.replace(day=1), "month"), month, PUBLISHED).vouching == 1
    undated = [mention("same-day", None, text="")]
    assert salience(event(undated, None), undated, PUBLISHED).importance == 0


def test_days_add_up_their_events_and_only_day_precise_vouched_events_compete():
    a = [mention("same-day"), mention("week-later", n=1)]  # 1 + 4 (a week later)
    b = [mention("next-day", DAY + dt.timedelta(days=1), n=2)]  # 1 on the 26th
    c = [mention("week-later", DAY + dt.timedelta(days=1), n=3)]  # 1 + log2(7) on the 26th
    month = [mention("week-later", DAY.replace(day=1), "month", "May", n=4)]
    unstated = [mention("week-later", DAY - dt.timedelta(days=3), text="", n=6)]
    events = [event(a, event_id="a"), event(b, DAY + dt.timedelta(days=1), event_id="b"),
              event(c, DAY + dt.timedelta(days=1), event_id="c"), event(month, DAY.replace(day=1), "month", event_id="m"),
              event(unstated, DAY - dt.timedelta(days=3), event_id="u")]
    scored = rank_events(events, a + b + c + month + unstated, PUBLISHED)
    assert [e.event_id for e, _ in scored][:1] == ["a"]
    assert rank_days(scored) == [DAY, DAY + dt.timedelta(days=1)]
    assert rank_days(scored, start=DAY + dt.timedelta(days=1)) == [DAY + dt.timedelta(days=1)]
    assert rank_days(scored, end=DAY - dt.timedelta(days=1)) == []


def test_equal_days_go_to_more_reports_then_the_earlier_day():
    days = [DAY - dt.timedelta(days=k) for k in (1, 2, 3)]
    first = [mention("x", days[1], n=1)]
    second = [mention("y", days[0], n=2), mention("y2", days[0], text="", n=3)]  # one vouching of two reports
    third = [mention("z", days[2], n=4)]
    events = [event(first, days[1], event_id="x"), event(second, days[0], event_id="y"), event(third, days[2], event_id="z")]
    published = {"x": days[1], "y": days[0], "y2": days[0], "z": days[2]}  # each on its day: nothing later
    assert rank_days(rank_events(events, first + second + third, published)) == [days[0], days[2], days[1]]


@pytest.mark.parametrize("sentences, first", [
    ([(0,)], DAY),  # one report a day later (2) against two reports (1 + 2)
    ([(0,), (0,)], DAY),  # one sentence telling two events of the day ("a car bomb kills 26") says the day once
    ([(0, 40)], DAY - dt.timedelta(days=1)),  # one event stated in two sentences: told twice (2 + 2), as news-tls counts
    ([(0,), (40,)], DAY - dt.timedelta(days=1)),  # two events, two sentences
])
def test_a_day_counts_each_sentence_that_states_it_once(sentences, first):
    earlier = DAY - dt.timedelta(days=1)
    told = [[mention("same-day", earlier, n=10 * k + j, sentence=s) for j, s in enumerate(starts)]
            for k, starts in enumerate(sentences)]
    two_reports = [mention("same-day", n=99), mention("next-day", n=98)]
    events = [event(m, earlier, event_id=f"e{k}") for k, m in enumerate(told)] + [event(two_reports, event_id="b")]
    scored = rank_events(events, [m for ms in told for m in ms] + two_reports, PUBLISHED)
    assert rank_days(scored)[0] == first


COPY = "Troops killed 40 people in the village on Friday."


@pytest.mark.parametrize("mentions, importance", [
    # an updated version of the story a week later carries the sentence word for word: one statement, at its later weight
    ([mention("same-day", said=COPY), mention("week-later", said=COPY, n=1)], 4),
    # the same words with other spacing and case are the same statement
    ([mention("same-day", said=COPY), mention("next-day", said="  troops KILLED 40 people in the village\non Friday.", n=1)], 2),
    # a paragraph repeated within one article is told once
    ([mention("same-day", said=COPY), mention("same-day", said=COPY, n=1, sentence=300)], 1),
    # different words in two articles are two reports
    ([mention("same-day", said=COPY), mention("week-later", n=1)], 1 + 4),
])
def test_a_sentence_carried_again_word_for_word_vouches_once(mentions, importance):
    score = salience(event(mentions), mentions, PUBLISHED)
    assert score.importance == pytest.approx(importance)
    assert len(score.statements) == len({" ".join(m.sentence.split()).casefold() for m in mentions})


def test_a_day_counts_a_copied_sentence_once_even_when_it_tells_two_unmerged_events():
    earlier = DAY - dt.timedelta(days=1)
    x, y = [mention("same-day", earlier, said=COPY, n=1)], [mention("next-day", earlier, said=COPY, n=2)]
    two = [mention("same-day", n=3), mention("next-day", n=4)]  # 1 + 2 on DAY
    events = [event(x, earlier, event_id="x"), event(y, earlier, event_id="y"), event(two, event_id="z")]
    # the copy weighs 1 + log2(3) once, not 2 + (1 + log2(3)) as two sentences would
    assert rank_days(rank_events(events, x + y + two, PUBLISHED)) == [DAY, earlier]


ARTICLES = st.sampled_from(sorted(PUBLISHED))
MENTIONS = st.lists(st.tuples(ARTICLES, st.integers(-3, 3), st.sampled_from(["day", "time", "month"]), st.booleans()),
                    max_size=8)


@given(MENTIONS, ARTICLES)
def test_importance_is_bounded_by_its_reports_and_grows_with_a_later_reference(rows, extra):
    mentions = [mention(a, DAY + dt.timedelta(days=shift), precision, "t" if stated else "", n)
                for n, (a, shift, precision, stated) in enumerate(rows)]
    before = salience(event(mentions), mentions, PUBLISHED)
    assert 0 <= before.later <= before.vouching <= before.reports
    bound = sum(report_weight((PUBLISHED[a] - DAY).days) for a in {m.article_id for m in mentions})
    assert before.vouching <= before.importance <= bound
    more = mentions + [mention(extra, n=99)]
    after = salience(event(more), more, PUBLISHED)
    assert after.importance >= before.importance
