"""Event mentions from single sentences, with hand-built date and place mentions.

Each case gives the sentence(s), the dates and places the other stages would find (as
substring -> value), and what the parse must make of them.
"""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import actors, events
from etl.records import Article, Place, PlaceMention, TimeMention

PUBLISHED = dt.date(2016, 3, 27)  # a Sunday

PLACES = {
    "Palmyra": Place("geonames:170418", "Palmyra", 34.56, 38.28, "city", "SY", "13", 51323, "geonames"),
    "Sukhnah": Place("geonames:163137", "As Sukhnah", 34.88, 38.87, "city", "SY", "13", 16000, "geonames"),
    "Raqqa": Place("geonames:163915", "Ar Raqqah", 35.95, 39.01, "city", "SY", "04", 177000, "geonames"),
    "Deir ez-Zor": Place("geonames:170794", "Deir ez-Zor", 35.34, 40.14, "city", "SY", "05", 242000, "geonames"),
    "Syria": Place("country:SY", "Syria", 35.0, 38.0, "country", "SY", "", 0, "countryinfo"),
    "Russian": Place("country:RU", "Russia", 60.0, 100.0, "country", "RU", "", 0, "countryinfo"),
}

DATES = {  # text -> (value, precision, start, end)
    "last May": ("2015-05", "month", dt.date(2015, 5, 1), dt.date(2015, 5, 31)),
    "in May": ("2015-05", "month", dt.date(2015, 5, 1), dt.date(2015, 5, 31)),
    "on Sunday": ("2016-03-27", "day", PUBLISHED, PUBLISHED),
    "Sunday morning": ("2016-03-27TMO", "day", PUBLISHED, PUBLISHED),
    "on Saturday": ("2016-03-26", "day", dt.date(2016, 3, 26), dt.date(2016, 3, 26)),
    "Saturday": ("2016-03-26", "day", dt.date(2016, 3, 26), dt.date(2016, 3, 26)),
    "Sunday": ("2016-03-27", "day", PUBLISHED, PUBLISHED),
    "in August": ("2015-08", "month", dt.date(2015, 8, 1), dt.date(2015, 8, 31)),
    "on February 27": ("2016-02-27", "day", dt.date(2016, 2, 27), dt.date(2016, 2, 27)),
    "Friday": ("2016-03-25", "day", dt.date(2016, 3, 25), dt.date(2016, 3, 25)),
    "midday": ("2016-03-27T12:00", "time", PUBLISHED, PUBLISHED),
    "12 November": ("2015-11-12", "day", dt.date(2015, 11, 12), dt.date(2015, 11, 12)),
    "14 November": ("2015-11-14", "day", dt.date(2015, 11, 14), dt.date(2015, 11, 14)),
    "10 May": ("2015-05-10", "day", dt.date(2015, 5, 10), dt.date(2015, 5, 10)),
    "17 May": ("2015-05-17", "day", dt.date(2015, 5, 17), dt.date(2015, 5, 17)),
}


def _article(text: str) -> Article:
    return Article("a1", "Test", "", "", PUBLISHED, "", "manifest", "en", text, "test.txt", "x")


def _mentions(text: str):
    timexes = []
    for phrase, (value, precision, start, end) in sorted(DATES.items(), key=lambda kv: -len(kv[0])):
        at = text.find(phrase)
        if at >= 0 and not any(t.start < at + len(phrase) and at < t.end for t in timexes):
            timexes.append(TimeMention(at, at + len(phrase), phrase, "DATE", value, precision, start, end))
    places = []
    for name, place in PLACES.items():
        at = text.find(name)
        while at >= 0:
            method = "demonym" if name == "Russian" else "gazetteer"
            places.append(PlaceMention(at, at + len(name), name, place, 1, 1.0, method))
            at = text.find(name, at + 1)
    return timexes, places


def extract(nlp, text: str):
    timexes, places = _mentions(text)
    return events.extract(nlp(text), _article(text), timexes, places)


