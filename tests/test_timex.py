"""etl.timex: tables of (sentence, publication date) -> TIMEX3 value, the seed gold, properties."""
from __future__ import annotations

import csv
import datetime as dt
import logging
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.timex import reference_candidates, tag
from etl.timex_values import interval, number_value

SUNDAY = dt.date(2016, 3, 27)  # publication date of the seed articles (a Sunday)


def _find(nlp, sentence, reference=SUNDAY, anchor="published"):
    return tag(nlp(sentence), reference, anchor=anchor)


def _one(nlp, sentence, phrase, reference=SUNDAY):
    """The mention whose text is `phrase` (fails when absent or when it is tagged twice)."""
    found = [m for m in _find(nlp, sentence, reference) if m.text == phrase]
    assert len(found) == 1, f"{phrase!r} in {sentence!r}: {_find(nlp, sentence, reference)}"
    return found[0]


# (sentence, phrase, type, value, precision) against SUNDAY unless said otherwise
CASES = [
    # tense of the clause decides the year of a bare month: "IS" is a VBZ root here
    ("In August IS fighters demolished the temples of Bel.", "August", "DATE", "2015-08", "month"),
    ("In May, ISIL took Palmyra in a matter of days.", "May", "DATE", "2015-05", "month"),
    ("The conference will open in May.", "May", "DATE", "2016-05", "month"),
    ("The elections will be held in August.", "August", "DATE", "2016-08", "month"),
    # weekdays: a past clause on the publication Sunday is that same Sunday
    ("Government forces reclaimed the city on Sunday.", "Sunday", "DATE", "2016-03-27", "day"),
    ("Troops reclaimed the ancient city on Saturday.", "Saturday", "DATE", "2016-03-26", "day"),
    ("The talks will resume on Tuesday.", "Tuesday", "DATE", "2016-03-29", "day"),
    ("The team planned to leave on Thursday.", "Thursday", "DATE", "2016-03-31", "day"),
    # a present progressive with the weekday as its adverbial is an arrangement ahead
    ("The envoys are meeting on Tuesday in Geneva.", "Tuesday", "DATE", "2016-03-29", "day"),
    ("The envoys met on Tuesday in Geneva.", "Tuesday", "DATE", "2016-03-22", "day"),
    # a clock time followed by "on <weekday>" is that day's
    ("The truce lapsed at midnight on Friday.", "midnight", "TIME", "2016-03-25T24:00", "time"),
    ("Voting will open at 8 a.m. on Tuesday.", "8 a.m.", "TIME", "2016-03-29T08:00", "time"),
    # ... and one right after the day it belongs to
    ("Shelling began on Friday afternoon at 3 p.m.", "3 p.m.", "TIME", "2016-03-25T15:00", "time"),
    ("The vote was held on 20 March 2014, at noon.", "noon", "TIME", "2014-03-20T12:00", "time"),
    ("Gunfire was heard on Sunday morning.", "Sunday morning", "TIME", "2016-03-27TMO", "day"),
    # "the morning of <day>" is a time of that day, not of the publication date
    ("Aid convoys reached the town on the morning of 21 March.", "the morning of 21 March", "TIME",
     "2016-03-21TMO", "day"),
    ("The strike hit on the night of Thursday, March 3, 2011.", "the night of Thursday, March 3, 2011", "TIME",
     "2011-03-03TNI", "day"),
    ("Fighters pulled out during the night.", "the night", "TIME", "2016-03-26TNI", "day"),
    # relative calendar expressions
    ("The historic city fell to ISIS last May.", "last May", "DATE", "2015-05", "month"),
    ("The army kicked off an assault earlier this month.", "earlier this month", "DATE", "2016-03", "month"),
    ("Last year in December Iraqi forces recaptured Ramadi.", "Last year in December", "DATE", "2015-12", "month"),
    ("Ramadi was retaken in December last year.", "December last year", "DATE", "2015-12", "month"),
    ("When we lost Palmyra last year, they outgunned us.", "last year", "DATE", "2015", "year"),
    ("He promised a blueprint for reconstruction by next month.", "next month", "DATE", "2016-04", "month"),
    ("This weekend marked the most significant advance yet.", "This weekend", "DATE", "2016-W12-WE", "week"),
    # a season named "next" while it is under way is a year on; "this" one is the current one
    ("The harvest begins next spring.", "next spring", "DATE", "2017-SP", "season"),
    ("The rains will come this spring.", "this spring", "DATE", "2016-SP", "season"),
    ("The harvest begins next autumn.", "next autumn", "DATE", "2016-FA", "season"),
    # the edge of "the year" narrated in the past is that year's, of a year ahead this one's
    ("The port reopened in 2013. At the end of the year it closed again.", "the end of the year", "DATE", "2013",
     "year"),
    ("The port reopened in 2013. It will close by the end of the year.", "the end of the year", "DATE", "2016",
     "year"),
    # "the day before," with nothing after it to anchor it on counts from the date last stated
    ("The dam was hit on 12 May 2014. The day before, engineers had left.", "The day before", "DATE", "2014-05-11",
     "day"),
    ("The dam was hit in 2012. The year before, the valley had flooded.", "The year before", "DATE", "2011", "year"),
    ("Elections are planned for the autumn.", "the autumn", "DATE", "2016-FA", "season"),
    # "ago" makes a point in time, however vague the count
    ("The wells ran dry decades ago.", "decades ago", "DATE", "PAST_REF", "none"),
    ("The ruling came two Fridays ago.", "two Fridays ago", "DATE", "2016-03-18", "day"),
    # a year stated once after two months or seasons holds for both
    ("The dam leaked in May and June 2013.", "May", "DATE", "2013-05", "month"),
    ("Floods came between November and February 2014.", "November", "DATE", "2013-11", "month"),
    ("Crops failed in the spring and summer of 2012.", "the spring", "DATE", "2012-SP", "season"),
    # a year before a verb ending in -s is still a year ("2015 was", "2014 has")
    ("Trade slumped. 2015 was worse.", "2015", "DATE", "2015", "year"),
    # the first or last day of a month is that day; its first or last week, its start or end
    ("Shops reopened on the last day of February.", "the last day of February", "DATE", "2016-02-29", "day"),
    ("Shops reopened in the first week of March 2013.", "the first week of March 2013", "DATE", "2013-03", "month"),
    ("Shops reopened in the final weeks of 2011.", "the final weeks of 2011", "DATE", "2011", "year"),
    # "that week" is the week of the day last stated
    ("The siege began on 14 January 2015. Later that week the town fell.", "Later that week", "DATE", "2015-W03",
     "week"),
    ("Forces made gains last week.", "last week", "DATE", "2016-W11", "week"),
    ("The army was bringing reinforcements today.", "today", "DATE", "2016-03-27", "day"),
    ("Rebels held the bridge on Friday. Today the army crossed it.", "Today", "DATE", "2016-03-27", "day"),
    ("The minister arrived yesterday.", "yesterday", "DATE", "2016-03-26", "day"),
    ("The group declared a caliphate nearly two years ago.", "nearly two years ago", "DATE", "2014", "year"),
    ("The coalition was established one and a half years ago.", "one and a half years ago", "DATE", "2014-09",
     "month"),
    ("The offensive began ten days ago.", "ten days ago", "DATE", "2016-03-17", "day"),
    ("The army is now in full control.", "now", "DATE", "PRESENT_REF", "day"),
    ("Assad's troops have made steady gains in recent months.", "recent months", "DURATION", "PXM", "none"),
    ("More troops will arrive in coming weeks.", "coming weeks", "DURATION", "PXW", "none"),
    ("The site was recently looted.", "recently", "DATE", "PAST_REF", "none"),
    ("Holders may buy shares at half the then current market price.", "then current", "DATE", "PAST_REF", "none"),
    ("Nobody can say what the future holds.", "the future", "DATE", "FUTURE_REF", "none"),
    ("We don't minimize the challenges of the near term.", "the near term", "DATE", "FUTURE_REF", "none"),
    ("The rest will be financed at a later date.", "a later date", "DATE", "FUTURE_REF", "none"),
    ("Funds may sell bonds in the weeks ahead.", "the weeks ahead", "DURATION", "PXW", "none"),
    # absolute dates in the usual shapes
    ("Sun Mar 27, 2016 11:55:38", "Sun Mar 27, 2016 11:55:38", "TIME", "2016-03-27T11:55:38", "time"),
    ("The report is dated 27/03/2016.", "27/03/2016", "DATE", "2016-03-27", "day"),
    ("The report is dated 03/27/2016.", "03/27/2016", "DATE", "2016-03-27", "day"),
    ("The report is dated 2016-03-27.", "2016-03-27", "DATE", "2016-03-27", "day"),
    ("Palmyra was retaken on March 27th.", "March 27th", "DATE", "2016-03-27", "day"),
    ("A ceasefire began on February 27 and has largely held.", "February 27", "DATE", "2016-02-27", "day"),
    ("Isis overran the ruins in May 2015.", "May 2015", "DATE", "2015-05", "month"),
    ("It was founded on 5 June 1967.", "5 June 1967", "DATE", "1967-06-05", "day"),
    ("The conflict started in 2011.", "2011", "DATE", "2011", "year"),
    ("The town emptied in the 1990s.", "1990s", "DATE", "199", "decade"),
    ("Tourism boomed in the nineties.", "the nineties", "DATE", "199", "decade"),
    ("The temple was restored in the 19th century.", "the 19th century", "DATE", "18", "century"),
    ("It was the worst war of this century.", "this century", "DATE", "20", "century"),
    ("Rebels attacked on Friday night.", "Friday night", "TIME", "2016-03-25TNI", "day"),
    # the date last stated anchors "that year", "the following month", "the same day"
    ("He fled in June 2014 and returned later that year.", "later that year", "DATE", "2014", "year"),
    ("He was promoted in 1995, and the following year he retired.", "following year", "DATE", "1996", "year"),
    ("The truce began in March 2015. The following month it collapsed.", "following month", "DATE", "2015-04",
     "month"),
    ("The bomb exploded on Oct. 23, 2015. Earlier that day, police had been warned.", "Earlier that day", "DATE",
     "2015-10-23", "day"),
    ("He was arrested on May 4, 2015 and released the next morning.", "the next morning", "TIME", "2015-05-05TMO",
     "day"),
    ("In March the firm received an offer. It also weighed a sale. Bids came in. The following month it agreed.",
     "following month", "DATE", "2016-04", "month"),
    ("Stocks crashed on Friday. Dealers placed buy orders in the morning.", "the morning", "TIME",
     "2016-03-25TMO", "day"),
    ("A hearing is set for the week of March 6.", "the week of March 6", "DATE", "2016-W09", "week"),
    ("The dam was finished in the summer of 2014.", "the summer of 2014", "DATE", "2014-SU", "season"),
    ("Prices fell last summer.", "last summer", "DATE", "2015-SU", "season"),
    ("Profits rose in the third quarter of 2015.", "the third quarter of 2015", "DATE", "2015-Q3", "quarter"),
    ("Profits rose in Q1 2016.", "Q1 2016", "DATE", "2016-Q1", "quarter"),
    ("The offensive stalled in mid-2014.", "mid-2014", "DATE", "2014", "year"),
    ("The talks broke down on Christmas Day 2015.", "Christmas Day 2015", "DATE", "2015-12-25", "day"),
    # durations stay durations
    ("The landmarks survived ten months under ISIL.", "ten months", "DURATION", "P10M", "none"),
    ("The city was under ISIS occupation for 10 months.", "10 months", "DURATION", "P10M", "none"),
    ("The capture follows a three-week campaign.", "three-week", "DURATION", "P3W", "none"),
    ("Jets carried out 40 sorties in a 24-hour period.", "24-hour", "DURATION", "PT24H", "none"),
    ("This is the fiercest offensive in the last three weeks.", "the last three weeks", "DURATION", "P3W", "none"),
    ("Gains came during the past several days.", "the past several days", "DURATION", "PXD", "none"),
    ("The battle never stopped this past year.", "this past year", "DURATION", "P1Y", "none"),
    ("They stayed for 2 1/2 years.", "2 1/2 years", "DURATION", "P2Y6M", "none"),
    ("The feud has lasted for decades.", "decades", "DURATION", "PXY", "none"),
    ("The city was ruled from abroad for centuries.", "centuries", "DURATION", "PXY", "none"),
    # sets
    ("Palmyra used to attract thousands of tourists a year before the war.", "a year", "SET", "P1Y", "none"),
    ("Convoys leave daily.", "daily", "SET", "P1D", "none"),
    ("The council meets every week.", "every week", "SET", "P1W", "none"),
    ("Patrols pass every three hours.", "every three hours", "SET", "PT3H", "none"),
    ("A census is taken every ten years.", "every ten years", "SET", "P10Y", "none"),
    ("Reports reach the agency every few days.", "every few days", "SET", "PXD", "none"),
    ("The souk opens on weekends.", "weekends", "SET", "XXXX-WXX-WE", "none"),
    ("The souk opens every weekend.", "every weekend", "SET", "XXXX-WXX-WE", "none"),
    # a weekday joined to a set of weekdays is one of the set
    ("Two flights leave Bombay on Monday and Tuesday nights.", "Monday", "SET", "XXXX-WXX-1TNI", "none"),
    ("Shops close early on Friday and Saturday evenings.", "Friday", "SET", "XXXX-WXX-5TEV", "none"),
]


