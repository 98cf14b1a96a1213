"""The contract of ../shared/SCHEMA.md as Python: classes, relations, metrics,
and the plain data objects that cross stage boundaries.

Nothing here imports spaCy or rdflib, so every stage can depend on it.

>>> RELATIONS["supplies"].domain, RELATIONS["supplies"].range
('Organization', ('Organization',))
>>> RELATIONS["partnerOf"].symmetric
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

__all__ = [
    "CLASSES",
    "METRICS",
    "RELATIONS",
    "RelationSpec",
    "Article",
    "Evidence",
    "Mention",
    "Relation",
    "Measurement",
    "Entity",
    "Statement",
    "Fact",
    "Reference",
    "stable_id",
    "slugify",
    "name_characters",
    "plain_decimal",
]

#: The five top classes every entity belongs to.
CLASSES = ("Organization", "Person", "Product", "Place", "Topic")


@dataclass(frozen=True, slots=True)
class RelationSpec:
    name: str
    domain: str
    range: tuple[str, ...]
    symmetric: bool = False
    comment: str = ""

    def accepts(self, subject_class: str, object_class: str) -> bool:
        """Whether the relation may link a subject of one class to an object of
        the other; a government named by its country (a Place) restricts too.

        >>> RELATIONS["ceoOf"].accepts("Person", "Organization"), RELATIONS["ceoOf"].accepts("Product", "Organization")
        (True, False)
        """
        subject_fits = subject_class == self.domain or (self.name == "restricts" and subject_class == "Place")
        return subject_fits and object_class in self.range


def _spec(name, domain, rng, comment, symmetric=False):
    return RelationSpec(name, domain, tuple(rng.split()), symmetric, comment)


#: The 16 relations, keyed by local name.
RELATIONS: dict[str, RelationSpec] = {
    s.name: s
    for s in (
        _spec("partnerOf", "Organization", "Organization", "The two cooperate (alliance, deal, joint work).", True),
        _spec("supplies", "Organization", "Organization", "The subject sells or provides products or services to the object."),
        _spec("competesWith", "Organization", "Organization", "Named as rivals or competitors.", True),
        _spec("develops", "Organization", "Product", "Builds, releases or designs the product."),
        _spec("subsidiaryOf", "Organization", "Organization", "Unit, division or subsidiary of the parent."),
        _spec("founderOf", "Person", "Organization", "Founded the organisation."),
        _spec("ceoOf", "Person", "Organization", "Chief executive (or head) of the organisation."),
        _spec("chairOf", "Person", "Organization", "Chairs the organisation's board."),
        _spec("boardMemberOf", "Person", "Organization", "Sits on the organisation's board."),
        _spec("worksFor", "Person", "Organization", "Any other stated role (analyst at, president of, ...)."),
        _spec("investsIn", "Organization", "Organization Topic Place", "Puts money into it."),
        _spec("headquarteredIn", "Organization", "Place", "Based in the place."),
        _spec("operatesIn", "Organization", "Place", "Has operations, data centres or a market presence there."),
        _spec("uses", "Organization", "Product", "Deploys, integrates or adopts the product."),
        _spec("basedOn", "Product", "Product", "Built on top of the other product."),
        _spec("restricts", "Organization", "Organization Product", "Bans, sanctions or limits export or sale."),
    )
}

#: Measured-fact metrics (SCHEMA.md, "Measured facts").
METRICS = (
    "revenue", "revenueGrowth", "profit", "operatingProfit", "profitGrowth",
    "investment", "capex", "valuation", "marketValue", "stake", "marketShare",
    "shareprice", "sharepriceChange", "parameterCount", "count",
)


def stable_id(*parts: object, length: int = 16) -> str:
    """A short hex digest of ``parts``: the same input always gives the same id.

    >>> stable_id("a", 1) == stable_id("a", 1), len(stable_id("a"))
    (True, 16)
    """
    text = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def plain_decimal(value: Decimal) -> Decimal:
    """A decimal written without an exponent.

    >>> str(plain_decimal(Decimal("3.98E+10"))), str(plain_decimal(Decimal("33.50")))
    ('39800000000', '33.5')
    """
    value = value.normalize()
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value


# Latin letters that Unicode does not decompose into a base letter and an accent.
_LATIN_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
#: The longest readable part of an entity's local name; a longer name is cut and hashed.
_MAX_SLUG = 80
_SLUG_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _folded(name: str) -> str:
    """``name`` lower-cased (casefold) and decomposed, without the accents of
    Latin letters ("é" is "e"); the marks of other scripts stay, for there
    they are letters (Devanagari vowel signs)."""
    if name.isascii():  # (most names: nothing to decompose)
        return name.lower()
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", name.casefold()).translate(_LATIN_LETTERS):
        if unicodedata.category(ch).startswith("M") and out and out[-1].isascii():
            continue
        out.append(ch)
    return "".join(out)


def _tells_names_apart(ch: str) -> bool:
    # Letters and digits of any script, and symbols ("C++", "C#", emoji);
    # spaces, punctuation ("&", hyphens, quotes) and controls do not.
    return unicodedata.category(ch)[0] in "LNS" or ch == "#"


def name_characters(name: str) -> str:
    """What tells one name from another: its letters, digits and symbols,
    lower-case, without the accents of Latin letters, spaces or punctuation.

    >>> name_characters("Société Générale"), name_characters("C++ Holdings"), name_characters("S&P Global")
    ('societegenerale', 'c++holdings', 'spglobal')
    """
    return "".join(ch for ch in _folded(name) if _tells_names_apart(ch))


@lru_cache(maxsize=1 << 16)  # the same names come back in every article's share of the graph
def slugify(name: str) -> str:
    """A readable, IRI-safe (ASCII) local name: lower-case words joined by
    hyphens. Where those lose some of the name's characters (another script,
    a symbol, more than 80 characters), a hash of :func:`name_characters`
    follows, so names that differ in those characters stay apart.

    >>> slugify("Union Bancaire Privée AI unit")
    'union-bancaire-privee-ai-unit'
    >>> slugify("C Holdings"), slugify("C++ Holdings")
    ('c-holdings', 'c-holdings-6eb8dab3')
    """
    folded = _folded(name)
    # Every character a hyphen stands for is punctuation unless it tells names apart.
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    lossy = any(_tells_names_apart(ch) for ch in folded if ch not in _SLUG_CHARACTERS)
    if lossy or len(slug) > _MAX_SLUG:
        readable = slug[:_MAX_SLUG].strip("-")
        slug = "-".join(part for part in (readable, stable_id(name_characters(name), length=8)) if part)
    return slug or stable_id(name, length=12)


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from disk.

    ``text`` is the text exactly as read (offsets refer to it); ``clean`` is
    what NLP sees and ``offsets[i]`` is the index in ``text`` of ``clean[i]``.

    >>> Article(id="abc", text="Hi.", source="a.txt")
    Article(id='abc', source='a.txt', title=None)
    """

    id: str
    text: str
    source: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    #: the article's own id where its source gives one (a JSON Lines ``id``);
    #: gold files are named after it
    key: str | None = None
    clean: str = ""
    offsets: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __repr__(self) -> str:  # the texts are too long to be useful in a repr
        return f"Article(id={self.id!r}, source={self.source!r}, title={self.title!r})"

    @property
    def nlp_text(self) -> str:
        """What NLP reads: ``clean``, else (an article made without cleaning) ``text``."""
        return self.clean or self.text

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of ``clean`` back to ``text``."""
        if not self.offsets:
            return start, end
        last = len(self.offsets) - 1
        raw_start = self.offsets[min(start, last)]
        raw_end = self.offsets[min(max(end - 1, start), last)] + 1
        return raw_start, raw_end


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a statement was read: article, character offsets into the article
    text as read from disk, the sentence, which extractor said it and, for a
    rule-based extractor, the id of the rule that fired.

    >>> Evidence("abc", 0, 5, "Hello", "kg.patterns.v1", 0.9, "acquisition.buy-verb")
    Evidence(article_id='abc', start=0, end=5, quote='Hello', extractor='kg.patterns.v1', confidence=0.9, rule='acquisition.buy-verb')
    """

    article_id: str
    start: int
    end: int
    quote: str
    extractor: str
    confidence: float = 1.0
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Mention:
    """A surface form of an entity in one article (unresolved).

    ``key`` is the name to resolve by; it differs from ``text`` when the
    mention is a description ("the company's cloud division") that an
    extractor already knows the name of.

    ``source`` says how it was found: ``name`` (catalogue), ``pattern``,
    ``ner``, ``description`` ("its cloud division"), ``anaphor`` ("the
    company") or ``demonym`` ("Chinese").

    >>> Mention("Alibaba’s", "Organization", 10, 19, key="Alibaba")
    Mention(text='Alibaba’s', label='Organization', start=10, end=19, key='Alibaba', source='name')
    """

    text: str
    label: str
    start: int
    end: int
    key: str = ""
    source: str = "name"

    @property
    def name(self) -> str:
        return self.key or self.text