def one(found, sub_type: str):
    matching = [m for m in found if m.sub_event_type == sub_type]
    assert len(matching) == 1, [(m.sub_event_type, m.trigger) for m in found]
    return matching[0]


# (case, text, sub-event type, actor1, actor2, date value or None, {role: [place names]})
CASES = [
    ("passive 'fell to': the place is the subject, the actor the object of 'to'",
     "The historic city of Palmyra fell to ISIS last May.",
     "Non-state actor overtakes territory", "ISIS", "", "2015-05", {"location": ["Palmyra"]}),
    ("passive with a by-agent",
     "Palmyra was recaptured by the Syrian army on Sunday.",
     "Government regains territory", "Syrian government forces", "", "2016-03-27", {"location": ["Palmyra"]}),
    ("object of capture through 'the city of X'; the other side from 'from'",
     "Assad's troops recaptured the ancient city of Palmyra from the Islamic State on Saturday.",
     "Government regains territory", "Syrian government forces", "ISIS", "2016-03-26", {"location": ["Palmyra"]}),
    ("three destinations from one coordinated phrase, date from the parse",
     "Isis fighters pulled out on Sunday morning, retreating to the towns of Sukhnah, Raqqa and Deir ez-Zor to the east.",
     "Retreat", "ISIS", "", "2016-03-27TMO", {"destination": ["Sukhnah", "Raqqa", "Deir ez-Zor"]}),
    ("origin from 'pulled out of'",
     "ISIS militants pulled out of Palmyra on Sunday.",
     "Retreat", "ISIS", "", "2016-03-27", {"origin": ["Palmyra"]}),
    ("drive X from Y: the driver takes the place",
     "Isis drove Syrian government forces from Palmyra in a matter of days last May.",
     "Non-state actor overtakes territory", "ISIS", "Syrian government forces", "2015-05", {"location": ["Palmyra"]}),
    ("a date attached by a relative clause to a nominal trigger",
     "The groups were excluded from a ceasefire that began on February 27.",
     "Agreement", "", "", "2016-02-27", {}),
    ("demonyms are not places; they name the actor",
     "Russian jets bombed the town of Palmyra on Saturday.",
     "Air/drone strike", "Russian forces", "", "2016-03-26", {"target": ["Palmyra"]}),
    ("a phrase trigger: kick off + assault",
     "The Syrian army kicked off an assault on Palmyra in May.",
     "Offensive launched", "Syrian government forces", "", "2015-05", {}),
]


@pytest.mark.parametrize("case,text,sub_type,actor1,actor2,date_value,roles", CASES, ids=[c[0] for c in CASES])
def test_sentence_events(nlp, case, text, sub_type, actor1, actor2, date_value, roles):
    mention = one(extract(nlp, text), sub_type)
    assert (mention.actor1, mention.actor2) == (actor1, actor2)
    assert mention.date_value == (date_value or "")
    for role, names in roles.items():
        assert [p.place_id for p in mention.places if p.role == role] == [PLACES[n].place_id for n in names]
    assert text[mention.trigger_start:mention.trigger_end] in mention.trigger.split()[0] + mention.trigger
    assert mention.sentence in text


def test_a_modal_offensive_is_not_launched_but_the_presupposed_capture_is_told(nlp):
    found = extract(nlp, "By recapturing Palmyra, the army would be able to launch the necessary offensive against IS in Raqqa.")
    assert [m.sub_event_type for m in found] == ["Government regains territory"]


NOT_EVENTS = [
    ("negated", "The army did not recapture Palmyra on Sunday."),
    ("future", "The army will recapture Palmyra in May."),
    ("vowed", "He vowed that the army will retake Palmyra and rebuild the temples."),
    ("conditional", "If the army recaptures Palmyra, the group will retreat to Raqqa."),
    ("question", "Will the army recapture Palmyra on Sunday?"),
    ("idiom, not a capture", "Most of the fighting took place in Palmyra."),
    ("unarmed, not a capture", "On Friday, twenty demonstrators entered the town hall in Palmyra."),
    ("unarmed observers, not a capture", "UN observers entered Palmyra on Sunday."),
    ("nothing taken: a protest", "Thousands of people took to the streets in Palmyra on Sunday."),
    ("nothing taken: a take-off", "The Syrian jet took off from Palmyra on Sunday."),
]


