"""Training the relation scorer (:mod:`kg.extract.scorer`) on annotated
articles: every relation the rules propose is a candidate, labelled by
whether the article's gold file states it.

``train_scorer`` is seeded and deterministic: the same articles, gold and
seed give the same model file. The decision threshold is the one that gives
the best relation F1 in cross-validation by article (each article's
candidates are scored by a model that never saw that article).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .evaluate import Gold, read_gold, select_gold
from .extract import DEFAULT_EXTRACTORS, Gazetteer, load_pipeline
from .extract.base import parse_article, run_extractors
from .extract.scorer import Scorer, pair_candidates, relation_features
from .ingest import IngestError, read_articles
from .model import load_catalogue
from .schema import RELATIONS, Relation

__all__ = ["Candidate", "candidates", "read_golds", "train_scorer"]


@dataclass(frozen=True)
class Candidate:
    article: str
    features: dict[str, float]
    label: bool
    triple: tuple[str, str, str]  # by gold label where the gold names it


def _names(m) -> set[str]:
    return {m.name, m.text, m.text.removesuffix("'s").removesuffix("’s")}


def _gold_triple(gold: Gold, r: Relation) -> tuple[str, str, str]:
    s = gold.label_of(_names(r.subject)) or r.subject.name
    o = gold.label_of(_names(r.object)) or r.object.name
    if RELATIONS[r.predicate].symmetric and s > o:
        s, o = o, s
    return s, r.predicate, o


def candidates(paths: Iterable[str | Path], golds: dict[str, Gold], *, catalogue: str | Path | None = None,
               model: str | None = None, progress: Callable[[Iterable], Iterable] | None = None,
               on_error: Callable[[IngestError], None] | None = None) -> list[Candidate]:
    """The labelled candidates of every article under ``paths`` that has a
    gold file in ``golds`` (by the article's own id, else its file name). An
    input that cannot be read goes to ``on_error`` and is left out (see
    :func:`kg.ingest.read_articles`)."""
    entries = load_catalogue(catalogue)
    gazetteer = Gazetteer(entries)
    keep = [a for e in entries for a in e.aliases]
    articles = [a for a in read_articles(paths, keep=keep, on_error=on_error) if _name(a) in golds]
    if not articles:
        return []
    nlp = load_pipeline(model)
    out = []
    for article in (progress(articles) if progress else articles):
        parsed = parse_article(article, nlp, gazetteer)
        relations, _ = run_extractors(parsed, DEFAULT_EXTRACTORS)
        gold = golds[_name(article)]
        for r in relations + pair_candidates(parsed, relations):
            triple = _gold_triple(gold, r)
            out.append(Candidate(_name(article), relation_features(r, article, parsed.doc), triple in gold.relations, triple))
    return out


def _name(article) -> str:
    return article.key or Path(article.source).stem


def read_golds(gold_dirs: Sequence[str | Path], skip: str | None = None) -> dict[str, Gold]:
    """Every gold file in ``gold_dirs``, less those ``skip`` names (see
    :func:`kg.evaluate.select_gold`): the check half is never trained on."""
    paths = [p for d in gold_dirs for p in sorted(Path(d).glob("*.tsv"))]
    if skip:
        skipped = {p.stem for p in select_gold(paths, skip)}
        paths = [p for p in paths if p.stem not in skipped]
    return {p.stem: read_gold(p) for p in paths}


def _f1(kept: Iterable[Candidate], gold_total: int) -> float:
    tp = len({(c.article, c.triple) for c in kept if c.label})
    fp = len({(c.article, c.triple) for c in kept if not c.label})
    return 2 * tp / (2 * tp + fp + (gold_total - tp)) if gold_total + fp else 0.0


def train_scorer(cands: Sequence[Candidate], golds: dict[str, Gold], *, seed: int = 0, folds: int = 5) -> Scorer:
    """Fit the scorer on ``cands``; pick the threshold by cross-validation."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    if len({c.label for c in cands}) < 2:
        raise ValueError("training needs candidates the gold confirms and candidates it does not")
    gold_total = sum(len(g.relations) for name, g in golds.items() if any(c.article == name for c in cands))

    def fit(rows: Sequence[Candidate]):
        vec = DictVectorizer(sort=True)
        x = vec.fit_transform([c.features for c in rows])
        clf = LogisticRegression(C=0.5, solver="lbfgs", random_state=seed, max_iter=2000)
        clf.fit(x, [c.label for c in rows])
        return vec, clf

    groups = [c.article for c in cands]
    scored: list[tuple[float, Candidate]] = []
    for train, test in GroupKFold(n_splits=min(folds, len(set(groups)))).split(cands, groups=groups):
        vec, clf = fit([cands[i] for i in train])
        probs = clf.predict_proba(vec.transform([cands[i].features for i in test]))[:, 1]
        scored += [(float(p), cands[i]) for p, i in zip(probs, test)]
    thresholds = sorted({round(p, 2) for p, _ in scored} | {0.0})
    best = max(thresholds, key=lambda t: (_f1([c for p, c in scored if p >= t], gold_total), -t))
    vec, clf = fit(cands)
    weights = {name: float(w) for name, w in zip(vec.get_feature_names_out(), clf.coef_[0])}
    meta = {"seed": seed, "articles": sorted(set(groups)), "candidates": len(cands),
            "cv_f1": round(_f1([c for p, c in scored if p >= best], gold_total), 4),
            "cv_f1_without": round(_f1([c for c in cands if c.features.get("ruled=True")], gold_total), 4)}
    return Scorer(weights, float(clf.intercept_[0]), best, meta)

