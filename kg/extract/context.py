"""The per-sentence view that relation and fact rules read.

A :class:`Clause` is one sentence (or bullet, or table row) with its
mentions, and what the lines around it say: the subject of the lead-in line
a bullet continues ("Key rivals include:"), the first cell of a table row,
and the subject of the sentence before (for "its", "the company").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from .mentions import SPEECH, Found, is_heading
from .places import country_of, place_names
from .words import load_words

#: What only a company has (its shares, chief executive, revenue...): words.json
_ORG_ATTRIBUTES = frozenset(load_words()["org_attribute_nouns"])

__all__ = ["Clause", "clauses", "ACTORS"]

#: Classes that can be the subject of an organisation's relation.
ACTORS = ("Organization",)


@dataclass
class Clause:
    sent: Span
    mentions: list[Found]
    main: Found | None = None  # the article's main company (a stand-in mention)
    lead: Found | None = None  # subject of the lead-in line this bullet continues
    lead_text: str = ""  # the lead-in line itself
    row: Found | None = None  # first cell of a table row
    previous: Found | None = None  # subject of the sentence before
    country: str | None = None  # the article's main country ("the country")
    heading: str = ""  # the section heading above
    header: str = ""  # a table row's header row
    paragraph: int = 0  # which paragraph of the article (blank lines separate them)
    extra: dict = field(default_factory=dict)
    #: the whole article's text, kept once: spaCy's Doc.text joins every token anew on each access
    doc_text: str = ""
    #: (start, end) of a mention -> its root token: the rules ask again and again of the same mentions
    _roots: dict = field(default_factory=dict, repr=False, compare=False)

    def column(self, offset: int) -> str:
        """The header of the table column that ``offset`` falls in ("" when
        the clause is not a table row)."""
        if not self.header:
            return ""
        doc = self.doc_text
        line_start = doc.rfind("\n", 0, offset) + 1
        index = doc[line_start:offset].count("|")
        cells = self.header.split("|")
        return cells[index].strip() if index < len(cells) else ""

    @property
    def text(self) -> str:
        # the article's text, cut: spaCy's Span.text joins the sentence's tokens anew on each access
        return self.doc_text[self.sent.start_char:self.sent.end_char] if self.doc_text else self.sent.text

    @property
    def start(self) -> int:
        return self.sent.start_char

    def rel(self, offset: int) -> int:
        """A document offset as an offset into this sentence."""
        return offset - self.sent.start_char

    def between(self, a: int, b: int) -> str:
        return self.doc_text[a:b]

    def of(self, *labels: str) -> list[Found]:
        return [m for m in self.mentions if m.label in labels]

    def orgs(self) -> list[Found]:
        return self.of("Organization")

    def before(self, offset: int, *labels: str) -> list[Found]:
        return [m for m in self.mentions if m.end <= offset and (not labels or m.label in labels)]

    def after(self, offset: int, *labels: str) -> list[Found]:
        return [m for m in self.mentions if m.start >= offset and (not labels or m.label in labels)]

    def subject(self, before: int | None = None) -> Found | None:
        """The organisation this clause is about: its grammatical subject when
        it is a mention, else the first organisation before ``before``, else
        what the context says (table row, lead-in line, previous sentence)."""
        limit = self.sent.end_char if before is None else before
        for m in self.orgs():
            if m.end > limit:
                break
            token = self.token(m)
            if token is not None and token.dep_ in {"nsubj", "nsubjpass"}:
                return m
            # "Lockheed shares rose", "Zenmark's revenue fell": the company whose shares
            if (token is not None and token.dep_ in {"compound", "poss"} and token.head.dep_ in {"nsubj", "nsubjpass"}
                    and token.head.lemma_.lower() in _ORG_ATTRIBUTES):
                return m
        # "It also runs plants in Dresden and won a grant from the Commerce
        # Department": a pronoun the sentence is about, not the first name in it
        pronoun = next((t for t in self.sent.root.children if t.dep_ in {"nsubj", "nsubjpass"}), None)
        if (pronoun is not None and pronoun.lower_ in {"it", "they"} and pronoun.idx < limit
                and (self.previous or self.main)):
            return self.row or self.lead or self.previous or self.main
        # "Nvidia chips", "T-Head semiconductors": a name used as a modifier
        # is not what the clause is about.
        orgs = [m for m in self.orgs() if m.end <= limit and not self.is_source(m) and not self.is_modifier(m)]
        if orgs:
            return orgs[0]
        if re.search(r"\b(?:[Ii]ts|[Ii]t|[Tt]hey|[Tt]heir)\b", self.doc_text[self.sent.start_char:limit]):
            return self.row or self.lead or self.previous or self.main
        return self.row or self.lead

    def owner(self, product: Found) -> Found | None:
        """The organisation a described unit or product belongs to
        ("Alibaba's AI chips", "its cloud division"), or that precedes a
        product with a possessive ("OpenAI's GPT")."""
        if product.kind == "description" and product.parent:
            name = re.split(r"'s?\b", product.text)[0] if "'" in product.text else product.parent
            return Found(product.start, product.start + len(name), name, "Organization", product.parent, "name")
        doc = self.doc_text
        return next((o for o in self.orgs() if o.end <= product.start
                     and re.fullmatch(r"'s?\s+(?:[\w-]+\s+){0,3}", doc[o.end:product.start])), None)

    def token(self, m: Found):
        if (m.start, m.end) not in self._roots:
            span = self.sent.doc.char_span(m.start, m.end, alignment_mode="expand")
            self._roots[m.start, m.end] = span.root if span is not None else None
        return self._roots[m.start, m.end]

    def is_source(self, m: Found) -> bool:
        """"according to Jefferies", "Bloomberg Intelligence warned",
        "analysts polled by LSEG": an organisation that only reports."""
        doc = self.doc_text
        if re.search(r"according\s+to\s*$|\bsaid\s*$|\b(?:surveyed|polled|compiled|asked)\s+by\s*$", doc[max(0, m.start - 20):m.start]):
            return True
        # "X said" reports; "X said it would ..." speaks of itself
        return bool(re.match(rf"\s+(?:{SPEECH})\b(?!\s+(?:that\s+)?(?:it|its|they|their)\b)", doc[m.end:m.end + 30]))

    def is_modifier(self, m: Found) -> bool:
        token = self.token(m)
        if token is None or token.dep_ not in {"compound", "amod", "nmod"}:
            return False
        return not (m.start <= token.head.idx < m.end) and token.head.pos_ in {"NOUN", "PROPN"} and not re.match(r"'s?\b", self.doc_text[m.end:m.end + 2])


def _in_subject(token) -> bool:
    """Whether ``token`` is, or sits inside, a clause's subject phrase."""
    while token is not None:
        if token.dep_ in {"nsubj", "nsubjpass"}:
            return True
        if token.head == token:
            return False
        token = token.head
    return False