@pytest.mark.parametrize("case,text", NOT_EVENTS, ids=[c[0] for c in NOT_EVENTS])
def test_not_events(nlp, case, text):
    assert [(m.sub_event_type, m.trigger) for m in extract(nlp, text)] == []


def test_armed_forces_entering_a_town_take_it(nlp):
    found = extract(nlp, "Syrian troops entered Palmyra on Sunday.")
    assert [(m.sub_event_type, m.date_value) for m in found] == [("Government regains territory", "2016-03-27")]


def test_purpose_clause_is_not_an_event_but_the_launch_is(nlp):
    found = extract(nlp, "The Syrian army kicked off an assault in May to take Palmyra back.")
    assert [m.sub_event_type for m in found] == ["Offensive launched"]


def test_purpose_after_an_object_is_not_an_event_and_its_date_goes_to_the_launch(nlp):
    found = extract(nlp, "Government forces began their offensive to retake Palmyra in May.")
    assert [(m.sub_event_type, m.date_value) for m in found] == [("Offensive launched", "2015-05")]


@pytest.mark.parametrize("text", [
    "More than 400 people have been killed in Palmyra since Saturday.",
    "Activists say 7,000 people have been killed in Palmyra since protests began in May.",
    "ISIS fighters were supposed to have pulled out of Palmyra by Sunday.",
    "Activists said 90 people had died in Palmyra in the 24 hours since midday on Friday.",
], ids=["since a day", "since a clause", "by a deadline", "the day of a bound's time"])
def test_a_date_that_bounds_a_period_does_not_date_the_event(nlp, text):
    found = extract(nlp, text)
    assert found and [m.date_text for m in found] == [""] * len(found)  # at most the lead's publication date


@pytest.mark.parametrize("text, sub_type, date_start", [
    # a tally since a start is a stretch of time: neither the start, the report nor the publication dates it
    ("The UN says more than 9,000 people have been killed in Palmyra since the uprising began in May.", "Attack", None),
    ("On Sunday, activists reported that 19,000 people had been killed in Palmyra since March.", "Attack", None),
    ("Troops shelled Palmyra until Sunday morning.", "Shelling/artillery/missile attack", None),
    # the same report of a day's deaths takes the report's date
    ("On Sunday, activists reported that 19 people had been killed in Palmyra.", "Attack", PUBLISHED),
])
def test_an_event_told_over_a_period_takes_no_single_day(nlp, text, sub_type, date_start):
    assert one(extract(nlp, text), sub_type).date_start == date_start


def test_a_by_phrase_that_names_the_agent_bounds_nothing(nlp):
    found = extract(nlp, "More than 50 people were killed in Palmyra by the security forces on Saturday.")
    assert [m.date_value for m in found] == ["2016-03-26"]


def test_a_day_name_inside_a_proper_name_dates_nothing(nlp):
    text = "ISIS overran Palmyra last May. Troops recaptured Palmyra on Saturday. Jets bombed Raqqa on Saturday. " \
           "Marie Colvin of the Sunday Times was killed in Palmyra."
    [killing] = [m for m in extract(nlp, text) if m.sentence.startswith("Marie")]
    assert killing.date_start is None


def test_now_and_current_describe_the_time_of_writing_not_the_event(nlp):
    text = "ISIS overran Palmyra last May. Troops recaptured Palmyra on Saturday. Jets bombed Raqqa on Saturday. " \
           "ISIS fighters have now withdrawn from Palmyra."
    timexes, places = _mentions(text)
    at = text.index("now")
    timexes.append(TimeMention(at, at + 3, "now", "DATE", "PRESENT_REF", "day", PUBLISHED, PUBLISHED))
    [retreat] = [m for m in events.extract(nlp(text), _article(text), timexes, places) if m.sub_event_type == "Retreat"]
    assert retreat.date_start is None