@pytest.mark.parametrize("sentence,phrase,type_,value,precision", CASES)
def test_normalises(nlp, sentence, phrase, type_, value, precision):
    mention = _one(nlp, sentence, phrase)
    assert (mention.type, mention.value, mention.precision) == (type_, value, precision)


@pytest.mark.parametrize("sentence,phrase,approx,mod", [
    ("The group declared a caliphate nearly two years ago.", "nearly two years ago", True, ""),
    ("The fighting lasted about three weeks.", "about three weeks", True, ""),
    ("The temples date back more than 1,800 years.", "more than 1,800 years", False, "MORE_THAN"),
    ("The army kicked off an assault earlier this month.", "earlier this month", False, "START"),
    ("The offensive stalled in mid-2014.", "mid-2014", False, "MID"),
    ("Rains came in late November 2015.", "late November 2015", False, "END"),
    ("Rents rose in the early 1990s.", "1990s", False, "START"),
    ("Shops reopened in the first week of March 2013.", "the first week of March 2013", False, "START"),
    ("Prices fell at the beginning of the month.", "the beginning of the month", False, "START"),
    ("Repairs will finish by the end of the year.", "the end of the year", False, "END"),
])
def test_approximation_and_modifiers(nlp, sentence, phrase, approx, mod):
    mention = _one(nlp, sentence, phrase)
    assert (mention.approx, mention.mod) == (approx, mod)