def _line_at(text: str, newlines: list[int], offset: int) -> tuple[int, int]:
    """Start and end of the line ``offset`` is on, from the sorted offsets
    of the text's line breaks (a bisection, not a scan of a long line)."""
    k = bisect_left(newlines, offset)
    return (newlines[k - 1] + 1 if k else 0), (newlines[k] if k < len(newlines) else len(text))


def _apposed_name(doc: Doc, anaphor: Found) -> str | None:
    """"Quenca, the Chilean producer": the proper name a description is in
    apposition with, when no source named it (else appositions settle it)."""
    span = doc.char_span(anaphor.start, anaphor.end, alignment_mode="expand")
    if span is None or span.root.dep_ != "appos" or span.root.left_edge.lower_ not in {"the", "a", "an"}:
        return None  # ("the Santa Clara, California-based chipmaker" is one description)
    end = span.root.left_edge.i - 1  # the comma before "the Chilean producer"
    start = end
    while start > 0 and (doc[start - 1].pos_ == "PROPN" or doc[start - 1].text == "&" and start > 1 and doc[start - 2].pos_ == "PROPN"):
        start -= 1  # ("Deere & Co., the world's largest maker": the whole name)
    if end <= 0 or doc[end].text != "," or start == end or doc[start].ent_type_ in {"GPE", "LOC", "NORP"}:
        return None
    return doc[start:end].text


def _own_object(doc: Doc, subject: Found, anaphor: Found) -> bool:
    """"Ping An, its largest shareholder, owns 9% of the bank": a description
    within the clause its subject heads is someone else (a company owning
    itself would be "itself"); "X said the company ..." starts a new clause."""
    head = doc.char_span(subject.start, subject.end, alignment_mode="expand")
    there = doc.char_span(anaphor.start, anaphor.end, alignment_mode="expand")
    if head is None or there is None or head.root.dep_ != "nsubj":
        return False
    verb, token = head.root.head, there.root
    # the one a firm deals with or competes against is another, also in a participle or infinitive
    # that has no subject of its own: "X agreed to ..., widening a partnership with the drugmaker"
    counterpart = token.dep_ == "pobj" and token.head.lower_ in {"with", "against"}
    while token.i != verb.i and token.head.i != token.i and (
            token.dep_ not in {"ccomp", "advcl", "relcl", "xcomp", "conj", "parataxis"}
            or counterpart and token.dep_ in {"advcl", "xcomp"} and token.tag_ in {"VBG", "VB"}
            and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in token.children)):
        token = token.head
    return token.i == verb.i