def test_a_present_relative_clause_describes_its_noun_and_is_no_event(nlp):
    found = extract(nlp, "Assad's troops have made gains in Palmyra against ISIS and other groups it is fighting.")
    assert [m.trigger for m in found if m.trigger.startswith("fight")] == []


def test_a_when_clause_after_a_relative_clause_dates_and_places_the_main_verb_only(nlp):
    found = extract(nlp, "Isis blew up many of the city's most revered buildings and murdered 82-year-old Khaled al-Asaad, "
                         "the senior scholar who had preserved and studied the city all his life, when they swept into "
                         "Palmyra last May.")  # the parser hangs "when they swept" on "studied"
    murder = one(found, "Attack")
    assert (murder.date_value, [p.place_id for p in murder.places]) == ("2015-05", [PLACES["Palmyra"].place_id])
    assert one(found, "Destruction of property").date_start is None  # the when-clause is not sure to reach it


@pytest.mark.parametrize("text", [
    "Rights groups condemned Friday's violence, in which scores of protesters were killed in Palmyra.",
    "The uprising saw its bloodiest day on Friday, when 72 protesters were killed by security forces in Palmyra.",
])
def test_a_relative_clause_takes_the_date_of_the_noun_it_describes(nlp, text):
    assert one(extract(nlp, text), "Attack").date_value == "2016-03-25"


@pytest.mark.parametrize("text, expected", [
    # a chronology run together on one line: each clause takes its own entry's date, not the next one
    ("Key dates 12 November : Arab League suspends Syria from the organization 14 November : "
     "Ministers meet in Rabat and agree a plan",
     {"Sanctions or suspension": "2015-11-12"}),
    ("Recent attacks 10 May - Two suicide bombers blow themselves up in Damascus 17 May - Rebels capture Palmyra",
     {"Suicide bomb or explosion": "2015-05-10", "Non-state actor overtakes territory": "2015-05-17"}),
])
def test_a_chronology_entry_dates_the_events_it_lists(nlp, text, expected):
    found = extract(nlp, text)
    assert {sub: one(found, sub).date_value for sub in expected} == expected


def test_an_entry_dates_what_it_reports_not_the_event_its_verb_is_about(nlp):
    found = extract(nlp, "Key dates 12 November : Saudi Arabia condemns crackdown in Palmyra 14 November : Rebels capture Palmyra")
    assert one(found, "Excessive force against protesters").date_start is None  # the condemnation is dated, not the crackdown
    assert one(found, "Non-state actor overtakes territory").date_value == "2015-11-14"


def test_a_date_followed_by_a_clock_time_stamps_a_comment_and_heads_no_entry(nlp):
    def entries(text):
        doc = nlp(text)
        timexes, _ = _mentions(text)
        return [(e.date.text, doc[e.start].text) for e in events._chronology(doc, [(doc.char_span(t.start, t.end), t) for t in timexes])]

    assert entries("12 November - 15:39 The army killed civilians. 14 November - 11:28 Rebels killed civilians.") == []
    assert entries("12 November - The army killed civilians. 14 November - Rebels killed civilians.") == [
        ("12 November", "The"), ("14 November", "Rebels")]
    assert entries("On 12 November - a Sunday - the army killed civilians. 14 November - Rebels killed civilians.") == []


def test_killings_and_attacks_named_by_a_noun_are_events_without_a_stated_victim(nlp):
    found = extract(nlp, "There are conflicting reports about mass killings on Sunday in Palmyra.")
    assert one(found, "Attack").date_value == "2016-03-27"
    attack = one(extract(nlp, "The government denied that it used heavy weapons in its attack on Palmyra."), "Armed clash")
    assert (attack.actor1, attack.place_text) == ("Syrian government forces", "Palmyra")  # "its": the government