@pytest.mark.parametrize("reference,sentence,phrase,value", [
    # a month said in a past clause is the last one on or before the reference month
    (dt.date(2016, 1, 10), "Rebels took the town in December.", "December", "2015-12"),
    (dt.date(2015, 12, 20), "Elections will be held in January.", "January", "2016-01"),
    # "last February" said in March means a year earlier; "last fall" said in February too
    (dt.date(1998, 3, 1), "Two helicopters crashed last February.", "last February", "1997-02"),
    (dt.date(1998, 2, 6), "Hiring surged last fall.", "last fall", "1997-FA"),
    # a day-month near the reference takes the nearest year, across the new year
    (dt.date(2000, 1, 10), "The deadline is Jan. 14.", "Jan. 14", "2000-01-14"),
    (dt.date(1999, 1, 3), "The bomb exploded on Dec. 30.", "Dec. 30", "1998-12-30"),
    # until + weekday points forward even in a present clause
    (dt.date(2000, 3, 30), "The deadline runs until Tuesday.", "Tuesday", "2000-04-04"),
    # ... but not in a past perfect: the Thursday is behind the writer
    (dt.date(1999, 5, 7), "Until Thursday, they had not called him a suspect.", "Thursday", "1999-05-06"),
    # a plan in the past perfect lies in the past too
    (dt.date(1989, 10, 30), "The offer had been scheduled to expire Friday.", "Friday", "1989-10-27"),
    # "is to" points forward; payable, due and effective dates lie ahead
    (dt.date(1989, 10, 27), "The stock is to resume trading in Paris Tuesday.", "Tuesday", "1989-10-31"),
    (dt.date(1989, 10, 26), "Oneida declared a dividend, payable Dec. 15 to stock of record.", "Dec. 15",
     "1989-12-15"),
    (dt.date(1989, 10, 26), "The board named a new chairman, effective Feb. 1.", "Feb. 1", "1990-02-01"),
    # "since" points back; a present perfect progressive is past too
    (dt.date(1999, 5, 6), "Police have been searching for him since Oct. 23.", "Oct. 23", "1998-10-23"),
    # "the previous Friday" counts from the day last mentioned
    (dt.date(1989, 10, 30), "On Oct. 27 the index fell 4.5% from the previous Friday.", "the previous Friday",
     "1989-10-20"),
    # a clock time takes the weekday that follows an aside; "4 in the morning" is a clock time
    (dt.date(2003, 5, 10), "The fire started at about 9:20 a.m. (0620 GMT) Friday.", "9:20 a.m.",
     "2003-05-09T09:20"),
    (dt.date(2003, 5, 14), "The envoy will fly out at 5 in the morning, an aide said.", "5 in the morning",
     "2003-05-14T05:00"),
    # ... and the weekday that ends an aside restating the time
    (dt.date(2003, 5, 14), "The envoy will fly out at 5 in the morning (5 a.m. CET Thursday), an aide said.",
     "5 in the morning", "2003-05-15T05:00"),
    # "overnight" is the night before the day the report narrates, when that day is its news ...
    (dt.date(2004, 3, 15), "Paris stocks ended lower Friday. They were weighed down by overnight losses in "
     "Tokyo.", "overnight", "2004-03-11TNI"),
    # ... so "the previous Friday" after it still counts from that Friday
    (dt.date(2004, 3, 15), "Paris stocks ended lower Friday. They were weighed down by overnight losses in "
     "Tokyo. The index lost 2.1% from the previous Friday.", "the previous Friday", "2004-03-05"),
    # ... not a day stated as background, nor one in a report that states none
    (dt.date(1998, 8, 20), "The embassies were bombed on Aug. 7. Officials linked the sites struck overnight with "
     "the attacks.", "overnight", "1998-08-19TNI"),
    (dt.date(1998, 8, 20), "Officials linked the sites struck overnight with the attacks.", "overnight",
     "1998-08-19TNI"),
    # a quarter reported in the past tense that has not begun this year is last year's
    (dt.date(2021, 1, 20), "The bank announced a 9 percent drop in profits for the fourth quarter.",
     "the fourth quarter", "2020-Q4"),
    (dt.date(1989, 10, 26), "Profits dropped in the second quarter.", "the second quarter", "1989-Q2"),
    (dt.date(2021, 1, 20), "The bank expects a drop in profits for the fourth quarter.", "the fourth quarter",
     "2021-Q4"),
    # a period that "ended" on a day not yet reached ended a year before
    (dt.date(1989, 10, 27), "In the second quarter ended Oct. 31, it lost money.", "Oct. 31", "1988-10-31"),
    # "since year-end" looks back to the end of the last full year; "by year-end" ahead to this one's
    (dt.date(1989, 10, 30), "The index has risen 12% since year-end.", "year-end", "1988"),
    (dt.date(1989, 10, 30), "The deal should close by year-end.", "year-end", "1989"),
    # the first two quarters of a year are its first half; "at least" is not part of the date
    (dt.date(1989, 10, 26), "The slump will last through at least the first two quarters of 1990.",
     "the first two quarters of 1990", "1990-H1"),
    # "the following week" is the week after the day last stated, or after the publication date's
    (dt.date(2012, 7, 1), "The talks opened on March 3, 2011. The following week, troops moved in.",
     "following week", "2011-W10"),
    (dt.date(2012, 7, 1), "Troops will move in the following week.", "following week", "2012-W27"),
    # without a stated date, "the following year" counts from the publication date
    (dt.date(1989, 10, 26), "Sales will recover the following year.", "following year", "1990"),
    # a past clause that places its event in the coming month's name means last year's month;
    # a deadline in a past clause still lies ahead
    (dt.date(2014, 2, 10), "The strike began in March, union leaders said.", "March", "2013-03"),
    (dt.date(2014, 2, 10), "Bread prices have climbed since March.", "March", "2013-03"),
    (dt.date(2014, 2, 10), "The truce was extended to March.", "March", "2014-03"),
    # ... and so does a month that hangs on a noun (a visit, a summit) rather than the past verb
    (dt.date(2014, 2, 10), "Aides confirmed the minister's visit in March.", "March", "2014-03"),
    (dt.date(2014, 2, 10), "The ministers will meet in March.", "March", "2014-03"),
    # a page stamp with a two-digit year: day, month, year, clock
    (dt.date(2014, 2, 9), "09 February 14 18:05 GMT\nTroops crossed the river at dawn.", "09 February 14 18:05 GMT",
     "2014-02-09T18:05"),
])
def test_resolution_against_other_reference_dates(nlp, reference, sentence, phrase, value):
    assert _one(nlp, sentence, phrase, reference).value == value


