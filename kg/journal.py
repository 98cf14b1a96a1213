"""The journal of a graph: what the extractors found in each of its
articles, kept beside the graph file (``out/news.journal.sqlite`` for
``out/news.trig``) so that ``kg add`` extracts only the new articles and
``kg remove`` extracts none. Resolution is corpus-wide (a new article may
change which entity a name belongs to), so both resolve again from the
journal; it is the NLP that they save.

The journal is one SQLite file: the settings of the build (extractors,
catalogue, scorer, whether evidence quotes its sentence) and one row per
article, keyed by its content id, holding its extraction pickled and
compressed, without the article's text (a graph built with ``--no-quotes``
has a journal with no sentences either). Beside them it keeps, by name,
what a resolution of its articles left for the next (:meth:`Journal.keep`):
a change to the articles forgets it, so what it holds never describes
other articles than the journal's. Pickle runs what the file says:
a journal is kg's own working file, not something to take from others.

>>> import tempfile
>>> from kg.schema import Article
>>> path = Path(tempfile.mkdtemp()) / "news.journal.sqlite"
>>> settings = Settings(extractors=("kg.facts.v1",), catalogue=None, scorer=None, quotes=True, max_chars=1000)
>>> with Journal.create(path, settings) as journal:
...     journal.put(Extraction(Article("a1", "Acme grew.", "/news/acme.txt"), (), (), ()))
>>> with Journal.open(path) as journal:
...     [(e.id, e.file_name) for e in journal.entries()], next(journal.extractions()).article.text
([('a1', 'acme.txt')], '')
"""

from __future__ import annotations

import copyreg
import glob
import io
import json
import os
import pickle
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields, is_dataclass, replace
from operator import attrgetter
from pathlib import Path

from .errors import KgError
from .extract import Extraction
from .schema import Evidence

__all__ = ["JOURNAL_FORMAT", "JournalError", "Settings", "Entry", "Journal", "journal_path_for"]

#: Bumped when what a row holds changes (the pickled dataclasses included): an older journal is refused.
JOURNAL_FORMAT = 1


class JournalError(KgError):
    """A graph without a usable journal: the message says to rebuild it."""


