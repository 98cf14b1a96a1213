"""Measured facts: numbers with their unit, the metric the words around them
name, the entity they belong to, and the period they hold for.

>>> parse_amount("39.8 billion yuan")
(Decimal('39800000000'), 'CNY')
>>> parse_amount("US$5.6 billion")
(Decimal('5600000000'), 'USD')
>>> parse_amount("~$10–12B")
(Decimal('10000000000'), 'USD')
>>> quarter_period("three months ending September 30", 2025)
'2025-07/2025-09'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

import pycountry

from ..schema import plain_decimal
from .context import Clause
from .mentions import CURRENCY_CODES, Found
from .words import load_words, word_list

__all__ = ["NUMBER", "parse_amount", "quarter_period", "find_measurements", "period_of"]

_SCALE = {"trillion": 12, "tn": 12, "trn": 12, "t": 12, "billion": 9, "bn": 9, "bln": 9, "b": 9, "million": 6, "mn": 6,
          "mln": 6, "m": 6, "thousand": 3, "k": 3, "crore": 7, "lakh": 5}
# Currencies: ISO 4217 codes from pycountry ("SEK 5 billion", "5 billion TWD",
# written in capitals), symbols and words from words.json ("NT$", "won").
_SYMBOLS: dict[str, str] = load_words()["currency_symbols"]
# ISO 4217's names, singular and plural ("Swiss franc(s)", "Danish krone"),
# then the words news uses that the standard does not ("yuan", "crowns")
_CURRENCY_WORD: dict[str, str] = {
    **{name: c.alpha_3 for c in pycountry.currencies for name in (c.name.lower(), c.name.lower() + "s")},
    **load_words()["currency_words"]}


def _alternatives(names) -> str:
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "a": 1, "hundreds of": None}

NUMBER = re.compile(
    # (not inside a word: "AP1000", "A350", "often")
    rf"(?<![\w.])(?:(?P<cur>(?-i:{_alternatives(_SYMBOLS)})|(?-i:(?:{'|'.join(CURRENCY_CODES)})|RMB))\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|(?:one|two|three|four|five|six|seven|eight|nine|ten)\b)"
    r"(?:\s?[–-]\s?\d+(?:\.\d+)?)?"
    r"(?:\s?(?P<scale>trillion|billion|million|thousand|crore|lakh|bln|mln|trn|bn|tn|mn|[BMTK])\b(?:\s(?P<crore>crore)\b)?)?"
    r"(?:\s?(?P<pct>%|percent\b|per cent\b))?"
    rf"(?:\s?(?P<curword>{_alternatives(_CURRENCY_WORD)}|(?-i:{'|'.join(CURRENCY_CODES)}))\b|(?P<pence>(?<=\d)(?-i:p))\b)?",
    re.IGNORECASE,
)


def parse_amount(text: str) -> tuple[Decimal, str] | None:
    """The value and unit of an amount of money, a percentage or a plain
    number; a range gives its lower bound."""
    m = NUMBER.search(text)
    if not m:
        return None
    return _value(m)


_VIDEO_LINES = frozenset({"240", "360", "480", "576", "720", "1080", "1440", "2160", "4320"})


def _value(m: re.Match[str]) -> tuple[Decimal, str] | None:
    raw = m.group("num").lower()
    if raw in _WORD_NUMBERS:
        if _WORD_NUMBERS[raw] is None:
            return None
        value = Decimal(_WORD_NUMBERS[raw])
    else:
        value = Decimal(raw.replace(",", ""))
    scale = (m.group("scale") or "").lower()
    if scale:
        if scale in {"m", "b", "t", "k"} and not (m.group("cur") or m.group("curword")) and m.group("scale").islower():
            return None
        value *= Decimal(10) ** _SCALE[scale]
        if m.group("crore"):
            value *= Decimal(10) ** _SCALE["crore"]  # "₹1.15 lakh crore"
    if m.group("pct"):
        return value, "percent"
    cur = (m.group("cur") or "").strip()
    word = m.group("curword") or ""
    # a code or word after the number says more than a "$" before it ("$5 billion HKD")
    unit = (word if word in CURRENCY_CODES else _CURRENCY_WORD.get(word.lower())) or _SYMBOLS.get(cur) \
        or (cur if cur in CURRENCY_CODES else "CNY" if cur.upper() == "RMB" else "")
    if m.group("pence") and raw in _VIDEO_LINES:
        return None  # "1080p" is a screen's resolution, no price
    if word.lower() == "pence" or m.group("pence"):  # "421p": pence, a hundredth of a pound
        value /= 100
        unit = "GBP"
    return plain_decimal(value), unit


_MONTH = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}


def quarter_period(text: str, year: int | None) -> str | None:
    """The ISO 8601 interval of "the three months ending September 30", "the
    September quarter", "Q3 2025", "2025Q3" (calendar quarters)."""
    t = text.lower()
    m = re.search(r"(?:three months|quarter)\s+end(?:ing|ed)\s+(?:on\s+)?(\w+)\s+\d{1,2}(?:,\s*(\d{4}))?", t) or \
        re.search(r"\b(january|february|march|april|may|june|july|august|september|october|november|december)[- ]quarter", t)
    if m and m.group(1) in _MONTH:
        y = int(m.group(2)) if m.lastindex and m.lastindex >= 2 and m.group(2) else year
        if y is None:
            return None
        end = _MONTH[m.group(1)]
        start = end - 2
        if start < 1:
            return f"{y - 1}-{start + 12:02d}/{y}-{end:02d}"
        return f"{y}-{start:02d}/{y}-{end:02d}"
    return None


