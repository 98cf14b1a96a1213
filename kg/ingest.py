"""Read news articles from disk and clean their text for NLP.

Plain text, Markdown, HTML and JSON Lines are read into :class:`Article`.
Cleaning (page junk, curly quotes, sentences glued together by scraping)
produces ``Article.clean`` plus a map back to the text as read, so that every
offset the pipeline reports points into the file a user can open. For HTML,
the text as read is what trafilatura extracts from the page (``Article.text``),
and offsets point into that; for JSON Lines, into the line's ``text`` field.

>>> a = article_from_text("Revenue rose 13% year-on-yearThe unit grew.\\nAdvertisements\\n", "a.txt")
>>> a.clean
'Revenue rose 13% year-on-year. The unit grew.\\n\\n'
>>> s, e = a.raw_span(a.clean.index("The"), a.clean.index("grew") + 4)
>>> a.text[s:e]
'The unit grew'
"""

from __future__ import annotations

import codecs
import errno
import json
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from .errors import InputError
from .schema import Article, stable_id

__all__ = [
    "CAMEL_CASE_NAMES",
    "MAX_CHARS",
    "SUFFIXES",
    "DuplicateArticle",
    "IngestError",
    "read_articles",
    "read_path",
    "article_from_text",
    "clean_text",
]

#: File name endings read as articles, and how.
SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
            ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".ndjson": "jsonl"}

#: The longest article read, in characters (of the text as read and of the
#: cleaned text). spaCy's default ``nlp.max_length``: longer texts need more
#: memory than a news article should. ``kg build --max-chars`` changes it.
MAX_CHARS = 1_000_000


class IngestError(InputError):
    """A file, or a line of a JSON Lines file, could not be read as an article;
    the message names it and says why."""


class DuplicateArticle(IngestError):
    """An article already read from another input (same URL, or same text):
    the article is read once, and the repeat reported."""


# ----------------------------------------------------------------- cleaning

@dataclass
class _Text:
    """Text under edit that remembers, for each character, where it came from."""

    chars: str
    origin: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> "_Text":
        return cls(text, list(range(len(text))))

    def sub(self, pattern: re.Pattern[str], repl) -> None:
        """Like re.sub, but keeps the origin of characters the replacement
        keeps (via ``\\g<n>`` groups) and maps inserted ones to the match start."""
        out, origin, pos = [], [], 0
        for m in pattern.finditer(self.chars):
            out.append(self.chars[pos:m.start()])
            origin.extend(self.origin[pos:m.start()])
            for piece in repl(m):
                if isinstance(piece, int):  # keep group ``piece``
                    a, b = m.span(piece)
                    out.append(self.chars[a:b])
                    origin.extend(self.origin[a:b])
                else:  # insert text, mapped to the character before the match so
                    # that a sentence ending in an inserted full stop ends where it did
                    out.append(piece)
                    anchor = self.origin[m.start() - 1] if 0 < m.start() <= len(self.origin) else 0
                    origin.extend([anchor] * len(piece))
            pos = m.end()
        out.append(self.chars[pos:])
        origin.extend(self.origin[pos:])
        self.chars, self.origin = "".join(out), origin

    def translate(self, table: dict[int, str]) -> None:
        """One-for-one character replacement: origins stay as they are."""
        self.chars = self.chars.translate(table)


# Lines that scraping leaves from the page around an article. Each entry is a
# whole-line pattern, so a sentence that merely contains the words stays.
_JUNK_LINE = re.compile(
    r"""^[ \t]*(?:
        advertisements?|advertisement\s*:?|sponsored(?:\s+content)?|
        error(?:\s+message)?\s*:?.*protected.*|error\s+message|
        share(?:\s+(?:this|your\s+love|on\s+\w+))?|share\s+this\s+article|
        comments?(?:\s*\(\d+\))?|\d+\s+comments?|
        (?:top|bottom)\s+of\s+page|>{2,}|<{2,}|[×✕•·|]+|
        (?:written\s+by|by)\s*:?\s*(?:author\s+avatar\s+)?.*?avatar.*|author\s+avatar\s+.*|
        (?:read\s+more|related(?:\s+articles?)?|recommended|trending|most\s+read)\s*:?|
        your\s+message\s+(?:is|has\s+been)\s+successfully\s+sent!?|
        .*\b(?:subscribe|sign\s+up)\b.*\bnewsletter\b.*|.*\bnewsletter\b.*\b(?:subscribe|sign\s+up)\b.*|
        follow\s+us(?:\s+on\s+.*)?|cookie\s+(?:policy|settings).*|accept\s+(?:all\s+)?cookies|
        we\s+will\s+send\s+you\s+.*|you\s+can\s+unsubscribe\s+.*|
        click\s+here.*|print|email|tweet|whatsapp|facebook|linkedin|twitter
    )[ \t]*$""",
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)