@dataclass(frozen=True, slots=True)
class Settings:
    """How the graph was built; ``kg add`` extracts new articles the same way."""

    extractors: tuple[str, ...]
    #: the catalogue and scorer files, as absolute paths (None: the shipped catalogue, no scorer)
    catalogue: str | None
    scorer: str | None
    quotes: bool
    max_chars: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One article in the journal: its content id, where it was read from and its own id (a JSON Lines ``id``)."""

    id: str
    source: str
    key: str | None

    @property
    def file_name(self) -> str:
        """The name of the file it was read from (``news.jsonl:3`` for a JSON Lines line)."""
        return Path(self.source).name

    def is_named(self, name: str) -> bool:
        """Whether ``name`` names this article: its id, its own id, the file
        it was read from (by path or name; a JSON Lines file names each of
        its articles, ``news.jsonl:3`` one of them).

        >>> entry = Entry("70c829e5", "feeds/news.jsonl:3", "story-7")
        >>> [entry.is_named(n) for n in ("70c829e5", "story-7", "news.jsonl", "news.jsonl:3", "news.jsonl:4")]
        [True, True, True, True, False]
        """
        file, _, line = self.file_name.rpartition(":")
        files = {self.file_name, file} if line.isdigit() else {self.file_name}
        return name in {self.id, self.key} or Path(name).name in files


def journal_path_for(graph: str | Path) -> Path:
    """Where a graph's journal sits: next to it, named after it.

    >>> journal_path_for("out/news.trig").as_posix()
    'out/news.journal.sqlite'
    """
    graph = Path(graph)
    return graph.with_name(f"{graph.stem}.journal.sqlite")


class Journal:
    """An open journal. Its changes are one transaction: kept when a ``with``
    block ends normally (or by ``close(keep=True)``), dropped by an exception."""

    def __init__(self, connection: sqlite3.Connection, settings: Settings, path: Path, replaces: Path | None = None):
        self._db = connection
        self.settings = settings
        self.path = path
        #: where a journal being created goes once it is complete
        self._replaces = replaces

    @classmethod
    def create(cls, path: str | Path, settings: Settings) -> Journal:
        """A new, empty journal that replaces the one at ``path`` (if any) when committed."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned(path)
        building = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        db = sqlite3.connect(building, isolation_level=None)
        db.executescript("""
            CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE article (id TEXT PRIMARY KEY, source TEXT NOT NULL, key TEXT, extraction BLOB NOT NULL);
        """)
        db.execute(_KEPT)
        db.execute("BEGIN")
        db.executemany("INSERT INTO meta VALUES (?, ?)",
                       [("format", str(JOURNAL_FORMAT)), ("settings", json.dumps(asdict(settings)))])
        return cls(db, settings, building, replaces=path)

    @classmethod
    def open(cls, path: str | Path, graph: str | Path | None = None) -> Journal:
        """The journal at ``path``, for writing (one writer at a time: a second
        waits). :class:`JournalError` if there is none or it is of another
        format; its message names ``graph`` and says to rebuild it."""
        path = Path(path)
        rebuild = f"rebuild it with `kg build SOURCES -o {graph or '<graph>'}`"
        if not path.is_file():
            raise JournalError(f"{graph or path} has no journal ({path.name}): it was built by an older kg "
                               f"or the journal was deleted; {rebuild}")
        db = sqlite3.connect(path, isolation_level=None, timeout=600)
        try:
            db.execute("BEGIN IMMEDIATE")  # the write lock, taken before reading what will be changed
            meta = dict(db.execute("SELECT name, value FROM meta"))
            if meta.get("format") != str(JOURNAL_FORMAT):
                raise JournalError(f"the journal {path} is of format {meta.get('format')}, this kg reads "
                                   f"format {JOURNAL_FORMAT}; {rebuild}")
            settings = json.loads(meta["settings"])
            settings = Settings(**settings | {"extractors": tuple(settings["extractors"])})
            db.execute(_KEPT)  # (a journal of an older kg keeps nothing yet)
        except sqlite3.DatabaseError as exc:
            db.close()
            if getattr(exc, "sqlite_errorname", "") == "SQLITE_BUSY":
                raise JournalError(f"another kg add or kg remove has been changing {graph or path} for ten "
                                   "minutes; try again once it is done") from None
            raise JournalError(f"cannot read the journal {path} ({exc}); {rebuild}") from None
        except JournalError:
            db.close()
            raise
        return cls(db, settings, path)

    def entries(self) -> list[Entry]:
        """Every article, by id."""
        return [Entry(*row) for row in self._db.execute("SELECT id, source, key FROM article ORDER BY id")]

    def put(self, extraction: Extraction) -> None:
        """Keep an article's extraction (without its text; without any sentence
        either when the graph quotes none)."""
        stored = _without_text(extraction, self.settings.quotes)
        article = stored.article
        self._db.execute("DELETE FROM kept")
        self._db.execute("INSERT OR REPLACE INTO article VALUES (?, ?, ?, ?)",
                         (article.id, article.source, article.key, _packed(stored)))

    def delete(self, ids: Iterable[str]) -> None:
        self._db.execute("DELETE FROM kept")
        self._db.executemany("DELETE FROM article WHERE id = ?", [(i,) for i in ids])

    def extractions(self) -> Iterator[Extraction]:
        """Every article's extraction, by article id."""
        for (blob,) in self._db.execute("SELECT extraction FROM article ORDER BY id"):
            yield _unpacked(blob)

    def extraction(self, article_id: str) -> Extraction:
        """One article's extraction (KeyError if the journal has no such article)."""
        row = self._db.execute("SELECT extraction FROM article WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise KeyError(article_id)
        return _unpacked(row[0])

    def keep(self, name: str, value: object) -> None:
        """Keep ``value`` under ``name`` until the articles change (:meth:`put`, :meth:`delete`)."""
        self._db.execute("INSERT OR REPLACE INTO kept VALUES (?, ?)", (name, _packed(value)))

    def kept(self, name: str) -> object | None:
        """What :meth:`keep` kept under ``name`` since the articles last changed; None if nothing."""
        row = self._db.execute("SELECT value FROM kept WHERE name = ?", (name,)).fetchone()
        return None if row is None else _unpacked(row[0])

    def close(self, *, keep: bool = False) -> None:
        """Close, keeping the changes when ``keep`` (a created journal then
        takes the place of the old one), else dropping them."""
        try:
            self._db.execute("COMMIT" if keep else "ROLLBACK")
        finally:
            self._db.close()
        if self._replaces is not None:
            if keep:
                os.replace(self.path, self._replaces)
                self.path = self._replaces
            else:
                self.path.unlink(missing_ok=True)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, kind, error, trace) -> None:
        self.close(keep=kind is None)


