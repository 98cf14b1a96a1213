"""kg.ingest: cleaning, offsets back to the file, metadata and every input kind."""

from __future__ import annotations

import json

import pytest

from kg.ingest import SUFFIXES, IngestError, article_from_text, clean_text, read_articles, read_path


def raw_of(article, phrase: str) -> str:
    """The text as read that ``phrase`` in ``article.clean`` maps back to."""
    i = article.clean.index(phrase)
    s, e = article.raw_span(i, i + len(phrase))
    return article.text[s:e]


# ---------------------------------------------------------------- junk lines

JUNKY = """Acme Cloud Revenue Jumps As Orders Pile Up
March 4, 2025
By Jane Writer, Senior Technology Correspondent
Sign up for our newsletter to get the best tech stories every morning
Acme said revenue rose 21% from a year earlier.
Advertisements
Error message
Share this article
Share your love
Acme engineers checking server racks inside the new Springfield data centre
Acme engineers check server racks at the new Springfield data centre in February
Roe said the next phase starts in summer.
By Jane Writer, Senior Technology Correspondent
"""


@pytest.fixture
def junky():
    return article_from_text(JUNKY, "junky.txt")


@pytest.mark.parametrize("junk", [
    "Sign up for our newsletter",
    "Advertisements",
    "Error message",
    "Share this article",
    "Share your love",
    "Acme engineers checking server racks",  # alt text just before its caption
])
def test_junk_line_removed(junky, junk):
    assert junk in junky.text
    assert junk not in junky.clean


def test_duplicated_author_line_kept_once(junky):
    assert junky.text.count("By Jane Writer, Senior Technology Correspondent") == 2
    assert junky.clean.count("By Jane Writer, Senior Technology Correspondent") == 1


def test_caption_and_sentences_kept(junky):
    for kept in ("Acme engineers check server racks at the new Springfield data centre in February",
                 "Acme said revenue rose 21% from a year earlier.",
                 "Roe said the next phase starts in summer."):
        assert kept in junky.clean


def test_sentence_merely_mentioning_junk_words_stays():
    text = "Acme said advertisements and newsletter sign-ups drove growth.\nShare prices rose 4% on Monday.\n"
    assert clean_text(text)[0] == text


def test_curly_quotes_become_straight():
    clean, _ = clean_text("Acme’s “flagship” chip is ‘ready’.")
    assert clean == "Acme's \"flagship\" chip is 'ready'."


def test_no_break_space_becomes_space():
    assert clean_text("40\u00a0billion yuan")[0] == "40 billion yuan"


# ---------------------------------------------------------------- glued sentences

def test_glued_sentences_split():
    clean, _ = clean_text("Revenue rose 21% year-on-yearThe company also hired staff.")
    assert clean == "Revenue rose 21% year-on-year. The company also hired staff."


def test_glued_name_split():
    clean, _ = clean_text("Acme moved into the cloud softwareMorgan said on Monday.")
    assert "software. Morgan said" in clean


@pytest.mark.parametrize("brand", ["DeepSeek", "ByteDance", "WeChat", "MediaTek", "OpenAI", "iPhone", "ThyssenKrupp",
                                   "ArcelorMittal", "HeidelbergCement"])
def test_camel_case_brands_intact(brand):
    text = f"Acme said {brand} is a customer, and {brand}, it said, pays on time."
    assert clean_text(text)[0] == text


def test_a_camel_case_name_left_whole_keeps_its_offsets():
    a = article_from_text("Acme beat ThyssenKrupp Marine Systems and LinkedIn said so.", "t.txt")
    for name in ("ThyssenKrupp", "LinkedIn"):
        start = a.clean.index(name)
        s, e = a.raw_span(start, start + len(name))
        assert a.text[s:e] == name


def test_keep_protects_names():
    assert clean_text("LinkedIn said it would hire.", keep=["LinkedIn"])[0] == "LinkedIn said it would hire."