@pytest.mark.parametrize("reference,text,phrase,value", [
    # the quarter a report is about is the first one it reports in the past tense ...
    (dt.date(1989, 11, 2), "Ralston reported a 47% decline in fourth-quarter earnings. It earned $45 million, "
     "compared with $84 million a year earlier.", "a year earlier", "1988-Q4"),
    # ... not one still ahead ("a fourth-quarter charge" to come); "the latest quarter" has ended
    (dt.date(1989, 11, 2), "Third-quarter profit rose 11%. The sale will result in a fourth-quarter charge. "
     "Profit fell in the latest quarter, from $6 million a year ago.", "a year ago", "1988-Q3"),
    (dt.date(1989, 11, 2), "The sale will result in a fourth-quarter charge. Profit fell in the latest quarter.",
     "the latest quarter", "1989-Q3"),
    # a quarter named by its closing date is the calendar quarter holding most of its months
    (dt.date(1989, 10, 26), "For the quarter ended Sept. 30, Delta posted net income of $133 million.",
     "the quarter", "1989-Q3"),
    (dt.date(1989, 10, 30), "In the quarter ended July 31, Jayark had sales of $5 million.", "the quarter",
     "1989-Q2"),
    # a quarter that "ended" on a day not yet reached closed a year before
    (dt.date(1989, 10, 27), "In the comparable year-ago quarter, the second quarter ended Oct. 31, it lost money.",
     "the second quarter", "1988-Q2"),
    # "that quarter" is the one last named
    (dt.date(1989, 10, 27), "In the second quarter ended Oct. 31, it lost money. Results for that quarter "
     "included a write-down.", "that quarter", "1988-Q2"),
    # the same quarter a year before, however it is said
    (dt.date(1989, 11, 1), "Profit rose in the third quarter, from $1.8 million for the corresponding period "
     "last year.", "the corresponding period last year", "1988-Q3"),
    (dt.date(1989, 10, 26), "Profit rose in the third quarter. For the quarter a year ago, it earned $16 million.",
     "the quarter a year ago", "1988-Q3"),
    # a figure set against "last year" is that quarter's a year before, as with "a year ago"
    (dt.date(1991, 7, 30), "Second-quarter profit slipped to $8 million from $11 million last year.", "last year",
     "1990-Q2"),
    (dt.date(1991, 7, 30), "Revenue in the second quarter was $4.1 billion, down from last year's $4.4 billion.",
     "last year", "1990-Q2"),
])
def test_financial_quarters(nlp, reference, text, phrase, value):
    mention = _one(nlp, text, phrase, reference)
    assert (mention.value, mention.precision) == (value, "quarter")


@pytest.mark.parametrize("reference,text,phrase,value", [
    # after "the nine months", a year before is last year's nine months: a year, not the quarter
    (dt.date(1989, 11, 2), "Third-quarter net rose 5%, from $10 million a year ago. In the first nine months, net "
     "was $306 million, compared with a loss in the 1988 period.", "the 1988 period", "1988"),
    (dt.date(1989, 10, 27), "Third-quarter net rose 5%. For the nine months, Norton had net of $81 million. In the "
     "year-earlier period, it had net of $77 million.", "the year-earlier period", "1988"),
    (dt.date(1989, 10, 26), "Third-quarter net rose 5%. GM had 45% of the business in the latest nine months, "
     "compared with 40% a year earlier.", "a year earlier", "1988"),
    # ... until a quarter is named again
    (dt.date(1989, 10, 26), "Third-quarter net rose 5%. Net for the nine months rose 8%. In the third quarter, "
     "sales rose from $2 billion a year earlier.", "a year earlier", "1988-Q3"),
    # "the latest period" is still the quarter
    (dt.date(1989, 10, 26), "Third-quarter net rose 5%. Net for the nine months rose 8%. Sales in the latest "
     "period were flat.", "the latest period", "1989-Q3"),
    # "last year" with no figure set against it is the year
    (dt.date(1991, 7, 30), "Second-quarter profit slipped 4%. Last year the bank closed nine branches.", "Last year",
     "1990"),
])
def test_year_before_a_period_of_several_quarters(nlp, reference, text, phrase, value):
    assert _one(nlp, text, phrase, reference).value == value