_MONTHS = r"january|february|march|april|may|june|july|august|september|october|november|december"
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_SPAN_MONTHS = {"three": 3, "six": 6, "nine": 9, "twelve": 12, "3": 3, "6": 6, "9": 9, "12": 12}


def _months(end_year: int, end_month: int, count: int) -> str:
    """The ISO interval of ``count`` months ending with the given month."""
    start = end_year * 12 + end_month - 1 - (count - 1)
    return f"{start // 12}-{start % 12 + 1:02d}/{end_year}-{end_month:02d}"


def period_phrases(text: str, year: int | None, published: str | None = None) -> list[tuple[int, int, str]]:
    """Every period the text names, as (start, end, ISO 8601 period).

    >>> [p for _, _, p in period_phrases("In the six months to June 30, and on Tuesday", 2025, "2025-08-06")]
    ['2025-01/2025-06', '2025-08-05']
    >>> [p for _, _, p in period_phrases("the first nine months of 2025 and the fiscal year to March 2025", None)]
    ['2025-01/2025-09', '2024-04/2025-03']
    """
    found: list[tuple[int, int, str]] = []
    flags = re.IGNORECASE

    def add(m: re.Match[str], period: str | None) -> None:
        if period:
            found.append((m.start(), m.end(), period))

    def y_of(m: re.Match[str], group: str) -> int | None:
        return int(m.group(group)) if m.group(group) else year

    for m in re.finditer(rf"\b(?:fiscal\s+)?year\s+(?:ending|ended|to)\s+(?P<mon>{_MONTHS})(?:\s+\d{{1,2}}\b)?,?\s*(?P<y>20\d\d)?", text, flags):
        y = y_of(m, "y")
        add(m, _months(y, _MONTH[m.group("mon").lower()], 12) if y else None)
    for m in re.finditer(rf"\b(?P<n>three|six|nine|twelve|3|6|9|12)\s+months\s+(?:ending|ended|to|through)\s+(?P<mon>{_MONTHS})"
                         rf"(?:\s+\d{{1,2}}\b)?,?\s*(?P<y>20\d\d)?", text, flags):
        y = y_of(m, "y")
        add(m, _months(y, _MONTH[m.group("mon").lower()], _SPAN_MONTHS[m.group("n").lower()]) if y else None)
    for m in re.finditer(rf"\bquarter\s+(?:ending|ended|to|through)\s+(?:on\s+)?(?P<mon>{_MONTHS})(?:\s+\d{{1,2}}\b)?,?\s*(?P<y>20\d\d)?"
                         rf"|\b(?P<mon2>{_MONTHS})[- ]quarter\b", text, flags):
        mon = (m.group("mon") or m.group("mon2")).lower()
        y = y_of(m, "y") if m.group("mon") else year
        add(m, _months(y, _MONTH[mon], 3) if y else None)
    for m in re.finditer(r"\b(?P<which>first|second)\s+half(?:\s+of\s+(?P<y>20\d\d))?", text, flags):
        y = y_of(m, "y")
        add(m, _months(y, 6 if m.group("which").lower() == "first" else 12, 6) if y else None)
    for m in re.finditer(r"\bfirst\s+(?P<n>three|six|nine)\s+months(?:\s+of\s+(?P<y>20\d\d))?", text, flags):
        y = y_of(m, "y")
        add(m, _months(y, _SPAN_MONTHS[m.group("n").lower()], _SPAN_MONTHS[m.group("n").lower()]) if y else None)
    for m in re.finditer(r"(?<!fiscal )\b(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[- ]quarter(?:\s+of\s+(?P<y>20\d\d))?"
                         r"|(?<!fiscal )\bQ(?P<q>[1-4])\s+(?P<y2>20\d\d)", text, flags):
        if re.search(r"fiscal\s+(?:year\s+)?(?:20\d\d\s+)?$", text[max(0, m.start() - 20):m.start()], flags):
            continue  # a fiscal quarter: which months depends on the company's year
        q = _ORDINAL[m.group("ord").lower()] if m.group("ord") else int(m.group("q"))
        y = int(m.group("y") or m.group("y2")) if (m.group("y") or m.group("y2")) else year
        add(m, _months(y, q * 3, 3) if y else None)
    for m in re.finditer(rf"\bon\s+(?P<mon>{_MONTHS})\s+(?P<d>\d{{1,2}})(?:,\s*(?P<y>20\d\d))?", text, flags):
        y = y_of(m, "y") or (int(re.findall(r"\b(20\d\d)\b", text)[0]) if re.findall(r"\b(20\d\d)\b", text) else None)
        try:
            add(m, date(y, _MONTH[m.group("mon").lower()], int(m.group("d"))).isoformat() if y else None)
        except ValueError:  # "on February 30": no such day
            pass
    try:
        day = date.fromisoformat(published) if published and re.fullmatch(r"\d{4}-\d{2}-\d{2}", published) else None
    except ValueError:  # "2025-02-30": no day to count the weekdays back from
        day = None
    if day:
        for m in re.finditer(r"\bon\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", text, flags):
            back = (day.weekday() - _WEEKDAYS.index(m.group(1).lower())) % 7
            if day.toordinal() > back:  # no weekday before 1 January of year 1
                add(m, (day - timedelta(days=back)).isoformat())
    for m in re.finditer(r"\bsince\s+(?P<y>20\d\d)\b", text, flags):
        add(m, f"{m.group('y')}/{year}" if year and int(m.group("y")) < year else m.group("y"))
    for m in re.finditer(r"\b(?:by|in|since the (?:start|beginning) of|for|during|of)\s+(?P<y>20\d\d)\b(?!\s*[–-])", text):
        if not re.search(r"fiscal\s*$", text[max(0, m.start() - 10):m.start()], flags) and not any(a <= m.start() < b for a, b, _ in found):
            add(m, m.group("y"))
    for m in re.finditer(r"\b(?P<which>this|last)\s+year\b", text, flags):
        if year:
            add(m, str(year if m.group("which").lower() == "this" else year - 1))
    return sorted(found)