@pytest.mark.parametrize("brand", ["LinkedIn", "ServiceNow", "DigitalOcean", "MercadoLibre"])
def test_camel_case_brands_ending_in_starter_intact(brand):
    text = f"{brand} said it would hire 200 engineers."
    assert clean_text(text)[0] == text


# ---------------------------------------------------------------- offsets

def test_raw_span_maps_back_after_junk_and_split():
    text = ("Acme Posts Results\nAdvertisements\nRevenue rose 21% year-on-yearThe unit’s “growth” held.\n"
            "Share this article\nGlobex said it agreed.\n")
    a = article_from_text(text, "a.txt")
    for phrase in ("The unit's", "growth", "Globex said it agreed.", "Revenue rose 21%", "year-on-year"):
        raw = raw_of(a, phrase)
        assert raw.replace("’", "'").replace("“", '"') == phrase
    assert raw_of(a, "The unit's") == "The unit’s"
    assert len(a.offsets) == len(a.clean)


def test_raw_span_of_every_word_matches():
    text = "Hooli’s deal\nSign up for our newsletter today\nAcme grew 5% year-on-yearThe end.\n"
    a = article_from_text(text, "w.txt")
    import re

    for m in re.finditer(r"[A-Za-z0-9%-]+", a.clean):
        s, e = a.raw_span(m.start(), m.end())
        assert a.text[s:e] == m.group()


def test_raw_span_of_sentence_ending_at_inserted_stop():
    a = article_from_text("Revenue rose 21% year-on-yearThe unit grew.", "a.txt")
    end = a.clean.index(".") + 1
    s, e = a.raw_span(0, end)
    assert a.text[s:e] == "Revenue rose 21% year-on-year"


def test_raw_span_without_offsets_is_identity():
    from kg.schema import Article

    assert Article(id="x", text="abc", source="a.txt").raw_span(1, 3) == (1, 3)


# ---------------------------------------------------------------- metadata

def test_title_and_date_detected(junky):
    assert junky.title == "Acme Cloud Revenue Jumps As Orders Pile Up"
    assert junky.published == "2025-03-04"


def test_title_skips_sentences_and_dates():
    a = article_from_text("July 9, 2025\nAcme said it grew.\nGlobex Wins Big Contract\nBody text here.", "t.txt")
    assert a.title == "Globex Wins Big Contract"
    assert a.published == "2025-07-09"


def test_no_title_no_date():
    a = article_from_text("Acme said it grew.\nIt hired staff.\n", "t.txt")
    assert a.title is None and a.published is None


def test_given_metadata_wins():
    a = article_from_text("Acme Posts Results\nMarch 4, 2025\nAcme grew.", "t.txt", title="Given", published="2024-01-02")
    assert (a.title, a.published) == ("Given", "2024-01-02")


# ---------------------------------------------------------------- stable ids

def test_same_content_same_id():
    assert article_from_text("Acme grew.", "a.txt").id == article_from_text("Acme grew.", "b.txt").id


def test_different_content_different_id():
    assert article_from_text("Acme grew.", "a.txt").id != article_from_text("Acme shrank.", "a.txt").id


def test_url_decides_id():
    a = article_from_text("Acme grew.", "a.txt", url="https://x.example/1")
    b = article_from_text("Acme grew a lot.", "b.txt", url="https://x.example/1")
    c = article_from_text("Acme grew.", "a.txt", url="https://x.example/2")
    assert a.id == b.id != c.id


def test_reading_twice_gives_same_ids(data_dir):
    first = [(a.id, a.clean) for a in read_articles([data_dir / "articles"])]
    second = [(a.id, a.clean) for a in read_articles([data_dir / "articles"])]
    assert first == second and len({i for i, _ in first}) == len(first)


# ---------------------------------------------------------------- file kinds