# Markdown markup to drop: heading marks, emphasis, code ticks, and link or
# image syntax around the words (group 3 keeps the link text).
_MD_MARKUP = re.compile(r"^(#{1,6}\s+)|(\*\*|__|`)|!?\[([^\]]*)\]\([^)]*\)", re.MULTILINE)

_QUOTES = {ord("‘"): "'", ord("’"): "'", ord("‚"): "'", ord("′"): "'",
           ord("“"): '"', ord("”"): '"', ord("„"): '"', ord("″"): '"',
           0xA0: " ", 0x2009: " ", 0x202F: " ", 0x200B: " "}

#: Camel-case names that look like two glued words; the catalogue's names
#: are protected the same way when the pipeline passes them as ``keep``.
CAMEL_CASE_NAMES = (
    "LinkedIn", "ServiceNow", "DigitalOcean", "MercadoLibre", "YouTube", "PayPal", "WhatsApp", "iPhone", "iPad",
    "JavaScript", "PowerPoint", "SoftBank", "BlackRock", "MasterCard", "GlaxoSmithKline", "ExxonMobil",
    "CrowdStrike", "DoorDash", "SpaceX", "OpenAI", "DeepSeek", "ByteDance", "WeChat", "TikTok", "AliExpress",
    "MediaTek", "SenseTime", "BlackBerry", "FedEx", "GitHub", "HubSpot", "DocuSign", "SolarWinds", "MongoDB",
    "CoreWeave", "AstraZeneca", "McDonald", "McKinsey", "JetBlue", "eBay", "SharePoint", "OneDrive", "MacBook",
    "PlayStation", "StarHub", "HarmonyOS", "MiniMax", "FinDreams", "VodafoneThree", "MasOrange",
)

# Words that start sentences. Scraping that drops the space and full stop
# between two sentences leaves "increaseThe": a lower-case word run into one
# of these. Brand names written in camel case (DeepSeek, ByteDance, WeChat)
# do not end in one of them, so they are left alone.
_STARTERS = (
    "The This That These Those There Their They Then Thus To In On At For From By As An A "
    "It Its He She His Her We Our I You Notably However Meanwhile Moreover Additionally "
    "Furthermore Also Analysts According After Before During Following Since Prior While "
    "With Without But And Yet Still Despite Through Many Most Some Several Other Others "
    "Last Next Earlier Later Now Today Yesterday When Where Why How What Who Which Such "
    "Although Though Because If Unlike Like Instead Overall Separately Elsewhere"
).split()
# (every starter begins with a capital: looking for one first spares trying all of them at every character,
# which had made this a third of the time of cleaning a text)
_GLUED = re.compile(r"(?=[A-Z])(?<=[a-z0-9%)\]])(" + "|".join(sorted(_STARTERS, key=len, reverse=True)) + r")(?=[\s,])")
# The same slip before a capitalised name: a long lower-case word ("internet")
# glued to a capitalised word ("Wu"). Seven or more lower-case letters keep
# brand names (DeepSeek, MediaTek, WeChat) out, and a word that starts with a
# capital keeps camel-case names ("ThyssenKrupp", "ArcelorMittal"): only a
# word all in lower case is split.
_GLUED_NAME = re.compile(r"(?<=[a-z]{7})([A-Z][a-z]+)(?=[\s,.])")


def _title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= 0.6


def _strip_junk_lines(t: _Text) -> None:
    t.sub(_JUNK_LINE, lambda m: [""])
    # A line repeated later in the page (author boxes, captions shown twice).
    seen: set[str] = set()
    pieces = list(re.finditer(r"[^\n]+", t.chars))
    drops = []
    for m in pieces:
        key = " ".join(m.group().split()).lower()
        if len(key) > 20 and key in seen:
            drops.append(m.span())
        seen.add(key)
    # An image's alt text followed by its caption: the alt text is the line
    # just before a caption that shares most of its words. The first line
    # (the headline) and title-case lines are never alt text.
    for a, b in zip(pieces[1:], pieces[2:]):
        if _title_case(a.group()):
            continue
        wa, wb = set(re.findall(r"[a-z]{3,}", a.group().lower())), set(re.findall(r"[a-z]{3,}", b.group().lower()))
        ends = (".", "?", "!", ":")
        if (len(wa) >= 6 and not a.group().rstrip().endswith(ends) and not b.group().rstrip().endswith(ends)
                and len(wa & wb) / len(wa) >= 0.5 and not b.group().lstrip().startswith(("•", "-", "*"))):
            drops.append(a.span())
    if drops:
        out, origin, pos = [], [], 0
        for s, e in sorted(set(drops)):
            if s < pos:
                continue
            out.append(t.chars[pos:s])
            origin.extend(t.origin[pos:s])
            pos = e
        out.append(t.chars[pos:])
        origin.extend(t.origin[pos:])
        t.chars, t.origin = "".join(out), origin


