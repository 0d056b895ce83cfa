"""Recognition and resolution of places in short texts: table-driven, plus a property test."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.geo import get_place, recognise_and_resolve, resolve_spans


def places(nlp, text):
    return recognise_and_resolve(nlp(text))


def mention_of(nlp, text, surface):
    found = [m for m in places(nlp, text) if m.text == surface]
    assert found, f"{surface!r} not recognised in {text!r}: {places(nlp, text)}"
    return found[0]


SYRIA = "Syrian troops advanced in Syria this week. "


@pytest.mark.parametrize("text, surface, place_id", [
    (SYRIA + "Fighters withdrew to Deir ez-Zor.", "Deir ez-Zor", "geonames:170794"),
    (SYRIA + "Fighters withdrew to Deir al-Zor.", "Deir al-Zor", "geonames:170794"),
    (SYRIA + "Fighters withdrew to Deir Ezzor.", "Deir Ezzor", "geonames:170794"),
    (SYRIA + "Fighters withdrew to the city of Deir Azzour.", "Deir Azzour", "geonames:170794"),
    (SYRIA + "Fighters withdrew to Raqqa.", "Raqqa", "geonames:172955"),
    (SYRIA + "Fighters withdrew to the city of Araqqa.", "Araqqa", "geonames:172955"),
])
def test_spelling_variants_are_one_place(nlp, text, surface, place_id):
    assert mention_of(nlp, text, surface).place.place_id == place_id


@pytest.mark.parametrize("text, non_place", [
    (SYRIA + "President Bashar al-Assad said the army would advance. Assad spoke on Sunday.", "Assad"),
    (SYRIA + "Russian President Vladimir Putin ordered a withdrawal. Putin said so.", "Putin"),
    (SYRIA + "ISIL fighters retreated, and ISIS lost ground.", "ISIL"),
    (SYRIA + "SANA reported the news, sources told Al Jazeera and Reuters.", "SANA"),
    (SYRIA + "UNESCO listed the site; the Nusra Front was excluded.", "UNESCO"),
    (SYRIA + "In August IS fighters demolished the temples.", "August"),  # a month (August is also a US town)
    (SYRIA + "Troops advanced on Sunday; by Monday the road was open.", "Monday"),
    ("The fund gave US$ 5 million to clinics in Kenya.", "US"),               # a currency
    ("West Nile virus reached Texas. West Nile has killed two.", "West Nile"),  # a disease
    ("The Marburg virus spread in Angola; Marburg kills most patients.", "Marburg"),
    ("Officials at the FDA and the CDC in Atlanta met on Monday.", "FDA"),   # acronyms
    ("Officials at the FDA and the CDC in Atlanta met on Monday.", "CDC"),
    ("The Health Secretary met the Pope in Rome.", "Secretary"),              # titles
    ("The Health Secretary met the Pope in Rome.", "Pope"),
    ("A jury in Texas found Willie Campbell's act a crime. Campbell, 42, will appeal.",
     "Campbell"),  # a surname after a possessive
    ("Samples were taken from birds in Alabama.", "Samples"),  # a noun opening a sentence
    ("After Hurricane Katrina, cholera was feared in Louisiana.", "Hurricane"),  # a storm
    ("After Hurricane Katrina, cholera was feared in Louisiana.", "Katrina"),
])
def test_people_and_organisations_are_not_places(nlp, text, non_place):
    texts = {m.text for m in places(nlp, text) if m.place is not None}
    assert not any(non_place in t for t in texts), texts


@pytest.mark.parametrize("text, surface", [
    ("The United States flu season began early.", "United States"),  # a country, not a disease
    ("Doctors in Angola fought the Marburg virus.", "Angola"),
    ("The Health Secretary met the Pope in Rome.", "Rome"),
    ("The CDC sent experts to the DRC on Monday.", "DRC"),            # an acronym it knows
    # NER's "Village Malakal" PERSON is no person whose surname blocks the town elsewhere.
    ("The SOS Children's Village Malakal is stable. Flights to Malakal resumed in Sudan.",
     "Malakal"),
    ("The storm hit Hurricane, Utah, on Monday.", "Hurricane"),  # the town, not a storm's name
])
def test_places_beside_other_things_are_kept(nlp, text, surface):
    assert mention_of(nlp, text, surface).place is not None


@pytest.mark.parametrize("text, surface, kind", [
    (SYRIA + "The army advanced in the west-central Homs Province.", "Homs Province", "admin1"),  # the province
    (SYRIA + "Shelling hit the city of Homs on Monday.", "Homs", "city"),                       # the city
    (SYRIA + "Militants control the two provinces of Deir Ezzor and Raqqa.", "Raqqa", "admin1"),
    (SYRIA + "Militants retreated to the towns of Sukhnah, Raqqa and Deir ez-Zor.", "Raqqa", "city"),
])
def test_province_or_city_by_context(nlp, text, surface, kind):
    assert mention_of(nlp, text, surface).place.kind == kind


@pytest.mark.parametrize("text, surface, country", [
    ("Syrian forces pushed east.", "Syrian", "SY"),
    ("They reached the Iraqi border on Monday.", "Iraqi", "IQ"),
    ("Russian jets carried out 40 strikes.", "Russian", "RU"),
])
def test_demonyms_map_to_their_country(nlp, text, surface, country):
    mention = mention_of(nlp, text, surface)
    assert mention.method == "demonym"
    assert mention.place.kind == "country" and mention.place.country_code == country
    assert mention.precision == 4


@pytest.mark.parametrize("text, surface, country", [
    (SYRIA + "The army recaptured the ancient city of Palmyra from ISIL.", "Palmyra", "SY"),
    ("Snow fell across upstate New York. Palmyra, a village near Rochester, closed its schools.",
     "Palmyra", "US"),
    ("Russia said its jets struck targets.", "Russia", "RU"),  # the country, not Russia, Ohio
])
def test_ranking_follows_the_article_context(nlp, text, surface, country):
    assert mention_of(nlp, text, surface).place.country_code == country


@pytest.mark.parametrize("text, surface, country, admin1", [
    # A name qualified by its division or country after a comma.
    ("Peanut butter was made at a plant in Blakely, Georgia, officials said.", "Blakely", "US",
     "Georgia"),
    ("Peanut butter was made at a plant in Blakely, Georgia, officials said.", "Georgia", "US",
     "Georgia"),
    ("Janet Evans of Marion, Ohio, was told by her surgeon.", "Marion", "US", "Ohio"),
    # A town inside a first-level division the article names, over a distant namesake.
    ("Health officials in Ohio warned residents. A clinic in Marion stayed open.", "Marion", "US",
     "Ohio"),
    # US counties (us-atlas), told apart by the state the article names.
    ("An outbreak spread in Indiana. Officials in Scott County opened a clinic.", "Scott County",
     "US", "Indiana"),
    ("Officials in Iowa said Scott County had two cases.", "Scott County", "US", "Iowa"),
    ("Flood water reached St. Bernard Parish in Louisiana.", "St. Bernard Parish", "US",
     "Louisiana"),
])
def test_divisions_the_article_names_decide(nlp, text, surface, country, admin1):
    place = mention_of(nlp, text, surface).place
    assert (place.country_code, place.admin1) == (country, admin1)


@pytest.mark.parametrize("text, surface, kind", [
    ("Cases rose in China, Japan and Korea.", "China", "country"),   # a list, not China in Japan
    ("Cases rose in Aleppo, Homs and Hama.", "Homs", "city"),      # a list of cities
    ("Wyoming reported cases; Michigan did too.", "Wyoming", "admin1"),  # not Wyoming, Michigan
    ("Shelling hit Aleppo, Syrian media said.", "Aleppo", "city"),  # a demonym qualifies nothing
])
def test_lists_are_not_qualified_names(nlp, text, surface, kind):
    assert mention_of(nlp, text, surface).place.kind == kind


@pytest.mark.parametrize("text, surface, place_id", [
    # Listed beside states, a name that is also a city is the state.
    ("Cases were found in Utah, Virginia, Washington and Wyoming.", "Washington", "admin1:US-WA"),
    # Alone, the capital (a city bigger than its namesake division's other towns).
    ("Officials in Washington said the vaccine was safe.", "Washington", "geonames:4140963"),
    ("She died in a Buenos Aires hospital in June.", "Buenos Aires", "geonames:3435910"),
    # A city of millions abroad outweighs a small namesake in the article's country.
    ("Farmers in Texas and Ohio lost flocks. The FAO in Rome said the virus spread.", "Rome",
     "geonames:3169070"),
    # A town's own name beats another town's former name (St. Albans was once Philippi).
    ("A woman of Philippi, West Virginia, was convicted.", "Philippi", "geonames:4818074"),
    # Provinces counted one by one are provinces, not their namesake capitals.
    ("Cases: twelve in Ontario, eight in Alberta, and one in Quebec.", "Quebec", "admin1:CA-QC"),
    # A town in a county of a state; the later bare mention keeps that meaning.
    ("HIV spread in southern Indiana. Austin, in Scott County, Indiana, was the epicenter. "
     "Louisville lies 35 miles south of Austin.", "Austin", "geonames:4254010"),
])
def test_division_or_city_and_big_namesakes(nlp, text, surface, place_id):
    assert {m.place.place_id for m in places(nlp, text) if m.text == surface} == {place_id}


@pytest.mark.parametrize("text, surface, place_id, precision", [
    # A name the gazetteer lacks, qualified by its town or state: near that town, in that state.
    ("Anyone who ate at the restaurant in Greenlane, Auckland, New Zealand, should see a doctor.",
     "Greenlane", "geonames:2193733", 2),
    ("Ivins worked at Fort Detrick, Maryland, for 18 years.", "Fort Detrick", "admin1:US-MD", 3),
    # A misspelt country (one letter added, dropped or swapped).
    ("The virus is also present in Seychelles, in Mauritious and in Mayotte.", "Mauritious",
     "country:MU", 4),
    # The state named in the same passage decides between namesake counties.
    ("Two wild swans carried the virus, officials said. The swans were found in Michigan, near "
     "the state game area in Monroe County. " + "The tests took a week. " * 8 +
     "The samples had been tested at a laboratory in Ames, Iowa.", "Monroe County",
     "admin2:US-26115", 2),
])
def test_unknown_or_ambiguous_names_by_their_neighbours(nlp, text, surface, place_id, precision):
    mention = mention_of(nlp, text, surface)
    assert (mention.place.place_id, mention.precision) == (place_id, precision)




@pytest.mark.parametrize("text, surface, name, precision", [
    ("Police in Texas said the flu reached North Dallas schools.", "North Dallas", "Dallas", 2),
    ("Farms across California's Salinas Valley were hit.", "Salinas Valley", "Salinas", 2),
    ("Officials in New York closed the lab on Plum Island.", "Plum Island", None, 0),
])
def test_part_of_a_known_place(nlp, text, surface, name, precision):
    state = next(s for s in ("Texas", "California", "New York") if s in text)
    spans = [(text.index(t), text.index(t) + len(t)) for t in (state, surface)]
    found = {m.text: m for m in resolve_spans(nlp(text), spans)}[surface]
    assert (found.place.name if found.place else None, found.precision) == (name, precision)


def test_one_spelling_keeps_one_meaning_within_an_article(nlp):
    text = (SYRIA + "The army entered the city of Palmyra. Palmyra was quiet. "
            "Officers said Palmyra would be rebuilt.")
    ids = {m.place.place_id for m in places(nlp, text) if m.text == "Palmyra"}
    assert len(ids) == 1


def test_unresolved_place_is_kept(nlp):
    text = SYRIA + "Fighters fled to the village of Zzyzxqwe near the border."
    found = [m for m in places(nlp, text) if m.text == "Zzyzxqwe"]
    assert found and found[0].place is None


def test_precision_follows_acled(nlp):
    found = {m.text: m for m in places(nlp, SYRIA + "Fighting raged on the outskirts of Palmyra.")}
    assert found["Syria"].precision == 4
    assert found["Palmyra"].precision == 2  # near a town


def test_resolve_spans_resolves_given_spans(nlp):
    text = SYRIA + "Later they reached Damascus and Homs Province."
    start = text.index("Damascus")
    hp = text.index("Homs Province")
    found = resolve_spans(nlp(text), [(hp, hp + len("Homs Province")), (start, start + 8)])
    assert [m.start for m in found] == [start, hp]
    assert found[0].place.name == "Damascus" and found[1].place.kind == "admin1"


def test_get_place_returns_the_entry_and_none_for_unknown_ids():
    assert get_place("country:SY").name == "Syria"
    assert get_place("geonames:0") is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
       | st.lists(st.sampled_from(["Palmyra", "Syria", "of", "the", "City", "Deir", "al-", "-",
                                   "U.S.", "Province", "ISIL", "and", ",", "'s", "\n", "Homs"]),
                  max_size=30).map(" ".join))
def test_never_raises_and_spans_are_sorted_inside_the_text(nlp, text):
    found = recognise_and_resolve(nlp(text))
    previous_end = 0
    for m in found:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.start >= previous_end
        previous_end = m.end


@pytest.mark.parametrize("text", [
    SYRIA + "Fighters withdrew from Aleppo to Homs, Hama and the outskirts of Idlib.",
    "Officials in Marion, Ohio, and in Georgia said Aleppo was calm.",
])
def test_a_second_pass_over_one_parse_finds_the_same_places(nlp, text):
    doc = nlp(text)
    first = recognise_and_resolve(doc)
    assert recognise_and_resolve(doc) == first == recognise_and_resolve(nlp(text))
    assert all(text[m.start:m.end] == m.text for m in first)