def _in_persons_description(doc: Doc, org: Found, people: list[Found]) -> bool:
    """"Chief Executive Gil West, a former operations chief at Delta Air
    Lines, ...": a firm named in a description of a person (where the person
    worked) is not what "the company" later in the sentence stands for."""
    span = doc.char_span(org.start, org.end, alignment_mode="expand")
    if span is None or span.root.dep_ != "pobj" or span.root.head.dep_ != "prep":
        return False
    noun = span.root.head.head
    if noun.dep_ != "appos" or noun.pos_ != "NOUN":
        return False
    person = noun.head
    return any(p.start <= person.idx < p.end for p in people)


def _subject_above(doc: Doc, subject: Found, anaphor: Found) -> bool:
    """Whether ``subject`` is the subject of a verb that ``anaphor`` depends on."""
    head = doc.char_span(subject.start, subject.end, alignment_mode="expand")
    there = doc.char_span(anaphor.start, anaphor.end, alignment_mode="expand")
    if head is None or there is None or head.root.dep_ not in {"nsubj", "nsubjpass"}:
        return False
    return head.root.head in there.root.ancestors


# a place word and an organisation it describes: "U.S. cereal maker X", "Canada's X", "the Seoul-based X"
_HOME_BEFORE = re.compile(r"(?:['’]s|-based|-headquartered)?\s+(?:(?:the|a|an)\s+)?(?:(?-i:[a-z][\w-]*)\s+){0,3}")
# "X, the Italian confectioner", "X, based in Luxembourg"
_HOME_AFTER = re.compile(r",\s+(?:(?:the|a|an)\s+(?:(?-i:[a-z][\w-]*)\s+){0,2}|(?:which\s+is\s+)?(?:based|headquartered)\s+in\s+)")


def _homes(text: str, found: list[Found]) -> dict[str, set[tuple[str, int, bool]]]:
    """The countries the article places each organisation in, from the place
    words that describe a mention of it: (country, where the place word is,
    whether a description says it; a place word the name begins with only
    suggests it: "U.S. Army", "Ontario Teachers' Pension Plan")."""
    places = [f for f in found if f.label == "Place" and f.kind in {"name", "demonym", "gazetteer"}]
    homes: dict[str, set[tuple[str, int, bool]]] = {}
    names = place_names()
    for o in found:
        if o.label != "Organization" or o.kind not in {"name", "pattern", "ner", "structure"}:
            continue
        # a name that begins with its place's: "Tokyo Electric Power", "Canada Pension Plan Investment Board"
        words = o.text.split()
        first = next((" ".join(words[:n]) for n in (2, 1) if len(words) > n and " ".join(words[:n]) in names), None)
        home = country_of(names[first][0]) if first else None
        if home:
            homes.setdefault(o.key, set()).add((home, o.start, False))
        for p in places:
            if (p.end <= o.start and o.start - p.end < 40 and _HOME_BEFORE.fullmatch(text, p.end, o.start)
                    or o.end <= p.start and p.start - o.end < 40 and _HOME_AFTER.fullmatch(text, o.end, p.start)):
                home = country_of(p.key)
                if home:
                    homes.setdefault(o.key, set()).add((home, p.start, True))
    return homes


def _placed_antecedent(text: str, anaphor: Found, found: list[Found], homes: dict[str, set[tuple[str, int, bool]]],
                       main: Found) -> str:
    """"the Battle Creek, Michigan-based company": of the organisations named
    so far, the latest the article places in that country; when the one
    chosen is placed elsewhere and none is placed there, the article's main
    company (a firm's nationality and its head office may differ)."""
    start = anaphor.end - len(anaphor.text)
    here = {country_of(p.key) for p in found if p.label == "Place" and start <= p.start and p.end <= anaphor.end} - {None}

    def home(key: str, described: bool = False) -> set[str]:
        # (what the description itself says does not count: "X, the Swedish company said")
        return {country for country, at, said in homes.get(key, ()) if not start <= at < anaphor.end and (said or not described)}

    if not here or home(anaphor.key) & here:
        return anaphor.key
    earlier = [o for o in found if o.label == "Organization" and o.end <= start and o.kind != "anaphor"]
    placed = next((o.key for o in reversed(earlier) if home(o.key, described=True) & here), None)
    if placed is not None:
        return placed
    return main.key if home(anaphor.key) else anaphor.key