@lru_cache(maxsize=8)
def _protected(keep: tuple[str, ...]) -> tuple[frozenset[str], int]:
    """The names of ``keep`` and :data:`CAMEL_CASE_NAMES` that look like two
    glued words, and the length of the longest. Made once for each list: a
    build gives every article the catalogue's names, and testing each of
    them again took most of the time of reading an article."""
    protected = frozenset(k for k in (*keep, *CAMEL_CASE_NAMES) if re.search(r"[a-z][A-Z]", k))
    return protected, max(map(len, protected), default=0)


def clean_text(text: str, *, keep: Iterable[str] = (), markdown: bool = False) -> tuple[str, list[int]]:
    """Clean scraped article text; return it with each character's origin.

    ``keep`` lists names (such as catalogue entries) that must not be split
    even where they look like two glued words.

    >>> clean_text("Alibaba’s “AI” push.\\nShare your love\\nIt grew.")[0]
    'Alibaba\\'s "AI" push.\\n\\nIt grew.'
    """
    t = _Text.of(text)
    if markdown:
        t.sub(_MD_MARKUP, lambda m: [3] if m.group(3) is not None else [])
    t.translate(_QUOTES)
    _strip_junk_lines(t)
    protected, longest = _protected(tuple(keep))

    def split_glued(m: re.Match[str]):
        # the word the match ends, looked for no further back than a
        # protected name reaches: a longer word is none of them anyway, and
        # searching the whole text before each match made long texts slow
        word = re.search(r"\S*$", t.chars[max(0, m.start() - longest):m.start()]).group() + m.group()
        return [1] if word in protected else [". ", 1]

    t.sub(_GLUED, split_glued)
    t.sub(_GLUED_NAME, lambda m: split_glued(m) if re.search(r"(?<![\w'’-])[a-z]+$", t.chars[max(0, m.start() - 40):m.start()])
          else [1])
    # "owns 51pc of", "rose 4pc": British papers' per cent, which the tokenizer would keep in one word
    t.sub(_PER_CENT_PC, lambda m: ["%"])
    # "LONDON, Jan 16 (Reuters) - Shell said ...": the dateline ends a
    # sentence of its own, so that the agency is not read as the subject
    t.sub(_DATELINE, lambda m: [1, "\n", 2])
    return t.chars, t.origin


_PER_CENT_PC = re.compile(r"(?<=\d)pc\b")
_DATELINE = re.compile(
    r"^(\W*(?:[A-Z][A-Za-z.'/ ]{1,40},\s+)?(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+)?"
    r"\((?:Reuters|AP|AFP|Bloomberg|Xinhua|Dow Jones|CNBC|MarketWatch|IANS|PTI|Yonhap|Kyodo)\)\s*[-–—]+)\s*(\S)",
    re.MULTILINE,
)


# ----------------------------------------------------------------- metadata

_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(\d{1,2}),?\s+(\d{4})"
)
_MONTHS = {m: i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}