@pytest.mark.parametrize("text", [
    "Russian jets bombed Palmyra on Saturday and bombed Raqqa on Sunday.",
    "A car bomb exploded in Palmyra on Saturday and another bomb exploded in Raqqa on Sunday.",
])
def test_two_triggers_of_one_type_with_dates_of_their_own_are_two_events(nlp, text):
    found = extract(nlp, text)
    assert sorted((m.date_value, m.place_text) for m in found) == [("2016-03-26", "Palmyra"), ("2016-03-27", "Raqqa")]


@pytest.mark.parametrize("text, sub_type, date_value, place", [
    ("A ceasefire came into effect in Palmyra on Sunday.", "Agreement", "2016-03-27", "Palmyra"),
    ("Fighting broke out on Saturday.", "Armed clash", "2016-03-26", ""),
    ("The offensive on Palmyra began on Sunday.", "Offensive launched", "2016-03-27", "Palmyra"),
])
def test_a_verb_of_occurrence_dates_and_places_the_event_noun_it_has_as_subject(nlp, text, sub_type, date_value, place):
    mention = one(extract(nlp, text), sub_type)
    assert (mention.date_value, mention.place_text) == (date_value, place)


def test_reported_speech_that_reports_an_event_is_kept_and_flagged(nlp):
    mention = one(extract(nlp, "Activists said that government forces recaptured Palmyra on Saturday."),
                  "Government regains territory")
    assert mention.reported_speech and mention.date_value == "2016-03-26"


def test_date_belongs_to_its_own_clause_not_the_nearest(nlp):
    found = extract(nlp, "ISIL took Palmyra in May and later demolished the temples, officials said on Sunday.")
    assert one(found, "Non-state actor overtakes territory").date_value == "2015-05"
    assert one(found, "Destruction of property").date_start is None  # "later": not in May, not on Sunday


def test_perfect_in_the_lead_takes_the_publication_date_with_less_confidence(nlp):
    lead = "Syrian government forces have recaptured Palmyra."
    mention = one(extract(nlp, lead), "Government regains territory")
    assert (mention.date_start, mention.date_precision, mention.date_text) == (PUBLISHED, "day", "")
    dated = one(extract(nlp, "Syrian government forces recaptured Palmyra on Sunday."), "Government regains territory")
    assert mention.confidence < dated.confidence


def test_perfect_outside_the_lead_stays_undated(nlp):
    text = ("ISIS overran Palmyra last May. The army recaptured Palmyra on Saturday. "
            "Russian jets bombed Palmyra on Saturday. Government forces have recaptured Palmyra.")
    found = [m for m in extract(nlp, text) if m.sentence.startswith("Government forces have")]
    assert len(found) == 1 and found[0].date_start is None


def test_fatalities_belong_to_the_strike_not_a_separate_killing(nlp):
    found = extract(nlp, "Russian jets carried out 40 air sorties near Palmyra on Saturday, hitting 158 targets "
                         "and killing more than 100 militants.")
    assert [m.sub_event_type for m in found] == ["Air/drone strike"]
    assert found[0].fatalities == 100


def test_passive_killing_of_civilians_counts_the_dead(nlp):
    mention = one(extract(nlp, "72 protesters were killed by security forces in Palmyra on Sunday."), "Attack")
    assert mention.fatalities == 72


def test_the_group_resolves_to_the_last_named_armed_group(nlp):
    text = "Islamic State militants stormed Palmyra last May. The group blew up the temples in August."
    assert one(extract(nlp, text), "Destruction of property").actor1 == "ISIS"


def test_the_group_with_no_antecedent_stays_unnamed(nlp):
    assert one(extract(nlp, "The group blew up the temples in Palmyra in August."), "Destruction of property").actor1 == ""


@pytest.mark.parametrize("text", [
    "Whisk two eggs with the sugar, then fold in the flour and bake for 25 minutes at 180C.",
    "Arsenal beat Chelsea 2-1 on Sunday; the winning goal came in the 89th minute.",
    "The committee will meet on Sunday to discuss the budget for next year.",
], ids=["recipe", "sports result", "meeting announcement"])
def test_an_article_without_events_yields_none(nlp, text):
    assert extract(nlp, text) == []