def _shift_year(period: str, years: int) -> str:
    return re.sub(r"\b(20\d\d)\b", lambda m: str(int(m.group(1)) + years), period)


def period_of(c: Clause, number_start: int, year: int | None) -> str | None:
    """The period of the number at ``number_start``: a table column's, else
    the nearest period phrase in the sentence, else the reporting period the
    paragraph set; "a year earlier" moves it back a year."""
    doc = c.doc_text
    span = re.search(r"\((20\d\d)\s*[–-]\s*(20\d\d)\)", c.column(number_start))
    if span:  # a table column "AI Investment (2023–2025)"
        return f"{span.group(1)}/{span.group(2)}"
    phrases = period_phrases(doc[c.start:c.sent.end_char], year, c.extra.get("published"))
    offset = number_start - c.start
    period = None
    if phrases:
        period = min(phrases, key=lambda p: min(abs(p[0] - offset), abs(p[1] - offset)))[2]
    elif c.extra.get("last_period"):
        period = c.extra["last_period"]  # "the same period", or the paragraph's quarter
    if period and re.match(r"\s*(?:\w+\s+){0,2}?(?:a year earlier|a year ago|the year before)", doc[number_start:number_start + 60]):
        period = _shift_year(period, -1)
    return period


_MARKET_SHARE = r"market share|\bof (?:the\s+)?(?:[\w'’.-]+\s+){0,4}market\b"
# Metric words, from most to least specific. Money and percentages look for
# different words; the first that appears near the number wins.
_PERCENT_METRICS = (
    ("marketShare", _MARKET_SHARE),
    ("stake", r"\bstake\b"),
    ("profitGrowth", r"\b(?:net\s+)?(?:profit|income|earnings)\b"),
    ("sharepriceChange", r"\b(?:shares?|stock|share price)\b"),
    ("revenueGrowth", r"\b(?:revenues?|sales)\b|\bgrowth\b|\bgrew\b|\bgrow(?:s|ing)?\b|year[- ]on[- ]year|year[- ]over[- ]year"),
)
# Used only when no metric word is near: owning a share, or a price move.
_OWNING = re.compile(r"\b(?:owns?|owned|holds?|holding|held|acquir\w+|buy(?:ing)?|bought|sold|sell(?:ing)?|secured|controls?|controlled|"
                     r"keep(?:s|ing)?|kept|retain(?:s|ed|ing)?)\s+"
                     r"(?:(?:approximately|about|around|roughly|nearly|almost|some|over|more than|just over|just under)\s+)?"
                     r"(?:a\s+|an\s+|the\s+(?:remaining\s+|other\s+)?)?$", re.I)
