"""Scoring a graph against gold annotations (../shared/SCHEMA.md, "Gold
files"): precision, recall and F1 for entities, relations and facts, per
article and in total, with what was missed and what was wrong.

Matching is by name: a predicted entity matches a gold entity when any of
its names (label or altLabel) equals any gold alias, ignoring case and the
kind of apostrophe. Entities must also agree on class. Symmetric relations
count once per pair. Facts match leniently on subject, metric and value, or
strictly on unit and period too. Rows marked ``# ambiguous`` are kept by
default; with ``drop_ambiguous`` they are neither required nor penalised.

>>> Score(8, 2, 2).f1
0.8
"""

from __future__ import annotations

import csv
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .model import KG, ArticleRecord
from .model import _entity as entity_of
from .schema import RELATIONS
from .store import iri_list, select_rows

__all__ = ["Score", "Gold", "read_gold", "select_gold", "read_records", "Evaluation", "evaluate"]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return round(2 * p * r / (p + r), 4) if p + r else 0.0

    def add(self, other: "Score") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


def _fold(name: str) -> str:
    return " ".join(name.replace("’", "'").lower().split())


@dataclass
class Gold:
    """One article's gold rows."""

    name: str
    entities: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)  # label -> (class, folded aliases)
    relations: dict[tuple[str, str, str], bool] = field(default_factory=dict)  # triple -> ambiguous
    facts: dict[tuple[str, str, Decimal, str, str | None], bool] = field(default_factory=dict)

    def label_of(self, names: Iterable[str]) -> str | None:
        folded = {_fold(n) for n in names}
        for label, (_, aliases) in self.entities.items():
            if folded & aliases:
                return label
        return None


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def read_gold(path: str | Path) -> Gold:
    """Read one gold TSV file."""
    path = Path(path)
    gold = Gold(path.stem)
    ambiguous = False
    with open(path, encoding="utf-8", newline="") as fh:
        header = None
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("#"):
                ambiguous = ambiguous or line.lstrip("# ").startswith("ambiguous")
                continue
            if not line.strip():
                continue
            row = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
            if header is None:
                header = row
                continue
            rec = dict(zip(header, row + [""] * (len(header) - len(row))))
            kind = rec["kind"]
            if kind == "ent":
                aliases = frozenset(_fold(a) for a in rec["object"].split("|") if a) | {_fold(rec["subject"])}
                gold.entities[rec["subject"]] = (rec["relation"], aliases)
            elif kind == "rel":
                s, r, o = rec["subject"], rec["relation"], rec["object"]
                if RELATIONS.get(r) and RELATIONS[r].symmetric and s > o:
                    s, o = o, s
                gold.relations[(s, r, o)] = ambiguous
            elif kind == "fact":
                value = _decimal(rec["value"])
                if value is not None:
                    gold.facts[(rec["subject"], rec["relation"], value, rec["unit"], rec["period"] or None)] = ambiguous
            ambiguous = False
    return gold


def select_gold(paths: Iterable[Path], only: str) -> list[Path]:
    """The gold files named by ``only``: comma-separated names, or
    ``FILE.toml:KEY`` for the list of names under KEY in a TOML file.
    A name that has no gold file is a ValueError.

    >>> [p.name for p in select_gold([Path("a01.tsv"), Path("a02.tsv")], "a02")]
    ['a02.tsv']
    """
    file, sep, key = only.rpartition(":")
    if sep and file.endswith(".toml"):
        with open(file, "rb") as fh:
            table = tomllib.load(fh)
        if key not in table:
            raise KeyError(f"{file} has no list '{key}' (it has: {', '.join(table)})")
        names = [str(n) for n in table[key]]
    else:
        names = [n.strip() for n in only.split(",") if n.strip()]
    by_name = {p.stem: p for p in paths}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ValueError(f"no gold file for {', '.join(unknown)}")
    return [by_name[n] for n in names]


