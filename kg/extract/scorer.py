"""A learned relation scorer: a logistic regression over the relations the
rules propose, from features of the candidate (the rule that fired, the
relation, the classes and kinds of its mentions, the words between them,
how far apart they stand in the parse). ``kg train`` fits it
(:mod:`kg.learn`); ``kg build --scorer FILE`` drops candidates it scores
under its threshold and keeps its probability as the evidence's confidence.

The model is a small JSON file of feature weights, so applying it needs no
machine-learning library.

>>> s = Scorer({"rule=a": 2.0}, bias=-1.0, threshold=0.5)
>>> round(s.probability({"rule=a": 1.0}), 3), round(s.probability({"rule=b": 1.0}), 3)
(0.731, 0.269)
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from spacy.tokens import Doc

from ..schema import RELATIONS, Article, Relation

__all__ = ["FEATURES_VERSION", "PAIR", "Scorer", "relation_features", "pair_candidates", "load_scorer"]

#: The feature set a model was trained on; a model of another version is refused.
FEATURES_VERSION = "kg.scorer.v1"


@dataclass(frozen=True)
class Scorer:
    weights: dict[str, float]
    bias: float
    threshold: float
    meta: dict = field(default_factory=dict)

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-z))

    def rescore(self, relations: Iterable[Relation], parsed) -> list[Relation]:
        """Of the rules' relations and every other pair the schema allows in
        a sentence, keep those rated at the threshold or above, each with its
        probability as the evidence's confidence."""
        relations = list(relations)
        article, doc = parsed.article, parsed.doc
        out = []
        for r in relations + pair_candidates(parsed, relations):
            p = self.probability(relation_features(r, article, doc))
            if p >= self.threshold:
                out.append(replace(r, evidence=replace(r.evidence, confidence=round(p, 3))))
        return out

    def save(self, path: str | Path) -> None:
        """Write the model as JSON: sorted keys, rounded weights, so that the
        same training gives the same file."""
        data = {"features": FEATURES_VERSION, "bias": round(self.bias, 6), "threshold": round(self.threshold, 4),
                "meta": self.meta, "weights": {k: round(v, 6) for k, v in sorted(self.weights.items()) if round(v, 6)}}
        Path(path).write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def load_scorer(path: str | Path) -> Scorer:
    """Read a model written by :meth:`Scorer.save`; a ValueError says what is wrong."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a kg scorer model ({exc})") from None
    if not isinstance(data, dict) or data.get("features") != FEATURES_VERSION:
        raise ValueError(f"{path}: a model of features {data.get('features') if isinstance(data, dict) else None!r}; "
                         f"this kg reads {FEATURES_VERSION!r} (retrain it with kg train)")
    return Scorer({k: float(v) for k, v in data["weights"].items()}, float(data["bias"]), float(data["threshold"]),
                  data.get("meta", {}))


def _bucket(n: int, edges: Iterable[int] = (0, 2, 5, 10, 20)) -> str:
    for edge in edges:
        if n <= edge:
            return f"<={edge}"
    return "more"


def _clean_offset(article: Article, raw: int) -> int:
    """An offset into the text as read back into the cleaned text NLP saw."""
    if not article.offsets:
        return raw
    return min(bisect_left(article.offsets, raw), len(article.offsets) - 1)


def relation_features(relation: Relation, article: Article, doc: Doc) -> dict[str, float]:
    """The features of one candidate relation (names are ``kind=value``);
    the words between its mentions count per relation ("investsIn|between=buy")."""
    s, o, ev = relation.subject, relation.object, relation.evidence
    rule = ev.rule or ev.extractor
    rel = relation.predicate
    out = {f"rule={rule}": 1.0, f"rel={rel}": 1.0, f"ext={ev.extractor}": 1.0, f"ruled={rule != PAIR}": 1.0,
           f"rel_ruled={rel}|{rule != PAIR}": 1.0,
           f"classes={s.label}>{o.label}": 1.0, f"skind={s.source}": 1.0, f"okind={o.source}": 1.0,
           f"rel_skind={relation.predicate}|{s.source}": 1.0, f"rel_okind={relation.predicate}|{o.source}": 1.0,
           f"order={'so' if s.start <= o.start else 'os'}": 1.0}
    spans = []
    for m in (s, o):
        span = doc.char_span(_clean_offset(article, m.start), _clean_offset(article, m.end), alignment_mode="expand")
        spans.append(span)
    if all(spans):
        a, b = sorted(spans, key=lambda x: x.start)
        between = doc[a.end:b.start]
        out[f"gap={_bucket(len(between))}"] = 1.0
        out[f"rel_gap={rel}|{_bucket(len(between))}"] = 1.0
        for t in between[:12]:
            if t.is_alpha:
                out[f"between={t.lemma_.lower()}"] = 1.0
                out[f"{rel}|between={t.lemma_.lower()}"] = 1.0
        path = _bucket(_path_length(a.root, b.root))
        out[f"path={path}"] = 1.0
        out[f"rel_path={rel}|{path}"] = 1.0
        out[f"deps={a.root.dep_}>{b.root.dep_}"] = 1.0
        out[f"same_sentence={a.root.sent == b.root.sent}"] = 1.0
    words = len(re.findall(r"\w+", ev.quote)) if ev.quote else 0
    out[f"sentence={_bucket(words, (10, 20, 35, 60))}"] = 1.0
    return out


#: The rule name of a candidate no rule proposed: every pair of mentions in
#: a sentence whose classes a relation allows.
PAIR = "scorer.pair"


def pair_candidates(parsed, known: Iterable[Relation], max_tokens: int = 30) -> list[Relation]:
    # ``parsed`` is a kg.extract.base.Parsed (not imported: base imports this module)
    """Every relation the schema allows between two mentions of a sentence
    that ``known`` (the rules' relations) does not already state there."""

    stated = {(r.subject.start, r.predicate, r.object.start) for r in known}
    out = []
    for clause in parsed.clauses:
        ms = [m for m in clause.mentions if m.kind != "anaphor"]
        for a in ms:
            for b in ms:
                if a.key == b.key or abs(a.start - b.start) > max_tokens * 8:
                    continue
                for rel, spec in RELATIONS.items():
                    if (a.label == spec.domain or rel == "restricts" and a.label == "Place") and b.label in spec.range:
                        if spec.symmetric and a.start > b.start:
                            continue
                        s, o = parsed.mention(a), parsed.mention(b)
                        if (s.start, rel, o.start) in stated:
                            continue
                        out.append(Relation(s, rel, o, parsed.evidence(clause, PAIR, 0.0, PAIR)))
    return out


def _path_length(a, b) -> int:
    """Edges between two tokens in the dependency tree."""
    up = {}
    t, n = a, 0
    while True:
        up[t.i] = n
        if t.head == t:
            break
        t, n = t.head, n + 1
    t, n = b, 0
    while t.i not in up:
        if t.head == t:
            return 99
        t, n = t.head, n + 1
    return n + up[t.i]
