"""Small hand-built graphs with known answers for the analysis, drawing and
CLI tests. Sentences are invented; no article text."""
from decimal import Decimal

import networkx as nx

from kg.model import to_graph
from kg.schema import Article, Entity, Evidence, Fact, Statement

__all__ = ["ARTICLES", "kite_graph", "news_graph"]

ARTICLES = [Article(id=f"art{i}", text="", source=f"a{i}.txt", title=f"Article {i}", published=f"2025-0{i}-01")
            for i in (1, 2, 3)]


def _ev(article: int, start: int, quote: str) -> Evidence:
    return Evidence(f"art{article}", start, start + len(quote), quote, "kg.test.v1", 0.9)


def _org(label: str, *aliases: str, qid: str | None = None) -> Entity:
    return Entity(label.lower(), label, "Organization", frozenset({label, *aliases}),
                  frozenset({qid}) if qid else frozenset())


def kite_graph():
    """Krackhardt's kite as ten organisations joined by partnerOf: Diane has
    the highest degree, Heather the highest betweenness."""
    names = ["Andre", "Beverly", "Carol", "Diane", "Ed", "Fernando", "Garth", "Heather", "Ike", "Jane"]
    orgs = [_org(n) for n in names]
    statements = [Statement(orgs[u], "partnerOf", orgs[v], (_ev(1, 10 * i, f"{names[u]} works with {names[v]}."),))
                  for i, (u, v) in enumerate(nx.krackhardt_kite_graph().edges())]
    return to_graph(ARTICLES[:1], orgs, statements=statements)


def news_graph():
    """Two-hop path Apple -partnerOf- Big Co -supplies- China Unicom, a
    product, a person and a place; facts with a rounding pair (52/53 USD),
    two currencies, growth figures for different periods, and a real
    disagreement (70% and 84%)."""
    apple = _org("Apple")
    big = _org("Big Co", "Big", qid="Q1")
    unicom = _org("China Unicom")
    cloud = _org("Big Cloud")
    rival = _org("Rival Inc")
    chip = Entity("chip", "Chip-1", "Product", frozenset({"Chip-1"}))
    boss = Entity("boss", "Pat Boss", "Person", frozenset({"Pat Boss"}))
    china = Entity("china", "China", "Place", frozenset({"China"}))
    statements = [
        Statement(apple, "partnerOf", big,
                  (_ev(1, 0, "Apple teams up with Big."), _ev(2, 0, "Big and Apple partner."))),
        Statement(big, "supplies", unicom, (_ev(3, 0, "Big sells chips to China Unicom."),)),
        Statement(big, "develops", chip, (_ev(3, 40, "Big designs Chip-1."),)),
        Statement(unicom, "uses", chip, (_ev(3, 80, "China Unicom deploys Chip-1."),)),
        Statement(cloud, "subsidiaryOf", big, (_ev(2, 40, "Big Cloud, the cloud unit of Big."),)),
        Statement(boss, "ceoOf", big, (_ev(1, 40, "Big CEO Pat Boss spoke."),)),
        Statement(big, "headquarteredIn", china, (_ev(1, 80, "China-based Big."),)),
    ]
    q3 = "2025-07/2025-09"
    facts = [
        Fact(big, "investment", Decimal("52000000000"), "USD", None, (_ev(1, 120, "Big pledged $52 billion."),)),
        Fact(big, "investment", Decimal("53000000000"), "USD", None, (_ev(2, 120, "Big pledged about $53 billion."),)),
        Fact(big, "investment", Decimal("380000000000"), "CNY", None, (_ev(3, 120, "Big pledged 380 billion yuan."),)),
        Fact(cloud, "revenueGrowth", Decimal("26"), "percent", None, (_ev(1, 160, "Cloud grew 26%."),)),
        Fact(cloud, "revenueGrowth", Decimal("34"), "percent", q3, (_ev(2, 160, "Cloud grew 34% in the quarter."),)),
        Fact(cloud, "revenue", Decimal("39800000000"), "CNY", q3, (_ev(2, 200, "Cloud made 39.8 billion yuan."),)),
        Fact(cloud, "revenue", Decimal("5600000000"), "USD", q3, (_ev(3, 200, "Cloud made $5.6 billion."),)),
        Fact(cloud, "revenue", Decimal("30000000000"), "CNY", "2025-04/2025-06",
             (_ev(2, 240, "Cloud made 30 billion yuan."),)),
        Fact(big, "sharepriceChange", Decimal("70"), "percent", "2025", (_ev(1, 200, "Big shares rose 70%."),)),
        Fact(big, "sharepriceChange", Decimal("84"), "percent", "2025", (_ev(3, 240, "Big shares rose 84%."),)),
        # two figures from one article are its own breakdown, never a conflict
        Fact(rival, "revenue", Decimal("10"), "USD", "2025", (_ev(1, 300, "Rival made $10."),)),
        Fact(rival, "revenue", Decimal("20"), "USD", "2025", (_ev(1, 340, "Rival made $20 in all."),)),
    ]
    entities = [apple, big, unicom, cloud, rival, chip, boss, china]
    return to_graph(ARTICLES, entities, statements=statements, facts=facts)