@dataclass
class Evaluation:
    entities: Score = field(default_factory=Score)
    entities_untyped: Score = field(default_factory=Score)
    #: per class: gold entities found with that class (tp), entities given
    #: that class that gold has not, or has with another class (fp), and gold
    #: entities of that class not found with it (fn)
    per_class: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    relations: Score = field(default_factory=Score)
    per_relation: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    #: per rule, the relations it stated that gold has (tp) and has not (fp)
    per_rule: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    facts_lenient: Score = field(default_factory=Score)
    facts_strict: Score = field(default_factory=Score)
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # (article, kind, row)
    wrong: list[tuple[str, str, str]] = field(default_factory=list)
    articles: int = 0

    def rule_report(self) -> str:
        """Precision per rule: how many of the relations each rule stated
        the gold has. A relation stated by two rules counts for both."""
        lines = [f"{'rule':<34}{'precision':>10}{'tp':>6}{'fp':>5}"]
        for name, x in sorted(self.per_rule.items(), key=lambda kv: (-kv[1].tp - kv[1].fp, kv[0])):
            lines.append(f"{name:<34}{x.precision:>10.3f}{x.tp:>6}{x.fp:>5}")
        return "\n".join(lines)

    def report(self, *, details: int = 25) -> str:
        """A text report: the scores, then up to ``details`` misses and errors."""
        def row(name: str, x: Score) -> str:
            return f"{name:<22}{x.precision:>10.3f}{x.recall:>8.3f}{x.f1:>8.3f}{x.tp:>6}{x.fp:>5}{x.fn:>5}"
        lines = [f"{self.articles} articles", f"{'':<22}{'precision':>10}{'recall':>8}{'F1':>8}{'tp':>6}{'fp':>5}{'fn':>5}",
                 row("entities", self.entities)]
        lines += [row(f"  {name}", score) for name, score in sorted(self.per_class.items())]
        lines.append(row("relations", self.relations))
        lines += [row(f"  {name}", score) for name, score in sorted(self.per_relation.items())]
        lines += [row("facts (lenient)", self.facts_lenient), row("facts (strict)", self.facts_strict)]
        for title, items in (("missed", self.missed), ("wrong", self.wrong)):
            if items and details:
                lines.append(f"\n{title} ({len(items)}{', first ' + str(details) if len(items) > details else ''}):")
                lines += [f"  {article} {kind:<8} {text}" for article, kind, text in items[:details]]
        return "\n".join(lines)

    def as_dict(self) -> dict:
        def s(x: Score) -> dict:
            return {"precision": round(x.precision, 4), "recall": round(x.recall, 4), "f1": x.f1,
                    "tp": x.tp, "fp": x.fp, "fn": x.fn}
        return {
            "articles": self.articles,
            "entities": s(self.entities),
            "entities_untyped": s(self.entities_untyped),
            "per_class": {k: s(v) for k, v in sorted(self.per_class.items())},
            "relations": s(self.relations),
            "per_relation": {k: s(v) for k, v in sorted(self.per_relation.items())},
            "facts_lenient": s(self.facts_lenient),
            "facts_strict": s(self.facts_strict),
            "per_rule": {k: s(v) for k, v in sorted(self.per_rule.items())},
        }


