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

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .schema import Article, stable_id

__all__ = [
    "CAMEL_CASE_NAMES",
    "SUFFIXES",
    "IngestError",
    "read_articles",
    "read_path",
    "article_from_text",
    "clean_text",
]

#: File name endings read as articles, and how.
SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
            ".html": "html", ".htm": "html", ".jsonl": "jsonl", ".ndjson": "jsonl"}


class IngestError(Exception):
    """A file could not be read as an article; the message names file and reason."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


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
_GLUED = re.compile(r"(?<=[a-z0-9%)\]])(" + "|".join(sorted(_STARTERS, key=len, reverse=True)) + r")(?=[\s,])")
# The same slip before a capitalised name: a long lower-case run ("Internet")
# glued to a capitalised word ("Wu"). Six or more lower-case letters keep
# brand names (DeepSeek, MediaTek, WeChat) out.
_GLUED_NAME = re.compile(r"(?<=[A-Za-z][a-z]{6})([A-Z][a-z]+)(?=[\s,.])")


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
    protected = {k for k in (*keep, *CAMEL_CASE_NAMES) if re.search(r"[a-z][A-Z]", k)}

    def split_glued(m: re.Match[str]):
        word = re.search(r"\S*$", t.chars[: m.start()]).group() + m.group()
        return [m.group()] if word in protected else [". ", 1]

    t.sub(_GLUED, split_glued)
    t.sub(_GLUED_NAME, split_glued)
    # "LONDON, Jan 16 (Reuters) - Shell said ...": the dateline ends a
    # sentence of its own, so that the agency is not read as the subject
    t.sub(_DATELINE, lambda m: [1, "\n", 2])
    return t.chars, t.origin


_DATELINE = re.compile(
    r"^(\W*(?:[A-Z][A-Za-z.' ]{1,30},\s+)?(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+)?"
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
    m = _DATE.search(head)
    if not m:
        return None
    return f"{int(m.group(3)):04d}-{_MONTHS[m.group(1)]:02d}-{int(m.group(2)):02d}"


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

def article_from_text(text: str, source: str, *, title: str | None = None, url: str | None = None,
                      published: str | None = None, key: str | None = None, keep: Iterable[str] = (),
                      markdown: bool = False) -> Article:
    """Make an :class:`Article` from text: clean it, find title and date
    where not given, and give it an id from its URL or its text."""
    if not text.strip():
        raise IngestError(source, "no text (the file is empty or blank)")
    clean, origin = clean_text(text, keep=keep, markdown=markdown)
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


def _decode(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise IngestError(path, "is empty")
    if b"\x00" in data[:8192]:
        raise IngestError(path, "looks binary (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"is not UTF-8 text (undecodable byte at offset {exc.start})") from None




def _html_article(text: str, path: Path, keep: Iterable[str]) -> Article:
    import trafilatura  # imported here: only HTML input needs it

    body = trafilatura.extract(text, include_comments=False, include_tables=True, favor_precision=True)
    if not body or not body.strip():
        raise IngestError(path, "no article text found in the HTML")
    meta = trafilatura.extract_metadata(text)
    return article_from_text(
        body, str(path), keep=keep,
        title=getattr(meta, "title", None), url=getattr(meta, "url", None), published=getattr(meta, "date", None),
    )


def _jsonl_articles(text: str, path: Path, keep: Iterable[str]) -> Iterator[Article]:
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise IngestError(f"{path}:{n}", f"is not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise IngestError(f"{path}:{n}", "has no \"text\" field")
        yield article_from_text(
            row["text"], f"{path}:{n}", keep=keep, title=row.get("title"), url=row.get("url"),
            published=row.get("date") or row.get("published"),
            key=str(row["id"]) if row.get("id") not in (None, "") else None,
        )


def read_path(path: str | Path, *, keep: Iterable[str] = ()) -> list[Article]:
    """Read one file into its articles (a JSON Lines file holds many).

    Raises :class:`IngestError` naming the file and the reason.
    """
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise IngestError(path, f"unknown file type {path.suffix or '(none)'}; use one of {', '.join(SUFFIXES)}")
    text = _decode(path)
    if kind == "html":
        return [_html_article(text, path, keep)]
    if kind == "jsonl":
        return list(_jsonl_articles(text, path, keep))
    return [article_from_text(text, str(path), keep=keep, markdown=kind == "markdown")]


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES))
        else:
            files.append(p)
    return files


def read_articles(paths: Iterable[str | Path], *, keep: Iterable[str] = (),
                  on_error=None) -> Iterator[Article]:
    """Yield the articles in the given files and folders (folders are read
    recursively, in name order). A file that cannot be read, or that repeats
    an article already read, raises :class:`IngestError`, or is passed to
    ``on_error(error)`` when given and skipped."""
    seen: dict[str, str] = {}
    for path in _expand(paths):
        try:
            if not path.exists():
                raise IngestError(path, "does not exist")
            for article in read_path(path, keep=keep):
                if article.id in seen:  # one article, one node: the same text twice is read once
                    raise IngestError(article.source, f"has the same text as {seen[article.id]}; read once")
                seen[article.id] = article.source
                yield article
        except IngestError as err:
            if on_error is None:
                raise
            on_error(err)