@pytest.mark.parametrize("reference,text,phrase,value", [
    # a retrospective narrating an earlier period: the day lies between the dates stated around it
    (dt.date(2012, 7, 18), "The uprising began in March 2011. The uprising, then a month old, saw its bloodiest day "
     "on 22 April when 72 protesters were killed. In June 2011, the government said 120 police had died.",
     "22 April", "2011-04-22"),
    (dt.date(2012, 7, 18), "Protests began in March 2011. On April 22, security forces killed 72 protesters. "
     "By June 2011 the unrest had spread.", "April 22", "2011-04-22"),
    # ... and each day of the narrative follows the one before it
    (dt.date(2012, 7, 18), "Protests began in March 2011. On 22 April, 72 protesters were killed. On 3 May, "
     "troops entered the city. In June 2011, the army moved north.", "3 May", "2011-05-03"),
    # the first such day after the one stated before, even when that is in the next year
    (dt.date(2013, 6, 1), "Soldiers were killed on 19 December 2011. The shelling of the city began on 3 February. "
     "The council backed the plan on 21 March 2012.", "3 February", "2012-02-03"),
    # an ordinary report of its last weeks: the publication date decides
    (dt.date(2012, 5, 3), "Protests began in March 2011. On 22 April, troops killed 72 people, the worst day since "
     "June 2011.", "22 April", "2012-04-22"),
    # the date stated before is in the same year as the publication reading
    (dt.date(2012, 7, 18), "The council backed the plan on 21 March 2012. On 22 April, observers arrived. "
     "In June 2012 they suspended their work.", "22 April", "2012-04-22"),
    # a bare year is background, not a narrative's time
    (dt.date(2012, 7, 18), "Mr Assad has ruled since 2000. On 22 April, observers arrived in the city, where fighting "
     "had raged since June 2011.", "22 April", "2012-04-22"),
    # the text is back in the present after the day, or says nothing after it
    (dt.date(2012, 8, 15), "It was the worst attack since the uprising began in March 2011. Residents say that after "
     "a protest on 25 May, the army began a bombardment. Four hostages were taken in May, reports say.",
     "25 May", "2012-05-25"),
    (dt.date(2012, 7, 18), "The uprising began in March 2011. A ceasefire started on 12 April.", "12 April",
     "2012-04-12"),
    # the date stated after the day comes later than the publication reading: nothing moved
    (dt.date(2012, 7, 18), "Protests began in March 2011. On 22 April, observers arrived; by 30 May 2012 they "
     "numbered 300.", "22 April", "2012-04-22"),
    # a month without a year in such a passage is the narrated one too ...
    (dt.date(2012, 7, 18), "Fighting began in March 2010. In May, rebels seized the port. In September 2010 they "
     "lost it.", "May", "2010-05"),
    (dt.date(2012, 10, 18), "Fighting began in March 2010. In May, rebels seized the port. In June they lost it. "
     "By January 2011 the front had settled.", "June", "2010-06"),
    # ... not when nothing stated after it confirms the move
    (dt.date(2012, 7, 18), "Fighting began in March 2010. In May, rebels seized the port.", "May", "2012-05"),
])
def test_day_without_year_in_a_narrative_of_an_earlier_period(nlp, reference, text, phrase, value):
    assert _one(nlp, text, phrase, reference).value == value


# Days of one month as one expression: (reference, sentence, phrase, value, first day, last day).
@pytest.mark.parametrize("reference,sentence,phrase,value,first,last", [
    (dt.date(2012, 7, 18), "Troops besieged the town on 3-6 June 2011.", "3-6 June 2011",
     "2011-06-03/2011-06-06", dt.date(2011, 6, 3), dt.date(2011, 6, 6)),
    (dt.date(2012, 7, 18), "Soldiers defected on 19-20 December 2011.", "19-20 December 2011",
     "2011-12-19/2011-12-20", dt.date(2011, 12, 19), dt.date(2011, 12, 20)),
    (dt.date(2012, 7, 18), "Monitors visited the city on 3\u20136 June.", "3\u20136 June",
     "2012-06-03/2012-06-06", dt.date(2012, 6, 3), dt.date(2012, 6, 6)),
    (dt.date(2012, 7, 18), "The summit ran June 3-6, 2011.", "June 3-6, 2011",
     "2011-06-03/2011-06-06", dt.date(2011, 6, 3), dt.date(2011, 6, 6)),
    (dt.date(2012, 7, 18), "The summit ran June 3 - 6 , 2011 .", "June 3 - 6 , 2011",
     "2011-06-03/2011-06-06", dt.date(2011, 6, 3), dt.date(2011, 6, 6)),
    # "between" is the signal, not part of the expression
    (dt.date(2012, 7, 18), "Shelling killed dozens between 3 and 6 June.", "3 and 6 June",
     "2012-06-03/2012-06-06", dt.date(2012, 6, 3), dt.date(2012, 6, 6)),
    (dt.date(2012, 7, 18), "Between June 3 and 6, 2011, the army moved in.", "June 3 and 6, 2011",
     "2011-06-03/2011-06-06", dt.date(2011, 6, 3), dt.date(2011, 6, 6)),
    (dt.date(2016, 3, 27), "Talks will run from 3 to 6 April.", "3 to 6 April",
     "2016-04-03/2016-04-06", dt.date(2016, 4, 3), dt.date(2016, 4, 6)),
    (dt.date(2016, 3, 27), "The fair runs Sept. 9-12.", "Sept. 9-12",
     "2016-09-09/2016-09-12", dt.date(2016, 9, 9), dt.date(2016, 9, 12)),
    # a range without a year in a narrative of an earlier period takes that period's year
    (dt.date(2012, 7, 18), "Protests began in March 2011. Between 3 and 6 April, troops besieged the town. "
     "In June 2011, the army moved north.", "3 and 6 April", "2011-04-03/2011-04-06",
     dt.date(2011, 4, 3), dt.date(2011, 4, 6)),
    # a comma set off by spaces, as pre-tokenised text has it
    (dt.date(2012, 7, 18), "He arrived on April 6 , 2011 .", "April 6 , 2011", "2011-04-06",
     dt.date(2011, 4, 6), dt.date(2011, 4, 6)),
    (dt.date(2012, 7, 18), "He arrived on Wednesday , April 6 , 2011 .", "Wednesday , April 6 , 2011", "2011-04-06",
     dt.date(2011, 4, 6), dt.date(2011, 4, 6)),
    (dt.date(2012, 7, 18), "The vote was held in April , 2011 .", "April , 2011", "2011-04",
     dt.date(2011, 4, 1), dt.date(2011, 4, 30)),
])
def test_day_ranges_and_spaced_commas(nlp, reference, sentence, phrase, value, first, last):
    mention = _one(nlp, sentence, phrase, reference)
    assert (mention.type, mention.value, mention.precision, mention.date_start, mention.date_end) == \
        ("DATE", value, "month" if len(value) == len("2011-04") else "day", first, last)