ALIASES = [
    ("ISIS", "ISIS"), ("ISIL", "ISIS"), ("IS fighters", "ISIS"), ("Islamic State", "ISIS"), ("Daesh", "ISIS"),
    ("the Islamic State of Iraq and the Levant", "ISIS"),
    ("the Syrian army", "Syrian government forces"), ("government forces", "Syrian government forces"),
    ("regime forces", "Syrian government forces"), ("Assad's troops", "Syrian government forces"),
    ("Assad’s troops", "Syrian government forces"), ("Syrian troops", "Syrian government forces"),
    ("the army", "Syrian government forces"), ("Syrian armed forces", "Syrian government forces"),
    ("Russian jets", "Russian forces"), ("Iraqi forces", "Iraqi government forces"),
]


@pytest.mark.parametrize("text,canonical", ALIASES)
def test_actor_aliases(text, canonical):
    assert actors.normalise(text, main_country="SY").name == canonical


def test_generic_forces_follow_the_article_country_and_it_is_not_the_group():
    assert actors.normalise("the army", main_country="IQ").name == "Iraqi government forces"
    assert actors.normalise("it is", main_country="SY") is None
    assert actors.normalise("the group") is None  # no antecedent: unresolved, not invented
    assert actors.normalise("the group", recent_non_state="ISIS").name == "ISIS"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
       | st.lists(st.sampled_from(["ISIS", "recaptured", "Palmyra", "on Sunday", "the city", "of", "from",
                                   "to", "and", "not", "would", "killed", "100", ".", "\n", "they", "fell"]),
                  max_size=40).map(" ".join))
def test_extract_never_raises_and_spans_are_in_the_text(nlp, text):
    for mention in extract(nlp, text):
        assert 0 <= mention.trigger_start < mention.trigger_end <= len(text)
        assert text[mention.sentence_start:mention.sentence_end].strip() == mention.sentence
        assert 0.0 < mention.confidence < 1.0


@pytest.mark.parametrize("text, expected", [
    ("On 21 March 2012 the rebels attacked the base. Six days later the rebels attacked the base again.",
     [dt.date(2012, 3, 21), dt.date(2012, 3, 27)]),
    ("The army besieged the town for six days.", [None]),
])
def test_an_anchored_duration_dates_its_event_with_the_day_it_leads_to(nlp, text, expected):
    from etl import timex

    doc = nlp(text)
    found = events.extract(doc, _article(text), timex.tag(doc, PUBLISHED), [])
    assert [m.date_start for m in found] == expected


@pytest.mark.parametrize("text, stated", [
    # a page's time stamp says when it was written: the lead's event falls back to the publication date
    ("27 March 2016 Last updated at 04:27 GMT\n\nSyrian government forces have recaptured Palmyra.", False),
    ("Page last updated at 15:03 GMT, Sunday, 27 March 2016 16:03 UK Syrian government forces have recaptured Palmyra.", False),
    ("27 March 16 22:46 GMT Syrian government forces have recaptured Palmyra.", False),  # a live page's entry
    # a clock time the sentence states dates its event
    ("Syrian government forces recaptured Palmyra at 06:00 (03:00 GMT) on Sunday.", True),
    ("Syrian government forces recaptured Palmyra on Sunday at 22:46 GMT.", True),
    ("Syrian government forces recaptured the town of Palmyra Sunday 06:00 GMT.", True),
])
def test_a_time_stamp_of_the_page_dates_no_event(nlp, text, stated):
    from etl import timex

    doc = nlp(text)
    found = events.extract(doc, _article(text), timex.tag(doc, PUBLISHED), _mentions(text)[1])
    mention = one(found, "Government regains territory")
    assert (bool(mention.date_text), mention.date_start) == (stated, PUBLISHED)