_MOVES = re.compile(r"\b(?:surged|jumped|gained|rose|fell|dropped|climbed|slumped|tumbled|soared|rallied|added|adding|slid|sank)\b", re.I)
_NOT_A_SHARE = re.compile(r"\b(?:margins?|tax|rates?|tariffs?|interest|inflation|unemployment|yields?|discount|premium|levy|levied)\b", re.I)
_MONEY_METRICS = (
    ("shareprice", r"per share|share price|stock price|a share\b|\b(?:shares|stock)\b[^$;]{0,40}\b(?:to|at)\s*$"),
    ("capex", r"\bcapex\b|capital expenditure|capital spending"),
    ("operatingProfit", r"operating (?:profit|income|loss)"),
    ("profit", r"\bnet (?:profit|income|loss)\b|\bprofits?\b|\bearnings\b|\b(?:a|quarterly|annual) loss\b"),
    # (a full stop inside a number is no sentence's end: "shares rose 5.1%, valuing")
    ("marketValue", r"market (?:value|capitali[sz]ation|cap)\b|\b(?:shares|stock)\b(?:[^.]|\.\d){0,60}\bvaluing\b"),
    ("valuation", r"\bvaluation\b|\bvalued at\b|\bvaluing\b"),
    ("revenue", r"\brevenues?\b|\bsales\b|\bturnover\b|\bbrought in\b|\btook in\b|\bgenerated\b"),
    ("investment", r"\binvest\w*|\bcommit\w*|\bspend\w*|\bspent\b|\bpledg\w*|\bearmark\w*|\boutlay\b|\bpour\w*|"
                   r"\bAI Investment\b|\binvestment\b|\brais(?:ed|es|ing)\s+(?:about\s+|nearly\s+|more than\s+)?$"),
)
# Money that is no schema metric, and totals of a whole market.
_NOT_A_METRIC = re.compile(r"\b(?:outflows?|inflows?|cash flow|debt|loans?|bonds?|fines?|penalt(?:y|ies)|losses|plus or minus|charges?|"
                           r"cut(?:ting)?\s+(?:its\s+|their\s+)?costs|cost[- ](?:cuts?|cutting|savings|reductions?)|savings)\b", re.I)