# What a range or a spaced comma must not turn into: (sentence, the mentions' texts and values).
@pytest.mark.parametrize("sentence,expected", [
    ("They sealed a 3-6 win at home.", []),  # a score without a month
    ("Output rose in 2014-2015 and in the 1990s.", [("1990s", "199")]),
    ("The match ended 3-6 in June.", [("June", "2015-06")]),
    # two days, not a range: TIMEX3 tags each ("April 24 and [25]" in TimeBank)
    ("Fighters met on 3 and 6 June.", [("3", "2015-06-03"), ("6 June", "2015-06-06")]),
    ("It happened 6-3 June.", [("3 June", "2015-06-03")]),  # no range runs backwards
    # two full dates stay two expressions, as TimeML annotates them
    ("Prices fell from Aug. 26 to Oct. 20.", [("Aug. 26", "2015-08-26"), ("Oct. 20", "2015-10-20")]),
    ("Talks were set for 30-31 February.", [("February", "2016-02")]),
    ("Between 3 and 6 people died in June.", [("June", "2015-06")]),
    ("Children aged 5 to 10 may be vaccinated.", []),  # the modal, not the month
    ("Groups of 2-3 march on the capital.", []),
    ("Prices rose in June 2014-2015.", [("June 2014", "2014-06")]),
    ("The score was 2011-3-6 June.", [("6 June", "2015-06-06")]),
    ("In April , 2,000 people fled.", [("April", "2015-04")]),  # fled: the April before
])
def test_what_ranges_and_spaced_commas_leave_alone(nlp, sentence, expected):
    assert [(m.text, m.value) for m in _find(nlp, sentence)] == expected


@pytest.mark.parametrize("sentence,not_a_date", [
    ("Isis murdered 82-year-old Khaled al-Asaad.", "82-year-old"),
    ("Though he is well into his fifties, he signed up.", "fifties"),
    ("ISIL may try to plant IEDs before they leave.", "may"),
    ("May God protect them, he said.", "May"),
    ("The jets hit 158 targets and 400 fighters died.", "158"),
    ("About 2000 people fled the town.", "2000"),
    ("Some 1500 soldiers were deployed.", "1500"),
    ("The temples were nearly 2 millennia old.", "2 millennia"),
    ("The deal was worth $2016 million.", "2016"),
    ("See http://www.example.com/world/2016/mar/27/story-2016 for more.", "2016"),
    ("The winner ran the course in 2:03:59.", "2:03"),
    ("The fall of Palmyra raised global concern.", "fall"),
    ("The annual March for Life drew crowds.", "March"),
    ("He won a second term.", "a second"),
    ("The party daily Pravda printed the speech in full.", "daily"),
    ('Baker said on ABC\'s "This Week" that talks would go on.', "This Week"),
    ("Marches caused riots for the past three summers.", "the past"),
    ("The quarter-to-quarter comparison was enhanced by charges.", "quarter"),
    ("Sales rose 5% on a year-to-year basis.", "year"),
    # the dates that follow say which night
    ("Nine people died overnight between 28 and 29 May.", "overnight"),
])
def test_not_dates(nlp, sentence, not_a_date):
    assert [m for m in _find(nlp, sentence) if not_a_date in m.text] == []


def test_embedded_json_and_urls_yield_nothing(nlp):
    text = ('string(1930) "[{"id":"1802600","sort":"3519557","pic":"/2016/03/27/a_4x3.mp4",'
            '"title":"Army Liberates 110 sq/km in 2 Days"} ,{"id":"1802527","pic":"/2016/03/26/b.jpg"}]"')
    assert _find(nlp, text) == []


def test_without_reference_date_only_absolute_dates_resolve(nlp):
    mentions = {m.text: m for m in _find(nlp, "The city fell last May and was retaken on 27 March 2016.",
                                         reference=None)}
    assert mentions["last May"].value == "" and mentions["last May"].date_start is None
    assert mentions["27 March 2016"].value == "2016-03-27"
    assert mentions["27 March 2016"].anchor == "absolute"


def test_anchor_is_copied_for_relative_expressions(nlp):
    mentions = {m.text: m for m in _find(nlp, "It fell last May, not in May 2014.", anchor="inferred")}
    assert mentions["last May"].anchor == "inferred"
    assert mentions["May 2014"].anchor == "absolute"


def test_intervals(nlp):
    mentions = {m.text: m for m in _find(nlp, "It fell last May. This weekend marked the advance. "
                                              "The town emptied in the 1990s. Gains came in 2014-SU.")}
    assert (mentions["last May"].date_start, mentions["last May"].date_end) == (dt.date(2015, 5, 1),
                                                                                dt.date(2015, 5, 31))
    assert (mentions["This weekend"].date_start, mentions["This weekend"].date_end) == (dt.date(2016, 3, 26),
                                                                                        dt.date(2016, 3, 27))
    assert (mentions["1990s"].date_start, mentions["1990s"].date_end) == (dt.date(1990, 1, 1),
                                                                          dt.date(1999, 12, 31))


