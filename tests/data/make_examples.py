"""Regenerate triples/examples/valid.ttl: a small hand-made graph in the
project's RDF layout, with invented sentences (no article text), for tests,
notebooks and the SHACL examples.  Run: python tests/data/make_examples.py"""
from decimal import Decimal
from pathlib import Path

from kg.model import to_graph
from kg.schema import Article, Entity, Evidence, Fact, Reference, Statement

A = Article(id="ex0000000000001", text="", source="example-1.txt", title="Example one", published="2025-03-01")
B = Article(id="ex0000000000002", text="", source="example-2.txt", title="Example two", published="2025-06-01")


def ev(article, start, quote, conf=0.8):
    return Evidence(article.id, start, start + len(quote), quote, "kg.example.v1", conf)


def ent(label, type_, *aliases, qid=None):
    return Entity(label.lower().replace(" ", "-"), label, type_, frozenset({label, *aliases}),
                  frozenset({qid}) if qid else frozenset())


acme = ent("Acme Corp", "Organization", "Acme")
acme_cloud = ent("Acme Cloud", "Organization")
globex = ent("Globex", "Organization")
initech = ent("Initech", "Organization")
umbrella = ent("Umbrella", "Organization")
jane = ent("Jane Roe", "Person", "Roe")
widget = ent("Widget-7", "Product")
widget6 = ent("Widget-6", "Product")
china = ent("China", "Place", qid="Q148")
ai = ent("AI infrastructure", "Topic")
entities = [acme, acme_cloud, globex, initech, umbrella, jane, widget, widget6, china, ai]

s1 = ev(A, 0, "Acme CEO Jane Roe said Acme Cloud will supply Globex.")
s2 = ev(A, 60, "Acme unveiled Widget-7, built on Widget-6, and rivals Initech.")
s3 = ev(B, 0, "Globex supplies Initech and partners with Acme.")
s4 = ev(B, 50, "Acme Cloud revenue rose 20% to 10 billion yuan in the June quarter.")
s5 = ev(A, 130, "Acme Cloud revenue rose 21% to 10 billion yuan in the June quarter.")
s6 = ev(B, 120, "Initech supplies Umbrella, which operates in China.")

statements = [
    Statement(jane, "ceoOf", acme, (s1,)),
    Statement(acme_cloud, "subsidiaryOf", acme, (s1,)),
    Statement(acme_cloud, "supplies", globex, (s1,)),
    Statement(acme, "develops", widget, (s2,)),
    Statement(widget, "basedOn", widget6, (s2,)),
    Statement(acme, "competesWith", initech, (s2,)),
    Statement(globex, "supplies", initech, (s3,)),
    Statement(globex, "partnerOf", acme, (s3,)),
    Statement(initech, "supplies", umbrella, (s6,)),
    Statement(umbrella, "operatesIn", china, (s6,)),
    Statement(acme, "investsIn", ai, (s2, s3)),
]
facts = [
    Fact(acme_cloud, "revenue", Decimal("10000000000"), "CNY", "2025-04/2025-06", (s4, s5)),
    Fact(acme_cloud, "revenueGrowth", Decimal("20"), "percent", "2025-04/2025-06", (s4,)),
    Fact(acme_cloud, "revenueGrowth", Decimal("21"), "percent", "2025-04/2025-06", (s5,)),
    Fact(acme_cloud, "revenueGrowth", Decimal("15"), "percent", "2025-01/2025-03", (s5,)),
]
references = [Reference(acme, "Acme", s1), Reference(jane, "Jane Roe", s1), Reference(acme, "Acme", s3),
              Reference(globex, "Globex", s3), Reference(initech, "Initech", s3)]

graph = to_graph([A, B], entities, references, statements, facts)
out = Path(__file__).resolve().parents[2] / "triples" / "examples" / "valid.ttl"
graph.serialize(out, format="longturtle")
print(f"wrote {out} ({len(graph)} triples)")