_DOWN = re.compile(r"\b(?:fell|fall(?:s|ing)?|dropped|drop(?:s|ping)?|declined?|declining|slid|slipped|lost|los(?:e|es|ing)|down|"
                   r"decreased?|slumped|tumbled|sank|plunged|shed|retreated|contracted|shrank|wip(?:e|ed|es|ing)|"
                   r"eras(?:e|ed|es|ing))\b[^.%\d]{0,20}$", re.I)
# "fell to $80 billion": where the figure ends up, not by how much it moved
_LEVEL = re.compile(r"\bto\s+(?:about\s+|around\s+|roughly\s+|some\s+|nearly\s+|almost\s+)?$", re.I)
_DOWN_AFTER = re.compile(r"\s*(?:fall|drop|decline|decrease|slump|plunge|slide|dip|contraction|reduction|cut|loss|below|lower|down)\b", re.I)
# "ahead of the $7.42 billion analysts had expected": someone's estimate, not the figure
_ESTIMATE = re.compile(r"\s*(?:\w+\s+){0,2}?(?:analysts?|economists?|the market|investors)\s+(?:had\s+)?(?:expected|estimated|forecast|predicted)"
                       r"|\s*(?:consensus|estimates?\b)", re.I)
# "beating analysts' estimates of $9.5 billion", "a consensus forecast of ..."
_ESTIMATE_BEFORE = re.compile(r"\b(?:estimates?|expectations?|forecasts?|consensus|projections?|guidance)\s+(?:of|for|at)\s+"
                              r"(?:about\s+|around\s+|roughly\s+|nearly\s+)?$", re.I)
_PER_SHARE = re.compile(r"\s*(?:per|a)\s+(?:diluted\s+|ordinary\s+|common\s+)?share\b", re.I)
_OFFER = re.compile(r"\b(?:pay|pays|paying|paid|offer\w*|bid|bidding|cash|dividend|earnings|income|profit)\b", re.I)
_CONVERSION = re.compile(r"\s*\(\s*(?:about|around|roughly|approximately|nearly|some|almost|over|more than)?\s*")
_CONTRACT = re.compile(r"\b(?:contracts?|deals?|orders?|modifications?|agreements?|awards?)\b(?:[^.]|\.\d)*\bvalued\b", re.I)
_MARKET_TOTAL = re.compile(r"^\s*(?:worldwide|globally|in total|industry-wide)\b", re.I)
# the nouns a count keeps as its unit ("about 50 sites"), from words.json
_COUNT_UNITS = "|".join(sorted(word_list("count_nouns"), key=len, reverse=True))
# the count noun right after the number, or after one word that describes it ("50 new stores");
# not after a preposition ("by 2025 in data centres": a year)
_COUNT_AFTER = re.compile(rf"\s+(?:(?!(?:in|of|by|to|for|at|on|from|and|or|with)\b)[\w-]+\s+)?({_COUNT_UNITS})\b")


_METRIC_NOUN = re.compile(r"(?:revenues?|sales|profits?|income|earnings|shares|stock|growth|spending|capex|"
                          r"investments?|margins?|valuation|price|turnover)$")
_PRONOUNS = {"it", "its", "they", "their", "he", "she", "we", "our", "which", "who", "that"}
_PEOPLE = frozenset(word_list("people_nouns"))
#: What :func:`_syntactic_subject` returns when people own the number: no one kg tracks
_UNTRACKED = Found(0, 0, "", "", "")