@pytest.mark.parametrize("value,type_,precision,start,end", [
    ("2016-03-27", "DATE", "day", dt.date(2016, 3, 27), dt.date(2016, 3, 27)),
    ("2016-03-27T11:55:38", "TIME", "time", dt.date(2016, 3, 27), dt.date(2016, 3, 27)),
    ("2016-W12", "DATE", "week", dt.date(2016, 3, 21), dt.date(2016, 3, 27)),
    ("2015-02", "DATE", "month", dt.date(2015, 2, 1), dt.date(2015, 2, 28)),
    ("2014-WI", "DATE", "season", dt.date(2014, 12, 1), dt.date(2015, 2, 28)),
    ("2015-Q4", "DATE", "quarter", dt.date(2015, 10, 1), dt.date(2015, 12, 31)),
    ("2015", "DATE", "year", dt.date(2015, 1, 1), dt.date(2015, 12, 31)),
    ("18", "DATE", "century", dt.date(1800, 1, 1), dt.date(1899, 12, 31)),
    ("199", "DATE", "decade", dt.date(1990, 1, 1), dt.date(1999, 12, 31)),
    ("199X", "DATE", "decade", dt.date(1990, 1, 1), dt.date(1999, 12, 31)),  # as stores written before read
    ("18XX", "DATE", "century", dt.date(1800, 1, 1), dt.date(1899, 12, 31)),
    ("2016-03-27TMO", "TIME", "day", dt.date(2016, 3, 27), dt.date(2016, 3, 27)),
    ("2011-06-03/2011-06-06", "DATE", "day", dt.date(2011, 6, 3), dt.date(2011, 6, 6)),  # a span of days
    ("P10M", "DURATION", "none", None, None),
    ("PAST_REF", "DATE", "none", None, None),
])
def test_interval_of_values(value, type_, precision, start, end):
    assert interval(value, type_, SUNDAY) == (precision, start, end)


@pytest.mark.parametrize("text,value", [
    ("ten", 10.0), ("twenty-four", 24.0), ("twenty four", 24.0), ("1,800", 1800.0), ("a", 1.0),
    ("one and a half", 1.5), ("5 1/2", 5.5), ("several", "X"), ("two hundred", 200.0), ("banana", None),
])
def test_number_words(text, value):
    assert number_value(text) == value


def test_reference_candidates_are_stated_days_latest_first(nlp):
    mentions = _find(nlp, "The truce began on February 27, 2016. Fighting resumed on 3 March 2016 and "
                          "last May. The offensive started in 2015.")
    assert reference_candidates(mentions) == [dt.date(2016, 3, 3), dt.date(2016, 2, 27)]


