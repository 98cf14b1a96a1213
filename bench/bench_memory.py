"""Peak memory of `kg build` as the corpus grows (issue 9: at most 1.3× from
1,000 to 10,000 articles). Not a test: a measurement. Prints a Markdown
section for bench/RESULTS.md.

Each build runs in its own process (``python -m kg build CORPUS -o OUT -j 1
-q``); its peak resident memory is the ``ru_maxrss`` that ``os.wait4``
reports for it. The corpus is generated (bench/corpus.py, short articles:
``--words``) into a temporary folder; the smaller corpus is the start of
the larger one. ``--baseline COMMIT`` builds the same corpora with the kg of
that commit too (checked out with ``git worktree`` into a temporary folder
and run with the same Python), in the same run.

``--synthetic`` leaves the NLP out, to reach sizes the trained pipeline
takes hours over on this machine: each template of bench/corpus.py is
parsed and extracted once, for real, and a generated article's extraction is
its template's (the mentions, relations and facts in its window) with the
same names swapped as in its text; the build runs as usual with the blank
pipeline. This measures everything after the parse (resolution, the RDF,
writing, the store) at full scale; parsing holds one batch at a time.

Run:  python bench/bench_memory.py [--sizes 100 1000] [--words 80] [--baseline 66bd25d] [--synthetic]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import plan, templates, write_corpus  # noqa: E402

ROOT = HERE.parent


def peak_build(tree: Path, corpus: Path, out: Path, synthetic: list[str] | None = None) -> tuple[float, float, str]:
    """Peak RSS (MB) and seconds of one ``kg build`` of ``corpus`` with the kg
    in ``tree``, and its summary line. ``synthetic``: the arguments of
    :func:`synthetic_build` but the first two, to build without NLP."""
    env = dict(os.environ, PYTHONPATH=str(tree), KG_CACHE_DIR=str(out.parent / "cache"))
    build = ["build", str(corpus), "-o", str(out), "-j", "1", "-q"]
    command = ["-m", "kg", *build] if synthetic is None else [__file__, "--synthetic-build", *synthetic, *build]
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *command],
                            cwd=tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"kg build failed in {tree}:\n{stderr}")
    return usage.ru_maxrss / 1024, seconds, stdout.strip()


def extract_templates(path: Path) -> None:
    """Parse and extract every template of bench/corpus.py once (the trained
    pipeline), and pickle the extractions to ``path``, by template name."""
    from kg.extract import Gazetteer, extract_article, load_pipeline
    from kg.ingest import article_from_text
    from kg.model import load_catalogue

    entries = load_catalogue()
    gazetteer, keep = Gazetteer(entries), [alias for e in entries for alias in e.aliases]
    nlp = load_pipeline()
    extractions = {}
    for template in templates():
        article = article_from_text(template.text, template.name, keep=keep)
        extractions[template.name] = extract_article(article, nlp, gazetteer)
    path.write_bytes(pickle.dumps(extractions))


def synthetic_build(extractions: Path, seed: str, words: str, *build: str) -> None:
    """Run ``kg build`` (arguments ``build``) on a generated corpus with the
    blank pipeline, each article's extraction made from its template's (see
    the module's doc). Runs in the measured process, with the kg measured."""
    import kg.pipeline
    from kg.cli import cli
    from kg.extract.nlp import blank_pipeline

    cached = pickle.loads(extractions.read_bytes())

    def extraction(article, *args, **kwargs):
        p = plan(int(article.key.rsplit("-", 1)[1]), seed=int(seed), words=int(words) if words != "all" else None)
        inside = lambda ev: p.start <= ev.start and ev.end <= p.end  # noqa: E731
        evidence = lambda ev: replace(ev, article_id=article.id, quote=p.swap(ev.quote))  # noqa: E731
        mention = lambda m: replace(m, text=p.swap(m.text), key=p.swap(m.key))  # noqa: E731
        ex = cached[p.template.name]
        return replace(
            ex, article=article,
            mentions=tuple((mention(m), evidence(ev)) for m, ev in ex.mentions if inside(ev)),
            relations=tuple(replace(r, subject=mention(r.subject), object=mention(r.object), evidence=evidence(r.evidence))
                            for r in ex.relations if inside(r.evidence)),
            measurements=tuple(replace(x, subject=mention(x.subject), evidence=evidence(x.evidence))
                               for x in ex.measurements if inside(x.evidence)))

    blank = blank_pipeline()
    kg.pipeline.load_pipeline = lambda model=None: blank
    kg.pipeline.extract_article = extraction
    cli.main(list(build), prog_name="kg")


@contextmanager
def checkout(commit: str):
    """The tree of ``commit`` in a temporary git worktree."""
    folder = Path(tempfile.mkdtemp(prefix="kg-baseline-"))
    subprocess.run(["git", "worktree", "add", "-q", "--detach", str(folder), commit], cwd=ROOT, check=True)
    try:
        yield folder
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[100, 1000], metavar=("SMALL", "LARGE"))
    parser.add_argument("--words", type=int, default=80, help="about this many words an article")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", metavar="COMMIT", help="also build with the kg of this commit")
    parser.add_argument("--synthetic", action="store_true", help="no NLP: extractions made from the templates'")
    if sys.argv[1:2] == ["--synthetic-build"]:
        synthetic_build(Path(sys.argv[2]), *sys.argv[3:])
        return
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kg-bench-memory-") as tmp:
        tmp = Path(tmp)
        corpora = {n: write_corpus(n, tmp / f"corpus-{n}", seed=args.seed, words=args.words) for n in args.sizes}
        words = {n: sum(len(json.loads(line)["text"].split()) for line in path.open(encoding="utf-8"))
                 for n, path in corpora.items()}
        synthetic = None
        if args.synthetic:
            extract_templates(tmp / "templates.pickle")
            synthetic = [str(tmp / "templates.pickle"), str(args.seed), str(args.words or "all")]
        trees = {"this tree": ROOT}
        with checkout(args.baseline) if args.baseline else _nothing() as baseline:
            if baseline:
                trees = {f"baseline {args.baseline}": baseline, **trees}
            rows = []
            for name, tree in trees.items():
                for n in args.sizes:
                    mb, seconds, summary = peak_build(tree, corpora[n], tmp / f"{name[:4]}-{n}" / "out.trig", synthetic)
                    rows.append((name, n, mb, seconds, summary))
                    print(f"{name}, {n} articles: {mb:,.0f} MB, {seconds:,.0f} s ({summary})", file=sys.stderr)

    small, large = args.sizes
    print("## Peak memory of `kg build` as the corpus grows\n")
    print(f"Command: `python bench/bench_memory.py --sizes {small} {large} --words {args.words}"
          f"{f' --baseline {args.baseline}' if args.baseline else ''}{' --synthetic' if args.synthetic else ''}`"
          f"{' (no NLP: extractions made from the templates, see the bench)' if args.synthetic else ''}. Machine: {os.cpu_count()} cores, "
          f"Linux {platform.release()}, Python {platform.python_version()}; load average {os.getloadavg()[0]:.1f} "
          f"after the run (other work shares the cores). One run per row; `kg build -j 1`, peak RSS from "
          f"`wait4`. Corpus: generated by bench/corpus.py (seed {args.seed}), short articles "
          f"({words[large] / large:,.0f} words each on average), "
          f"{small:,} and {large:,} articles.\n")
    print(f"| tree | articles | peak RSS (MB) | seconds | {large:,} vs {small:,} |")
    print("|---|---:|---:|---:|---:|")
    by = {(name, n): (mb, s) for name, n, mb, s, _ in rows}
    for name, n, mb, seconds, _ in rows:
        ratio = f"{mb / by[(name, small)][0]:.2f}×" if n == large else ""
        print(f"| {name} | {n:,} | {mb:,.0f} | {seconds:,.0f} | {ratio} |")
    print()
    for name, n, _, _, summary in rows:
        print(f"- {name}, {n:,}: `{summary}`")
    mb_small, s_small = by[("this tree", small)]
    mb_large, s_large = by[("this tree", large)]
    per_article_mb = (mb_large - mb_small) / (large - small)
    per_article_s = (s_large - s_small) / (large - small)
    print(f"\nExtrapolation to 100,000 articles of this tree, from the growth between the two sizes: "
          f"{per_article_mb * 1024:,.1f} KB and {per_article_s:.2f} s per article, so about "
          f"{mb_large + per_article_mb * (100_000 - large):,.0f} MB peak and "
          f"{s_large + per_article_s * (100_000 - large):,.0f} s for 100,000 of these short articles.")


@contextmanager
def _nothing():
    yield None


if __name__ == "__main__":
    main()