def _syntactic_subject(c: Clause, start: int) -> Found | None:
    """The organisation or product that is the subject of the verb the number
    depends on: climb from the number to each governing verb and look at its
    subject ("Amazon said it would invest $4 billion": Amazon)."""
    tokens = [t for t in c.sent if t.idx >= start]
    if not tokens or not tokens[0].dep_:
        return None  # no parse (blank pipeline)
    owners = [m for m in c.mentions if m.label in ("Organization", "Product")]

    def mention_in(token) -> Found | None:
        left, right = token.left_edge.idx, token.right_edge.idx + len(token.right_edge)
        inside = [m for m in owners if left <= m.start and m.end <= right]
        for m in inside:  # the subject itself, or its owner ("AMD's shares")
            head = c.token(m)
            if head is not None and (head == token or head.head == token and head.dep_ in {"poss", "compound"}):
                return m
        return inside[0] if inside and len(inside) == 1 else None

    token = tokens[0]
    for _ in range(10):
        if token.pos_ in {"VERB", "AUX"}:
            for child in token.children:
                if child.dep_ in {"nsubj", "nsubjpass"} and child.lemma_ in _PEOPLE:
                    return _UNTRACKED  # "Capital One shareholders will own 60%": theirs, not Capital One's
                if child.dep_ in {"nsubj", "nsubjpass"}:
                    found = mention_in(child)
                    if found is not None:
                        return found
                    if (child.lower_ not in _PRONOUNS and not _METRIC_NOUN.match(child.lower_)
                            and not any(m.kind == "anaphor" and m.start <= child.idx < m.end for m in c.mentions)):
                        poss = [g for g in child.children if g.dep_ == "poss" and g.lower_ in _PRONOUNS]
                        if not poss:
                            return None  # the clause is about something it does not name
                    # "revenue jumped 54%" under "X said that ...": X's revenue
        if token.head == token:
            break
        token = token.head
    return None


def _nearest_metric(table, before: str, after: str) -> str | None:
    """The metric whose words stand closest to the number (before it counts
    a little more than after it); ties go to the more specific metric."""
    best = None
    for rank, (name, pattern) in enumerate(table):
        for m in re.finditer(pattern, before, re.I):
            distance = len(before) - m.end()
            if best is None or (distance, rank) < best[:2]:
                best = (distance, rank, name)
    if best is not None and not re.match(r"\s*(?:billion|million|trillion|crore|bln|mln|bn|m)?\s*(?:in|of|from)\b", after, re.I):
        return best[2]  # words after the number belong to it only as "$5 billion in revenue"
    # and only up to the phrase's end: "up 6.4% from a year earlier, and a net profit of ..." is no profit growth
    after = re.split(r"[,;]|\s(?:and|while|but|whereas)\s", after, maxsplit=1)[0]
    for rank, (name, pattern) in enumerate(table):
        m = re.search(pattern, after, re.I)
        if m:
            distance = m.start() * 1.5 + 5
            if best is None or (distance, rank) < best[:2]:
                best = (distance, rank, name)
    return best[2] if best else None


def _subject_for(c: Clause, start: int, end: int, metric: str) -> Found | None:
    found = _owner_of_number(c, start, end, metric)
    if found is not None and metric == "stake" and _STAKE_IN.fullmatch(c.doc_text[end:found.start]):
        return None  # "which owns 50.1% of Ørsted", "an 80% interest in X": never the company's own stake
    return found


def _on_a_market(doc: str, m: Found) -> bool:
    """"rose 1.9% to ₹1,185 on the National Stock Exchange": the name is where
    shares trade, not whose they are."""
    return re.search(r"\bon\s+(?:the\s+)?$", doc[max(0, m.start - 8):m.start]) is not None

# between a stake and the company it is in
_STAKE_IN = re.compile(r"\s*(?:[\w-]+\s+){0,2}?(?:of|in)\s+(?:the\s+)?")