@dataclass(frozen=True, slots=True)
class Relation:
    """An extracted, unresolved relation between two mentions.

    >>> a = Mention("Apple", "Organization", 0, 5)
    >>> b = Mention("Alibaba", "Organization", 30, 37)
    >>> Relation(a, "partnerOf", b, Evidence("x", 0, 40, "...", "kg.rules.v1")).predicate
    'partnerOf'
    """

    subject: Mention
    predicate: str
    object: Mention
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Measurement:
    """An extracted, unresolved number attached to a mention.

    >>> m = Mention("Alibaba Cloud", "Organization", 0, 13)
    >>> Measurement(m, "revenue", Decimal("39800000000"), "CNY", "2025-07/2025-09",
    ...             Evidence("x", 0, 60, "...", "kg.rules.v1")).unit
    'CNY'
    """

    subject: Mention
    metric: str
    value: Decimal
    unit: str
    period: str | None
    evidence: Evidence


@dataclass(frozen=True, slots=True)
class Entity:
    """A resolved real-world thing: one per thing across mentions and articles.

    >>> Entity("alibaba-group", "Alibaba Group", "Organization", frozenset({"Alibaba"}))
    Entity(id='alibaba-group', label='Alibaba Group', type='Organization', aliases=frozenset({'Alibaba'}), same_as=frozenset(), subtype=None)
    """

    id: str
    label: str
    type: str
    aliases: frozenset[str] = frozenset()
    same_as: frozenset[str] = frozenset()
    subtype: str | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """A resolved relation with every piece of evidence for it."""

    subject: Entity
    relation: str
    object: Entity
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class Fact:
    """A resolved measured fact (SCHEMA.md, "Measured facts")."""

    subject: Entity
    metric: str
    value: Decimal
    unit: str
    period: str | None
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class Reference:
    """A resolved mention: this entity was named so in this article."""

    entity: Entity
    text: str
    evidence: Evidence