def clauses(doc: Doc, found: list[Found], main_key: str | None, text: str | None = None) -> Iterator[Clause]:
    """Yield one :class:`Clause` per sentence, with its context filled in;
    ``text`` is ``doc.text`` where the caller has it already.

    Linear in the article's length: each sentence looks up its mentions,
    line and paragraph by bisection instead of scanning the whole text."""
    main = None
    if main_key:
        first = next((f for f in found if f.key == main_key), None)
        main = Found(first.start, first.end, first.text, first.label, main_key, "anaphor") if first else None
    text = doc.text if text is None else text
    homes = _homes(text, found)
    places = Counter(f.key for f in found if f.label == "Place" and f.kind in {"name", "demonym"})
    country = places.most_common(1)[0][0] if places else None
    by_start = sorted(found, key=lambda f: f.start)  # find_mentions gives them in this order already
    starts = [f.start for f in by_start]
    newlines = [m.start() for m in re.finditer("\n", text)]
    paragraph_ends = [m.end() for m in re.finditer("\n\n", text)]  # as str.count finds them
    lead: Found | None = None
    lead_text = ""
    previous: Found | None = None
    previous_paragraph = -1  # the paragraph of the sentence ``previous`` is the subject of
    heading = header = ""
    line_span = None
    for sent in doc.sents:
        sentence = text[sent.start_char:sent.end_char]  # (Span.text joins the tokens)
        if not sentence.strip():
            continue
        paragraph = bisect_right(paragraph_ends, sent.start_char)
        ms = [f for f in by_start[bisect_left(starts, sent.start_char):bisect_right(starts, sent.end_char)]
              if f.end <= sent.end_char]
        # "the company", "the drugmaker": the company the text was just
        # about, unless that was a unit of the main company (then the parent)
        for f in ms:
            if f.kind != "anaphor" or main is None or f.parent:
                continue
            unnamed = _apposed_name(doc, f)
            if unnamed:
                f.key = unnamed
                continue
            f.key = main.key
            people = [o for o in ms if o.label == "Person"]
            named = [o for o in ms if o.end <= f.start and o.label == "Organization" and o.kind in {"name", "pattern", "ner"}
                     and not _own_object(doc, o, f) and not _in_persons_description(doc, o, people)]
            if named:
                # "Alibaba CEO Wu said the company ...", "X said Y will do the work in Z, where the firm
                # runs a plant": the subject of the nearest clause the description is in, else the first name
                f.key = next((o.key for o in reversed(named) if _subject_above(doc, o, f)), named[0].key)
            elif (previous is not None and previous.key.split()[0] != main.key.split()[0]
                  and previous_paragraph == paragraph):
                # (a description that opens a paragraph is the article's company again, not the
                # last paragraph's adviser or analyst: "J.P. Morgan advised X. || The group runs ...")
                f.key = previous.key
            f.key = _placed_antecedent(text, f, found, homes, main)
        span = _line_at(text, newlines, sent.start_char)
        if span != line_span:  # the sentences of one line share its reading: a long line is read once
            line_span = span
            line = text[span[0]:span[1]].strip()
            cells = line.count("|")
            heading_line = is_heading(line)
        is_bullet = bool(re.match(r"^(?:[•*·–-]|\d+\.)\s", line))
        row = None
        if cells >= 2 and not header:
            header = line
        elif cells < 2:
            header = ""
            if heading_line:
                heading = line
        if cells >= 2 and line != header:
            first_cell = line.split("|")[0]
            cell_start = text.find(first_cell, sent.start_char - len(line))
            in_cell = by_start[bisect_left(starts, cell_start):bisect_left(starts, cell_start + len(first_cell) + 1)]
            row = next((f for f in in_cell if f.label == "Organization"), None)
        clause = Clause(sent, ms, main, lead if is_bullet else None, lead_text if is_bullet else "", row, previous, country,
                        heading, header if line != header else "", paragraph,
                        doc_text=text)
        yield clause
        subject = clause.subject()
        token = clause.token(subject) if subject is not None else None
        if (subject is not None and not is_bullet and not heading_line and token is not None
                and (_in_subject(token) or token.i < sent.root.i or sent.root.pos_ not in {"VERB", "AUX"})):
            previous, previous_paragraph = subject, paragraph  # only what the subject phrase names, and not a heading's
        if line.rstrip().endswith(":") and sentence.rstrip().endswith(":"):
            lead, lead_text = subject, sentence
        elif not is_bullet and line and not line.endswith(":"):
            lead, lead_text = None, ""