def _owner_of_number(c: Clause, start: int, end: int, metric: str) -> Found | None:
    """Whose number this is: the organisation or product named in the words
    that own the metric ("Alibaba Cloud's revenue", "revenue from its AI
    division"), else the clause's subject, else what the context names, but
    never when the clause is about something it does not name ("Chinese tech
    majors are expected to spend ...")."""
    doc = c.doc_text
    candidates = [m for m in c.mentions if m.label in ("Organization", "Product") and not c.is_source(m)
                  and not _on_a_market(doc, m)]
    syntactic = _syntactic_subject(c, start)
    if syntactic is _UNTRACKED:
        return None
    # "34% surge in revenue from its artificial intelligence division"
    if metric == "stake":
        # "the 55% held by GTCR": the holder follows
        holder = next((m for m in candidates if end <= m.start <= end + 60
                       and re.fullmatch(r"\s+(?:held|owned|controlled)\s+by\s+(?:[\w-]+\s+){0,3}", doc[end:m.start])), None)
        if holder is not None:
            return holder
    # "CDPQ's 30% stake", "Alibaba's $52 billion investment": the possessor owns the number
    owner = next((m for m in candidates if m.end <= start and re.fullmatch(r"['’]s?\s+(?:[a-z]+\s+)?", doc[m.end:start])), None)
    if owner is not None:
        return owner
    after = [m for m in candidates if end <= m.start <= end + 45
             and re.search(r"\b(?:from|in|of|for|at)\b", doc[end:m.start])
             and not (metric == "stake" and _STAKE_IN.fullmatch(doc[end:m.start]))]
    if after and (after[0].kind == "description" or re.fullmatch(r"\s+(?:for|at)\s+", doc[end:after[0].start])):
        return after[0]  # "... against 17.8% for BYD"
    if syntactic is not None and not c.is_source(syntactic):
        return syntactic
    before = [m for m in candidates if m.end <= start]
    if before and not re.search(r"\b(?:while|whereas|compared with|versus)\b", doc[before[-1].end:start]):
        return before[-1]
    if after:
        return after[0]
    if metric == "parameterCount":
        prods = [m for m in c.mentions if m.label == "Product"]
        return prods[-1] if prods else None
    subject = c.subject()
    if subject is not None and not _on_a_market(doc, subject):
        return subject
    # a subject the text names but kg does not track ("The S&P 500 rose
    # 0.8%", "Brent crude fell", "Oil prices slipped") owns the number
    for token in c.sent:
        if _bare_shares(token):
            continue  # "Shares rose 4.6% to 421p": the company the text is about, below
        if token.dep_ in {"nsubj", "nsubjpass"} and token.idx < start \
                and (token.tag_ in {"NNS", "NNPS"} or token.pos_ == "PROPN"
                     or any(t.pos_ == "PROPN" for t in token.children if t.dep_ in {"compound", "nmod"})) \
                and not any(m.start <= t.idx < m.end for m in c.mentions if m.label in ("Organization", "Product")
                            for t in token.subtree):
            return None
    # (what the context names, if it can own a number: not a person the sentence before was about)
    return next((m for m in (c.row, c.lead, c.previous, c.main) if m is not None and m.label in ("Organization", "Product")), None)


def _bare_shares(token) -> bool:
    """"Shares", "The shares", "Its stock" as a clause's subject: no market's ("European shares")."""
    return (token.dep_ == "nsubj" and token.lemma_.lower() in {"share", "stock"}
            and all(child.dep_ in {"det", "poss"} and child.pos_ in {"DET", "PRON"} for child in token.children))