def test_text_file(data_dir):
    (a,) = read_path(data_dir / "articles" / "01_acme_results.txt")
    assert a.title == "Acme Cloud Revenue Jumps As Data Centre Orders Pile Up"
    assert a.published == "2025-03-04"
    assert "year-on-year. The company credited \"strong demand\"" in a.clean
    assert "DeepSeek, ByteDance and WeChat" in a.clean
    for junk in ("newsletter", "Advertisements", "Error message", "Share this article", "checking server racks"):
        assert junk not in a.clean
    assert a.clean.count("By Jane Writer") == 1
    assert raw_of(a, "The company credited \"strong demand\"") == "The company credited “strong demand”"


def test_markdown_markup_dropped_offsets_into_file(data_dir):
    path = data_dir / "articles" / "02_globex_lab.md"
    (a,) = read_path(path)
    assert a.text == path.read_text(encoding="utf-8")
    assert a.title == "Globex Opens Robotics Lab in Shelbyville"
    assert a.published == "2025-06-02"
    assert "Globex said its Initech partnership would put 40 engineers" in a.clean
    assert "The lab will test Widget-7 arms" in a.clean
    for markup in ("#", "**", "`", "](", "https://example.com"):
        assert markup not in a.clean
    for phrase in ("Robotics Lab", "Initech", "Widget-7", "partnership would put 40 engineers"):
        assert raw_of(a, phrase) == phrase


def test_html_body_kept_boilerplate_dropped(data_dir):
    (a,) = read_path(data_dir / "articles" / "03_initech_stake.html")
    assert a.title == "Initech Buys Stake in Umbrella Robotics"
    assert a.published == "2025-05-14"
    for body in ("bought a 12% stake in Umbrella Robotics", "competes with Globex",
                 "Dana Smith said the money would pay for a second factory"):
        assert body in a.clean
    for boilerplate in ("Log in to your reader account", "Markets", "Copyright", "All rights reserved",
                        "Privacy policy", "Contact the newsroom", "<p>", "Example Business Wire"):
        assert boilerplate not in a.clean


def test_html_without_text_is_an_error(tmp_path):
    p = tmp_path / "empty.html"
    p.write_text("<html><head><title>x</title></head><body><script>var shown = 1;</script></body></html>")
    with pytest.raises(IngestError, match="no article text"):
        read_path(p)


def test_jsonl_fields(data_dir):
    path = data_dir / "articles" / "04_wire.jsonl"
    arts = read_path(path)
    assert [a.title for a in arts] == ["Hooli Signs Cloud Deal With Acme", "Vandelay Industries Opens Office in Ogdenville"]
    assert [a.url for a in arts] == ["https://news.example.com/hooli-acme", "https://news.example.com/vandelay"]
    assert [a.published for a in arts] == ["2025-07-09", "2025-08-01"]  # "date" and "published" fields
    assert [a.source for a in arts] == [f"{path}:1", f"{path}:3"]  # line numbers, blank line skipped
    assert arts[0].text.startswith("Hooli has signed")


@pytest.mark.parametrize("bad, reason", [
    ("{not json", "is not valid JSON"),
    ('{"title": "no text"}', 'has no "text" field'),
    ('["a list"]', 'has no "text" field'),
    ('{"text": "   "}', "no text"),
])
def test_jsonl_bad_line_names_file_and_line(tmp_path, bad, reason):
    p = tmp_path / "wire.jsonl"
    good = json.dumps({"text": "Acme grew."})
    p.write_text(f"{good}\n\n{bad}\n{good}\n", encoding="utf-8")
    with pytest.raises(IngestError, match=reason) as exc:
        read_path(p)
    assert f"{p}:3" in str(exc.value)


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("name, data, reason", [
    ("empty.txt", b"", "is empty"),
    ("blank.txt", b"  \n\t\n", "is empty"),
    ("binary.txt", b"Acme\x00\x01\x02 grew", "looks binary"),
    ("latin1.txt", "Acme opened an office in Zürich.".encode("latin-1"), "is not UTF-8"),
    ("page.pdf", b"%PDF-1.4 Acme", "unknown file type .pdf"),
    ("README", b"Acme grew.", "unknown file type (none)"),
])
def test_bad_files(tmp_path, name, data, reason):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(IngestError) as exc:
        read_path(p)
    assert reason in str(exc.value)
    assert str(p) in str(exc.value)
    assert exc.value.path == str(p)