def _match_entities(gold: Gold, record: ArticleRecord, ev: Evaluation, name: str, typed: bool) -> dict[str, str]:
    """One-to-one matching of predicted to gold entities; returns predicted
    label -> gold label for every predicted entity that names a gold one."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    score = Score()
    for label, (type_, names) in sorted(record.entities.items()):
        g = gold.label_of(names)
        if g is not None:
            mapping[label] = g
        if g is not None and g not in taken and (not typed or gold.entities[g][0] == type_):
            taken.add(g)
            score.tp += 1
            if typed:
                ev.per_class[type_].tp += 1
        else:
            score.fp += 1
            if typed:
                ev.per_class[type_].fp += 1
                ev.wrong.append((name, "entity", f"{label} ({type_})" + (f" ~ gold {g} ({gold.entities[g][0]})" if g else "")))
    missing = [g for g in gold.entities if g not in taken]
    score.fn += len(missing)
    if typed:
        for g in missing:
            ev.per_class[gold.entities[g][0]].fn += 1
        ev.missed.extend((name, "entity", f"{g} ({gold.entities[g][0]})") for g in missing)
        ev.entities.add(score)
    else:
        ev.entities_untyped.add(score)
    return mapping


def read_records(source, names: Iterable[str] | None = None) -> dict[str, ArticleRecord]:
    """Per article (its own id, else its file name): the entities it mentions, the relations and the
    facts with evidence from it, all by label. ``source`` is an rdflib Graph or a store
    (:func:`kg.store.select_rows` reads either); ``names`` (gold names, as :func:`evaluate` pairs
    them: without extension) keeps the articles so named, and only their evidence is read, so that
    scoring a few articles of a big store costs what those articles hold."""
    # one pattern a query, joined here: Oxigraph reads a single pattern several times faster than a join
    own_ids, files = (dict(select_rows(source, f"SELECT ?node ?value WHERE {{ ?node {prop} ?value }}"))
                      for prop in ("schema:identifier", "kg:fileName"))
    file_of = {article: str(own_ids.get(article) or files.get(article))
               for article, in select_rows(source, "SELECT ?article WHERE { ?article a kg:Article }")}
    if names is not None:
        wanted = set(names)
        file_of = {article: name for article, name in file_of.items() if Path(name).stem in wanted}
    if not file_of:
        return {}
    # the evidence of the articles read, from each kind of node it supports; VALUES last: both engines
    # then start from the articles (rdflib's took 5.9 s for the mentions of five articles otherwise)
    of_articles = f"?ev prov:wasDerivedFrom ?article . VALUES ?article {{ {iri_list(file_of)} }}"
    mentions = list(select_rows(source, f"""
            SELECT ?article ?entity WHERE {{ ?mention kg:evidence ?ev ; a kg:Mention ; kg:denotes ?entity .
                                             {of_articles} }}"""))
    statements = list(select_rows(source, f"""
            SELECT ?article ?s ?p ?o ?rule ?extractor WHERE {{
              ?statement kg:evidence ?ev ; a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
              OPTIONAL {{ ?ev kg:rule ?rule }}
              OPTIONAL {{ ?ev kg:extractor ?extractor }}
              {of_articles}
            }}"""))
    facts = list(select_rows(source, f"""
            SELECT ?article ?subject ?metric ?value ?unit ?period WHERE {{
              ?fact kg:evidence ?ev ; a kg:Fact ; kg:subject ?subject ; kg:value ?value .
              OPTIONAL {{ ?fact kg:metric ?metric }}
              OPTIONAL {{ ?fact kg:unit ?unit }}
              OPTIONAL {{ ?fact kg:period ?period }}
              {of_articles}
            }}"""))
    entities = _entity_names(source, {row[1] for row in mentions} | {e for row in statements for e in row[1:4:2]}
                             | {row[1] for row in facts})

    records: dict[str, ArticleRecord] = {}

    def note(article: str, entity: str) -> tuple[ArticleRecord, str]:
        name = file_of[article]
        record = records.setdefault(name, ArticleRecord(name))
        label, cls, aliases = entities[entity]
        record.entities[label] = (cls, aliases)
        return record, label

    for article, entity in mentions:
        if entity in entities:
            note(article, entity)
    for article, s, p, o, rule, extractor in statements:
        if s in entities and o in entities:
            record, subject = note(article, s)
            triple = (subject, str(p).removeprefix(str(KG)), note(article, o)[1])
            record.relations.add(triple)
            record.rules[triple].add(str(rule or extractor))
    for article, subject, metric, value, unit, period in facts:
        if subject in entities:
            record, label = note(article, subject)
            record.facts.add((label, str(metric), Decimal(str(value)), str(unit), str(period) if period else None))
    return records


def _entity_names(source, iris: set[str]) -> dict[str, tuple[str, str, frozenset[str]]]:
    """Of these IRIs, those of an entity of one of the five classes: IRI -> (label, class, its names)."""
    if not iris:
        return {}
    types, labels, aliases = defaultdict(set), {}, defaultdict(set)
    for node, cls, label, alias in select_rows(source, f"""
            SELECT ?node ?class ?label ?alias WHERE {{
              VALUES ?node {{ {iri_list(iris)} }}
              {{ ?node a ?class }} UNION {{ ?node rdfs:label ?label }} UNION {{ ?node skos:altLabel ?alias }}
            }}"""):
        if cls is not None:
            types[node].add(str(cls))
        if label is not None:
            labels.setdefault(node, str(label))
        if alias is not None:
            aliases[node].add(str(alias))
    # the Entity each node was written from, as kg.model reads it back (None: no entity)
    entities = {node: entity_of(types[node], [labels.get(node, "None")], aliases[node], ()) for node in types}
    return {node: (e.label, e.type, e.aliases | {e.label}) for node, e in entities.items() if e is not None}


def evaluate(records: dict[str, ArticleRecord], golds: Iterable[Gold], *, drop_ambiguous: bool = False) -> Evaluation:
    """Score the per-article records of a graph against gold files. Articles
    are paired by file name without extension."""
    ev = Evaluation()
    by_stem = {Path(name).stem: rec for name, rec in records.items()}
    for gold in golds:
        ev.articles += 1
        record = by_stem.get(gold.name, ArticleRecord(gold.name))
        mapping = _match_entities(gold, record, ev, gold.name, typed=True)
        _match_entities(gold, record, ev, gold.name, typed=False)

        predicted = set()
        rules: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for s, r, o in record.relations:
            triple = (s, r, o)
            s, o = mapping.get(s, s), mapping.get(o, o)
            if RELATIONS[r].symmetric and s > o:
                s, o = o, s
            predicted.add((s, r, o))
            rules[(s, r, o)] |= record.rules.get(triple, set())
        for triple in sorted(predicted):
            amb = gold.relations.get(triple)
            if amb and drop_ambiguous:
                continue
            hit = triple in gold.relations
            ev.relations.add(Score(tp=int(hit), fp=int(not hit)))
            ev.per_relation[triple[1]].add(Score(tp=int(hit), fp=int(not hit)))
            for rule in rules[triple]:
                ev.per_rule[rule].add(Score(tp=int(hit), fp=int(not hit)))
            if not hit:
                made_by = f"  ({', '.join(sorted(rules[triple]))})" if rules[triple] else ""
                ev.wrong.append((gold.name, "relation", " ".join(triple) + made_by))
        for triple, amb in sorted(gold.relations.items()):
            if triple not in predicted and not (amb and drop_ambiguous):
                ev.relations.add(Score(fn=1))
                ev.per_relation[triple[1]].add(Score(fn=1))
                ev.missed.append((gold.name, "relation", " ".join(triple) + (" [ambiguous]" if amb else "")))

        _score_facts(gold, record, mapping, ev, drop_ambiguous)
    return ev


def _score_facts(gold: Gold, record: ArticleRecord, mapping: dict[str, str], ev: Evaluation, drop_ambiguous: bool) -> None:
    predicted = {(mapping.get(s, s), m, v, u, p) for s, m, v, u, p in record.facts}
    for strict, score in ((False, ev.facts_lenient), (True, ev.facts_strict)):
        def key(f):
            return f if strict else f[:3]
        gold_keys: dict[tuple, bool] = {}
        for f, amb in gold.facts.items():
            gold_keys[key(f)] = gold_keys.get(key(f), True) and amb
        pred_keys = {key(f) for f in predicted}
        for k in sorted(pred_keys, key=str):
            if gold_keys.get(k) and drop_ambiguous:
                continue
            hit = k in gold_keys
            score.add(Score(tp=int(hit), fp=int(not hit)))
            if not hit and not strict:
                ev.wrong.append((gold.name, "fact", " ".join(map(str, k))))
        for k, amb in sorted(gold_keys.items(), key=lambda kv: str(kv[0])):
            if k not in pred_keys and not (amb and drop_ambiguous):
                score.add(Score(fn=1))
                if not strict:
                    ev.missed.append((gold.name, "fact", " ".join(map(str, k)) + (" [ambiguous]" if amb else "")))