def find_measurements(c: Clause, year: int | None) -> Iterable[tuple[Found, str, Decimal, str, str | None, float]]:
    """Every measured fact the clause states."""
    doc = c.doc_text
    sentence_end = c.sent.end_char
    readings = []
    money_end = -1  # where the last sum of money ended
    for m in NUMBER.finditer(doc, c.start, sentence_end):
        parsed = _value(m)
        if parsed is None:
            continue
        value, unit = parsed
        if unit and unit != "percent":
            # "1.2 trillion won ($900 million)": one figure in two currencies, the first stated
            converted = _CONVERSION.fullmatch(doc, money_end, m.start()) is not None
            money_end = m.end()
            if converted:
                continue
        near_before = doc[max(c.start, m.start() - 100):m.start()]
        near_after = doc[m.end():min(sentence_end, m.end() + 45)]
        # Years, dates, list numbers and ordinals are not measurements.
        if not unit and not m.group("scale"):
            count = _COUNT_AFTER.match(near_after)
            if not count:
                continue
            metric = "parameterCount" if count.group(1) == "parameters" else "count"
            unit = count.group(1)
        elif unit == "percent":
            owned = re.match(r"\s*of\s+(?:the\s+)?", near_after)
            market = re.match(rf"\s*(?:{_MARKET_SHARE})", near_after)  # "held 27% of the server CPU market"
            if not market and (re.match(r"\s*(?:stake|share\b|interest\b|holding|ownership|of (?:the|its|[\w&.-]+['’]s) (?:[\w-]+\s+){0,3}"
                         r"(?:shares|share capital|capital|votes|voting rights))", near_after)
                    or _OWNING.search(near_before)
                    # "30% of Ørsted": a share of a company
                    or owned and any(x.start == m.end() + owned.end() and x.label == "Organization" for x in c.mentions)):
                metric = "stake"
            else:
                if _NOT_A_SHARE.search(near_before[-40:] + " " + near_after[:25]):
                    continue
                metric = _nearest_metric(_PERCENT_METRICS, near_before[-100:], near_after[:45])
                if metric is None and _MOVES.search(near_before[-40:]):
                    metric = "sharepriceChange"
                if metric is None:
                    continue
        elif not unit:
            count = _COUNT_AFTER.match(near_after)
            if not count:
                continue
            metric = "parameterCount" if count.group(1) == "parameters" else "count"
            unit = count.group(1)
        else:
            window = near_before[-70:] + " " + near_after[:30]
            if (_NOT_A_METRIC.search(window) or _MARKET_TOTAL.search(near_after[:25]) or _ESTIMATE.match(near_after)
                    or _ESTIMATE_BEFORE.search(near_before)):
                continue
            metric = _nearest_metric(_MONEY_METRICS, near_before[-100:], near_after[:30])
            if metric is None and _MOVES.search(near_before[-30:]) and re.search(r"%\s+to\s*$", near_before) \
                    and re.search(r"\b(?:shares|stocks?)\b", doc[c.start:sentence_end]):
                metric = "shareprice"  # "shares of A rose 2%, while B fell 0.7% to A$42.10"
            if metric == "shareprice" and (re.search(r"\bfor\s+$", near_before) or m.group("scale")):
                continue  # "buying X for $229 per share": the offer's terms; "$8 billion": no price of a share
            if _PER_SHARE.match(near_after) and (metric != "shareprice" or _OFFER.search(near_before[-40:])):
                continue  # "$4.3 billion, or $1.20 per share": earnings per share; "will pay $23 per share": an offer
            if metric == "valuation" and _CONTRACT.search(near_before[-60:]):
                continue  # "a contract valued at $59 million" values the contract, not a company
            # a table column or the section heading can name the metric
            context = c.column(m.start()) or c.heading
            metric = metric or next((name for name, pat in _MONEY_METRICS if re.search(pat, context, re.I)), None)
            if metric is None:
                continue
        if unit == "percent" and metric in {"revenueGrowth", "profitGrowth", "sharepriceChange"} and (
                _DOWN.search(near_before[-40:]) or _DOWN_AFTER.match(near_after)):
            value = -value  # "fell 12%", "a 12% fall"
        elif metric in {"profit", "operatingProfit"} and re.search(r"\bloss\b[^.%\d]{0,20}$", near_before[-40:]):
            value = -value  # "a net loss of $45 million"
        elif metric == "marketValue" and _DOWN.search(near_before[-40:]) and not _LEVEL.search(near_before):
            value = -value  # "wiped $30 billion off its market value", "lost $30 billion in market value"
        readings.append((m.start(), m.end(), metric, value, unit))
    # "A and B grew 10% and 12% respectively": pair subjects and numbers in order
    if re.search(r"\brespectively\b", doc[c.start:sentence_end]) and len(readings) >= 2:
        named = {}  # each subject once: "Palo Alto Networks (PANW.O) and CrowdStrike (CRWD.O)" names two
        for x in c.mentions:
            if x.label in ("Organization", "Product") and x.end <= readings[0][0]:
                named.pop(x.key, None)
                named[x.key] = x
        subjects = list(named.values())[-len(readings):]
        if len(subjects) == len(readings):
            # "whose shares fell 2.3% and 1.8% respectively": the move word before the first is every one's
            falls = readings[0][3] < 0 and all(r[2] == readings[0][2] for r in readings)
            for subj, (s, e, metric, value, unit) in zip(subjects, readings):
                yield subj, metric, -abs(value) if falls else value, unit, period_of(c, s, year), 0.7
            return
    for s, e, metric, value, unit in readings:
        subject = _subject_for(c, s, e, metric)
        if subject is None:
            continue
        yield subject, metric, value, unit, period_of(c, s, year), 0.6