# ---------------------------------------------------------------------------------------------
# The seed articles: every temporal expression, read by hand (tests/gold/seed_timexes.csv)
def _gold_rows(gold_dir):
    with open(gold_dir / "seed_timexes.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _offset(text, phrase, occurrence):
    matches = list(re.finditer(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text))
    assert len(matches) >= occurrence, f"{phrase!r} occurs {len(matches)} times, gold says #{occurrence}"
    return matches[occurrence - 1].start()


def test_seed_gold_exactly(nlp, seed_dir):
    rows = _gold_rows(Path(__file__).resolve().parent / "gold")
    assert len(rows) >= 50
    for article in sorted({r["article"] for r in rows}):
        text = (seed_dir / article).read_text(encoding="utf-8")
        expected = {}
        for r in (r for r in rows if r["article"] == article):
            start = _offset(text, r["text"], int(r["occurrence"]))
            expected[(start, start + len(r["text"]))] = (r["type"], r["value"], r["precision"],
                                                         r["approx"] == "true", r["mod"])
        got = {(m.start, m.end): (m.type, m.value, m.precision, m.approx, m.mod)
               for m in tag(nlp(text), SUNDAY)}
        missing = {text[s:e]: v for (s, e), v in expected.items() if got.get((s, e)) != v}
        extra = {text[s:e]: v for (s, e), v in got.items() if (s, e) not in expected}
        assert not missing and not extra, f"{article}: wrong/missing {missing}, extra {extra}"


# ---------------------------------------------------------------------------------------------
# Properties: never raises, spans inside the text, sorted and non-overlapping
_DATEISH = st.sampled_from([
    "last May", "Sunday", "on Saturday morning", "2016-03-27", "27/03/2016", "the 1990s", "10 months",
    "nearly two years ago", "Q3", "mid-2014", "this weekend", "82-year-old", "may", "1,800 years",
    "11:55:38", "Sun Mar 27, 2016", "the third quarter", "a year ago", "{\"id\":\"1\"}", "http://x.y/2016/03/27",
    "5 1/2 hours", "Christmas", "nineteen ninety-six", "every Monday", "the night", "'s", "-", "\n", " ",
    "next week", "10 days ago", "last Tuesday", "Dec. 31", "Feb. 29", "the weekend", "tomorrow", "Thanksgiving", "3-6 June", "June 3-6 , 2011", "between 30 and 31",
])


class _Errors(logging.Handler):
    """Collects what tag() logged: it never raises, but a logged exception is still a bug."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def logged_errors():
    handler = _Errors()
    logger = logging.getLogger("etl.timex")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


def _check(mentions, text):
    previous_end = 0
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.start >= previous_end
        previous_end = m.end


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200), reference=st.one_of(st.none(), st.dates()))
def test_any_unicode_never_raises(nlp, logged_errors, text, reference):
    _check(tag(nlp(text), reference), text)
    assert not logged_errors, logged_errors[0].getMessage()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.one_of(_DATEISH, st.text(max_size=8)), max_size=25),
       reference=st.one_of(st.none(), st.dates()))
def test_date_like_text_never_raises(nlp, logged_errors, parts, reference):
    text = " ".join(parts)
    _check(tag(nlp(text), reference), text)
    assert not logged_errors, logged_errors[0].getMessage()


# Classes TimeBank's annotators tag and the TimeML 1.2.1 guidelines call temporal expressions:
# (publication date, sentence, phrase, type, value).
@pytest.mark.parametrize("reference,sentence,phrase,type_,value", [
    # each of two days joined by "and" is its own expression
    (dt.date(1999, 2, 10), "The summit meets on April 24 and 25.", "25", "DATE", "1999-04-25"),
    (dt.date(1999, 2, 10), "The summit meets on April 24 and 25.", "April 24", "DATE", "1999-04-24"),
    (dt.date(2015, 7, 1), "Talks were held on 3 and 4 June.", "3", "DATE", "2015-06-03"),
    # a day spelt out as a speaker says it, with the weekday before it
    (dt.date(2021, 6, 2), "The rally is this coming Sunday, June sixth.", "this coming Sunday, June sixth",
     "DATE", "2021-06-06"),
    (dt.date(2011, 5, 2), "The vote is set for June twenty-first.", "June twenty-first", "DATE", "2011-06-21"),
    # "March" before "for" is the month when a preposition of time leads it, and before a noun it modifies
    (dt.date(2019, 10, 7), "The minister resigned in March for family reasons.", "March", "DATE", "2019-03"),
    (dt.date(1999, 2, 10), "The March accession lets them join.", "March", "DATE", "1999-03"),
    # durations with a kind of day between number and unit, an added unit, "-long" without a number
    (dt.date(2020, 6, 1), "Five trading days after May 4, the shares fell.", "Five trading days", "DURATION", "P5D"),
    (dt.date(1989, 11, 2), "The loan may be extended for an additional year.", "an additional year", "DURATION", "P1Y"),
    (dt.date(2000, 4, 3), "They left their third day-long meeting.", "day-long", "DURATION", "P1D"),
    (dt.date(1989, 10, 26), "Net for the year-earlier nine months included a gain.", "the year-earlier nine months",
     "DURATION", "P9M"),
    # stretches of unstated length
    (dt.date(2000, 4, 1), "In the years that followed, the guerrillas waged war.", "the years", "DURATION", "PXY"),
    (dt.date(1998, 3, 31), "Over the years many more patients were saved.", "the years", "DURATION", "PXY"),
    (dt.date(1989, 10, 26), "The business is growing for the first time in years.", "years", "DURATION", "PXY"),
    (dt.date(2016, 3, 27), "It was the first rain in months, farmers said.", "months", "DURATION", "PXM"),
    # a year as a boundary
    (dt.date(2015, 5, 4), "Post-1991 borders divided the valley.", "Post-1991", "DATE", "1991"),
    # an apposition naming the date just stated
    (dt.date(2020, 6, 1), "Five trading days after May 4, the day before the vote, the shares fell.", "the day",
     "DATE", "2020-05-04"),
    (dt.date(2016, 3, 27), "The army entered the town on Saturday, the day after the truce collapsed.", "the day",
     "DATE", "2016-03-26"),
    # the day of writing counted in a campaign
    (dt.date(2017, 7, 12), "In the north, today is the fifth day of the siege.", "the fifth day", "DATE",
     "2017-07-12"),
    (dt.date(1998, 3, 6), "It's the second day of an offensive by the security forces.", "the second day", "DATE",
     "1998-03-06"),
    # movable holidays
    (dt.date(2000, 4, 17), "Protesters prayed as Easter week began.", "Easter week", "DATE", "2000-W16"),
    (dt.date(2016, 4, 1), "Fighters entered the town on Easter Sunday.", "Easter Sunday", "DATE", "2016-03-27"),
    (dt.date(2019, 5, 1), "Bombs hit churches on Easter 2019.", "Easter 2019", "DATE", "2019-04-21"),
    (dt.date(2016, 4, 1), "The offensive began on Good Friday.", "Good Friday", "DATE", "2016-03-25"),
    (dt.date(1998, 10, 26), "It will be a theme of our campaign from now to Election Day.", "Election Day", "DATE",
     "1998-11-03"),
])
def test_timeml_classes(nlp, reference, sentence, phrase, type_, value):
    mention = _one(nlp, sentence, phrase, reference)
    assert (mention.type, mention.value) == (type_, value)


# What TimeML does not tag, though a rule could read time into it: (sentence, phrase that must be absent).
@pytest.mark.parametrize("sentence,phrase", [
    ("The chip runs at 15 million instructions per second.", "per second"),  # a speed
    ("Police arrested him in the early hours of Thursday morning.", "hours"),  # part of the date, no duration
    ("Fighting broke out on April 24 and 25 people died.", "25"),  # a count after the day
    ("Thousands joined the March.", "March"),  # a march
    ("He spoke of reform, the day after the vote.", "the day"),  # no date stated before it
    ("The fall of the city shocked everyone.", "fall"),  # a collapse, not the season
    ("The minister told USA Today that talks had stalled.", "Today"),  # a name
    ("Listeners of the Radio Free Asia Today programme called in.", "Today"),  # a name
])
def test_timeml_non_markables(nlp, sentence, phrase):
    assert phrase not in [m.text for m in _find(nlp, sentence)]


# "N units later" after a narrated date: TIMEX3 types "six days" a DURATION (anchored; "later" is its
# signal), and the mention denotes the day it leads to, counted from the date last stated.
@pytest.mark.parametrize("reference,text,phrase,value,precision,first,last", [
    (dt.date(2012, 4, 2), "On 21 March 2012 Annan presented the plan. The Syrian government accepted the plan six days later.",
     "six days", "P6D", "day", dt.date(2012, 3, 27), dt.date(2012, 3, 27)),
    # weeks later name a week (Monday to Sunday), not the fourteenth day
    (dt.date(2012, 4, 2), "Talks opened on 21 March 2012. Two weeks later they collapsed.",
     "Two weeks", "P2W", "week", dt.date(2012, 4, 2), dt.date(2012, 4, 8)),
    (dt.date(2016, 3, 27), "Rebels took the town on Sunday. A day before that, they shelled it.",
     "A day", "P1D", "day", dt.date(2016, 3, 26), dt.date(2016, 3, 26)),
    # no date stated before it, and a duration proper: no day
    (dt.date(2012, 4, 2), "The government accepted the plan six days later.", "six days", "P6D", "duration", None, None),
    (dt.date(2012, 4, 2), "On 21 March 2012 the siege began. It lasted for six days.", "six days", "P6D", "duration",
     None, None),
])
def test_duration_later_denotes_the_day_it_leads_to(nlp, reference, text, phrase, value, precision, first, last):
    mention = _one(nlp, text, phrase, reference)
    assert (mention.type, mention.value, mention.date_start, mention.date_end) == ("DURATION", value, first, last)
    assert first is None or mention.precision == precision
