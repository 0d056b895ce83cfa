"""The timeline benchmark's scoring, as news-tls scores date selection."""
from __future__ import annotations

import datetime as dt

from etl.bench.timeline import date_scores

D = dt.date


def test_date_scores_compare_sets_of_dates():
    scores = date_scores({D(2012, 1, 1), D(2012, 1, 2)}, {D(2012, 1, 2), D(2012, 1, 3), D(2012, 1, 4), D(2012, 1, 5)})
    assert (scores["precision"], scores["recall"]) == (0.5, 0.25)
    assert abs(scores["f1"] - 1 / 3) < 1e-9
    assert date_scores(set(), {D(2012, 1, 1)})["f1"] == 0.0


def _extraction(article_id: str, published: dt.date, day: dt.date, trigger_at: int = 0):
    from etl.pipeline import ArticleExtraction
    from etl.records import Article, EventMention

    article = Article(article_id, "BBC", "", "", published, "", "metadata", "en", "text", "x.jsonl", article_id)
    mention = EventMention(article_id, f"{article_id}:{trigger_at}-{trigger_at + 6}", "s", 0, 1, "killed", trigger_at,
                           trigger_at + 6, "Violence against civilians", "Attack", "", "", "on 3 May", "", day, day, "day",
                           "", "")
    return ArticleExtraction(article, (), (), (mention,))


def test_only_articles_published_within_the_gold_span_are_input_as_in_news_tls():
    from etl.bench.timeline import _score_timeline

    gold = [D(2012, 5, 1), D(2012, 5, 3), D(2012, 5, 31)]
    inside = _extraction("in", D(2012, 5, 4), D(2012, 5, 3))
    after = [_extraction(f"late{n}", D(2012, 6, 2), D(2012, 5, 2), n * 10) for n in range(3)]  # well reported, but late
    scores = _score_timeline(gold, [inside, *after], {})
    assert scores["articles_in_span"] == 1
    assert (scores["precision"], scores["recall"]) == (1.0, 1 / 3)  # only 3 May is predicted, and it is gold


def test_the_days_explained_say_why_each_gold_day_is_found_or_missed_and_each_chosen_day_chosen():
    from etl.bench.timeline import explain_days

    gold = [D(2012, 5, 1), D(2012, 5, 3), D(2012, 5, 31)]
    extractions = [_extraction("told-next-day", D(2012, 5, 4), D(2012, 5, 3)),
                   _extraction("told-on-the-day", D(2012, 5, 2), D(2012, 5, 2))]
    lines = explain_days(gold, extractions, {})
    assert lines[0] == "1 of 3 gold days among the 3 chosen"
    by_day = {line[:10]: line for line in lines if line[:4] == "2012"}
    assert sorted(by_day) == ["2012-05-01", "2012-05-02", "2012-05-03", "2012-05-31"]
    assert by_day["2012-05-01"].startswith("2012-05-01 gold, missed: no sentence states this day")
    assert by_day["2012-05-03"] == "2012-05-03 gold, chosen: rank 1, importance 2.00, 1 sentence(s) in 1 article(s)"
    assert by_day["2012-05-02"].startswith("2012-05-02 chosen, not gold: rank 2, importance 1.00")
    assert lines[lines.index(by_day["2012-05-03"]) + 1].strip() == "Violence against civilians / Attack, 1 of 1 report(s) vouch: s"