def _find_date(head: str) -> str | None:
    """The first calendar date in ``head``: "February 30, 2025" is none.

    >>> _find_date("Posted February 30, 2025, updated March 2, 2025")
    '2025-03-02'
    """
    for m in _DATE.finditer(head):
        try:
            return date(int(m.group(3)), _MONTHS[m.group(1)], int(m.group(2))).isoformat()
        except ValueError:
            continue
    return None


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _checked_date(value: object) -> str | None:
    """A date given with an article (a JSON Lines ``date``) as kg keeps it.

    Raises ValueError, saying why, for a value that is not a string or that
    starts like an ISO date but is none ("2025-02-30", "2025-13").

    >>> _checked_date("2025-07-09"), _checked_date("2025-07"), _checked_date(None)
    ('2025-07-09', '2025-07', None)
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("is not a string (write it as \"2025-07-09\")")
    m = _ISO_DATE.match(value)
    if m:
        try:
            date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
        except ValueError:
            raise ValueError("is no calendar date") from None
    return value


def _find_title(clean: str) -> str | None:
    """The headline: among the first lines, the first short one that does not
    read as a sentence, preferring one in title case."""
    lines = [ln.strip() for ln in clean.splitlines() if ln.strip()][:8]
    candidates = [ln for ln in lines if 3 <= len(ln.split()) <= 20 and not ln.endswith((".", ":", "!"))
                  and not _DATE.match(ln)]
    for ln in candidates:
        words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", ln) if len(w) > 3]
        if words and sum(w[0].isupper() for w in words) / len(words) >= 0.5:
            return ln
    return candidates[0] if candidates else None


# ----------------------------------------------------------------- reading

def _too_long(source: str, length: int, max_chars: int) -> IngestError:
    return IngestError(source, f"is {length:,} characters long; the limit for one article is {max_chars:,}")


def article_from_text(text: str, source: str, *, title: str | None = None, url: str | None = None,
                      published: str | None = None, key: str | None = None, keep: Iterable[str] = (),
                      markdown: bool = False, max_chars: int = MAX_CHARS) -> Article:
    """Make an :class:`Article` from text: clean it, find title and date
    where not given, and give it an id from its URL or its text. A text
    longer than ``max_chars`` (before or after cleaning) is an
    :class:`IngestError`."""
    if not text.strip():
        raise IngestError(source, "no text (the file is empty or blank)")
    nul = text.find("\x00")
    if nul >= 0:  # anywhere in the text: a NUL has no place in text, nor in a graph
        raise IngestError(source, f"looks binary (a NUL character at offset {nul}), not text")
    if len(text) > max_chars:
        raise _too_long(source, len(text), max_chars)
    clean, origin = clean_text(text, keep=keep, markdown=markdown)
    if len(clean) > max_chars:  # the full stops cleaning puts between glued sentences
        raise _too_long(source, len(clean), max_chars)
    head = text[:300]
    return Article(
        id=stable_id(url or text),
        text=text,
        source=source,
        title=title or _find_title(clean),
        url=url,
        published=published or _find_date(head),
        key=key,
        clean=clean,
        offsets=tuple(origin),
    )


_FILE_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def _regular_file_size(path: Path) -> int:
    """The size of ``path`` in bytes; an :class:`IngestError` for what is no
    regular file. Reading a FIFO or a device could wait for ever, so it is
    never opened."""
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            reason = "is a loop of symbolic links"
        elif exc.errno == errno.ENOENT:
            reason = "is a symbolic link to nothing" if path.is_symlink() else "does not exist"
        else:
            reason = f"cannot be read ({exc.strerror or exc})"
        raise IngestError(path, reason) from None
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _FILE_KINDS if test(info.st_mode)), "a special file")
        raise IngestError(path, f"is {kind}, not a regular file")
    return info.st_size


#: Byte order marks and the encodings they announce; UTF-32 first, as its
#: little-endian mark starts with UTF-16's. Without a mark, text is UTF-8.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
         (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
         (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot be read ({exc.strerror or exc})") from None
    codec, name = next(((c, n) for bom, c, n in _BOMS if data.startswith(bom)), ("utf-8", "UTF-8"))
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        if b"\x00" in data:
            raise IngestError(path, "looks binary (it contains NUL bytes), not text") from None
        raise IngestError(path, f"is not {name} text (undecodable byte at offset {exc.start})") from None
    if not text.strip():
        raise IngestError(path, "is empty")
    return text


def _html_article(text: str, path: Path, keep: Iterable[str], max_chars: int) -> Article:
    import trafilatura  # imported here: only HTML input needs it

    body = trafilatura.extract(text, include_comments=False, include_tables=True, favor_precision=True)
    if not body or not body.strip():
        raise IngestError(path, "no article text found in the HTML")
    meta = trafilatura.extract_metadata(text)
    return article_from_text(
        body, str(path), keep=keep, max_chars=max_chars,
        title=getattr(meta, "title", None), url=getattr(meta, "url", None), published=getattr(meta, "date", None),
    )


def _as_ingest_error(where: str | Path, exc: Exception) -> IngestError:
    """``exc`` as the error of the input ``where``: kg's own as it is, any
    other (a library failing on odd input) with its type and message."""
    if isinstance(exc, IngestError):
        return exc
    return IngestError(where, f"could not be read ({type(exc).__name__}: {exc})")


def _jsonl_article(line: str, where: str, keep: Iterable[str], max_chars: int) -> Article:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise IngestError(where, f"is not valid JSON ({exc.msg})") from None
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise IngestError(where, "has no \"text\" field")
    for name in ("title", "url"):
        if not isinstance(row.get(name), str | None) or "\x00" in (row.get(name) or ""):
            raise IngestError(where, f"has a \"{name}\" {row[name]!r:.40} that is not a string of text")
    name = "date" if row.get("date") not in (None, "") else "published"
    try:
        published = _checked_date(row.get(name))
    except ValueError as exc:
        raise IngestError(where, f"has a \"{name}\" {row[name]!r:.40} that {exc}") from None
    return article_from_text(
        row["text"], where, keep=keep, max_chars=max_chars, title=row.get("title"), url=row.get("url"),
        published=published, key=str(row["id"]) if row.get("id") not in (None, "") else None,
    )


def _jsonl_articles(text: str, path: Path, keep: Iterable[str], max_chars: int,
                    on_error: Callable[[IngestError], None] | None) -> Iterator[Article]:
    # Lines end at "\n" only: str.splitlines would also cut at U+2028 and
    # other breaks that JSON allows, raw, inside a string.
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{n}"
        try:
            article = _jsonl_article(line, where, keep, max_chars)
        except Exception as exc:  # one line's failure, not the file's
            err = _as_ingest_error(where, exc)
            if on_error is None:
                raise err from None
            on_error(err)
            continue
        yield article


def read_path(path: str | Path, *, keep: Iterable[str] = (), max_chars: int = MAX_CHARS,
              on_error: Callable[[IngestError], None] | None = None) -> list[Article]:
    """Read one file into its articles (a JSON Lines file holds many).

    Raises :class:`IngestError` naming the file and the reason. A line of a
    JSON Lines file that cannot be read raises too, or, when ``on_error`` is
    given, is passed to ``on_error(error)`` and the other lines are read.
    ``max_chars`` limits each article's length; a file of another kind
    larger than four bytes per allowed character is not even read.
    """
    return list(_path_articles(Path(path), keep, max_chars, on_error))


def _path_articles(path: Path, keep: Iterable[str], max_chars: int,
                   on_error: Callable[[IngestError], None] | None) -> Iterator[Article]:
    """:func:`read_path`'s articles one at a time: a JSON Lines file's are
    made as they are wanted, not all at once."""
    size = _regular_file_size(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise IngestError(path, f"unknown file type {path.suffix or '(none)'}; use one of {', '.join(SUFFIXES)}")
    if kind != "jsonl" and size > 4 * max_chars:  # no encoding takes more than four bytes a character
        raise IngestError(path, f"is {size:,} bytes long; the limit for one article is {max_chars:,} characters")
    text = _decode(path)
    if kind == "html":
        yield _html_article(text, path, keep, max_chars)
    elif kind == "jsonl":
        yield from _jsonl_articles(text, path, keep, max_chars, on_error)
    else:
        yield article_from_text(text, str(path), keep=keep, markdown=kind == "markdown", max_chars=max_chars)


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            # Every name with an article's ending that is no folder: a FIFO,
            # a broken link or a loop of links is reported, not passed over.
            files.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES and not f.is_dir()))
        else:
            files.append(p)
    return files


def read_articles(paths: Iterable[str | Path], *, keep: Iterable[str] = (), max_chars: int = MAX_CHARS,
                  on_error: Callable[[IngestError], None] | None = None) -> Iterator[Article]:
    """Yield the articles in the given files and folders (folders are read
    recursively, in name order). A file or JSON Lines line that cannot be
    read, for whatever reason, raises :class:`IngestError`, or is passed to
    ``on_error(error)`` when given and skipped. An article already read (same
    URL, or same text) is read once; its repeat is a :class:`DuplicateArticle`."""
    seen: dict[str, str] = {}

    def report(err: IngestError) -> None:
        if on_error is None:
            raise err
        on_error(err)

    for path in _expand(paths):
        articles = _path_articles(path, keep, max_chars, on_error)
        while True:
            try:
                article = next(articles)
            except StopIteration:
                break
            except Exception as exc:  # one file's failure, not the build's
                report(_as_ingest_error(path, exc))
                break
            if article.id in seen:  # one article, one node
                report(DuplicateArticle(article.source, f"is a duplicate of {seen[article.id]} "
                                                        "(same text or URL); read once"))
                continue
            seen[article.id] = article.source
            yield article