_KEPT = "CREATE TABLE IF NOT EXISTS kept (name TEXT PRIMARY KEY, value BLOB NOT NULL)"


class _DataclassReducers:
    """A pickler's dispatch table that writes a dataclass as its class and
    field values: the ``__getstate__`` that ``dataclass(slots=True)`` adds
    calls ``dataclasses.fields`` for every object, which made pickling a
    build's extractions and resolution take a tenth of its time after the
    parse. Unpickling calls the class, so only classes whose fields are all
    positional ``__init__`` arguments are written this way."""

    def __init__(self) -> None:
        self._reducers: dict[type, object] = {}

    def __getitem__(self, cls: type):
        if cls not in self._reducers:
            own = fields(cls) if is_dataclass(cls) else ()
            names = tuple(f.name for f in own)
            ok = names and all(f.init and not f.kw_only for f in own) and hasattr(cls, "__slots__")
            self._reducers[cls] = self._reducer(cls, names) if ok else None
        reducer = self._reducers[cls]
        if reducer is None:
            return copyreg.dispatch_table[cls]  # (a pickler's own table replaces copyreg's: keep what it registers)
        return reducer

    @staticmethod
    def _reducer(cls: type, names: tuple[str, ...]):
        """The reducer of a dataclass with the fields ``names``: an attrgetter
        reads them in a third of the time a generator of getattr took."""
        if len(names) == 1:
            name = names[0]
            return lambda obj: (cls, (getattr(obj, name),))
        values = attrgetter(*names)  # (of two names or more: a tuple)
        return lambda obj: (cls, values(obj))


_REDUCERS = _DataclassReducers()


def _packed(value: object) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCERS
    pickler.dump(value)
    return zlib.compress(buffer.getvalue(), 1)


def _unpacked(blob: bytes):
    return pickle.loads(zlib.decompress(blob))


def _remove_abandoned(path: Path) -> None:
    """Remove the journals that killed builds left half made next to ``path``
    (each named after its writer's process, with SQLite's own files beside it)."""
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp*"):
        pid = leftover.name[len(path.name) + 2:].partition(".")[0]
        if pid.isdigit() and not _alive(int(pid)):
            leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _without_text(extraction: Extraction, quotes: bool) -> Extraction:
    article = replace(extraction.article, text="", clean="", offsets=(),
                      title=extraction.article.title if quotes else None)
    if quotes:
        return replace(extraction, article=article)

    def bare(ev: Evidence) -> Evidence:
        return replace(ev, quote="")

    return Extraction(article,
                      tuple((m, bare(ev)) for m, ev in extraction.mentions),
                      tuple(replace(r, evidence=bare(r.evidence)) for r in extraction.relations),
                      tuple(replace(x, evidence=bare(x.evidence)) for x in extraction.measurements))