def test_unknown_extension_lists_known_ones(tmp_path):
    p = tmp_path / "a.xyz"
    p.write_text("Acme grew.")
    with pytest.raises(IngestError) as exc:
        read_path(p)
    for suffix in SUFFIXES:
        assert suffix in exc.value.reason


def test_utf8_bom_is_dropped(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes("\ufeffAcme grew.".encode("utf-8"))
    (a,) = read_path(p)
    assert a.text == "Acme grew."


def test_directory_read_recursively_in_name_order(data_dir):
    arts = list(read_articles([data_dir / "articles"]))
    names = [a.source.replace(str(data_dir / "articles") + "/", "") for a in arts]
    assert names == ["01_acme_results.txt", "02_globex_lab.md", "03_initech_stake.html",
                     "04_wire.jsonl:1", "04_wire.jsonl:3", "archive/05_old_note.txt"]  # notes.csv is not an article


def test_on_error_collects_and_continues(tmp_articles):
    (tmp_articles / "00_empty.txt").write_bytes(b"")
    (tmp_articles / "02a_binary.md").write_bytes(b"\x00\x00\x00")
    (tmp_articles / "archive" / "06_latin1.txt").write_bytes("Caf\xe9".encode("latin-1"))
    errors = []
    arts = list(read_articles([tmp_articles, tmp_articles / "missing.txt"], on_error=errors.append))
    assert len(arts) == 6
    assert [e.path.rsplit("/", 1)[-1] for e in errors] == ["00_empty.txt", "02a_binary.md", "06_latin1.txt", "missing.txt"]
    assert all(isinstance(e, IngestError) for e in errors)
    assert "does not exist" in errors[-1].reason


def test_without_on_error_it_raises(tmp_articles):
    (tmp_articles / "00_empty.txt").write_bytes(b"")
    with pytest.raises(IngestError, match="00_empty.txt: is empty"):
        list(read_articles([tmp_articles]))


def test_missing_file_raises():
    with pytest.raises(IngestError, match="does not exist"):
        list(read_articles(["no/such/file.txt"]))


def test_blank_text_is_an_error():
    with pytest.raises(IngestError, match="no text"):
        article_from_text(" \n ", "x.txt")


def test_headline_before_standfirst_is_not_alt_text():
    text = ("Globex Profit Doubles As Robot Sales Surge In Europe\n"
            "Globex said profit doubled in the June quarter as robot sales in Europe surged\n"
            "Globex, the robot maker, said on Monday that its profit doubled.\n")
    a = article_from_text(text, "x.txt")
    assert a.title == "Globex Profit Doubles As Robot Sales Surge In Europe"
    assert a.clean.startswith("Globex Profit Doubles")


def test_a_dateline_of_two_places_ends_a_sentence_of_its_own():
    from kg.ingest import clean_text

    text, _ = clean_text("NEW YORK/LONDON, May 5 (Reuters) - Globex said on Monday it closed its fund.")
    assert text.startswith("NEW YORK/LONDON, May 5 (Reuters) -\nGlobex said")


def test_british_per_cent_written_pc_is_read_as_a_percent_sign():
    """'owns 51pc of', 'rose 4pc': the tokenizer keeps '51pc' in one word, which no number rule reads;
    the offsets still lead back to the text as written, and 'PCs' stays."""
    text = "Vodafone, which owns 51pc of VodafoneThree, rose 4pc. PCs sold."
    clean, origin = clean_text(text)
    assert clean == "Vodafone, which owns 51% of VodafoneThree, rose 4%. PCs sold."
    assert text[origin[clean.index("51%")]:origin[clean.index("51%") + 1] + 1] == "51"
