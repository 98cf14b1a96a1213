"""Relation rules: lexical triggers and dependency cues over one clause.

Each rule is a function ``rule(clause) -> iterable of (subject, relation,
object, confidence)`` registered in :data:`RULES` under the relation it
reads. None of them knows any entity by name: they read the words around
mentions whose class the mention finder has settled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from .context import Clause
from .mentions import DEMONYMS, PUBLIC_BODY_NOUNS, ROLE_WORDS, SPEECH, Found
from .places import place_names
from .words import load_words

__all__ = ["RULES", "apply_rules", "name_parts", "role_relation"]

Triple = tuple[Found, str, Found, float]
RULES: dict[str, Callable[[Clause], Iterable[Triple]]] = {}


def rule(name: str):
    def register(fn):
        RULES[name] = fn
        return fn
    return register


_LIST_GAP = re.compile(
    r"^[\s,:;&(]*(?:(?:and|or|as well as|like|such as|including|especially|notably|from|with|against|"
    r"the|other|global|domestic|international|rivals?|competitors?|peers?|players|giants?|companies|firms|"
    r"tech|technology|cloud|providers?|platforms?|newer|e-commerce|[A-Z][a-z]+'s|[a-z]+ly)\b[\s,:;&(]*)*$"
)


def _listed(c: Clause, start: int, labels=("Organization",), limit: int = 80) -> list[Found]:
    """The mentions in a list that begins at ``start``: "Tencent, Baidu, and
    global rivals like Amazon". The list ends at the first gap that is more
    than separators and list words."""
    out, pos = [], start
    for m in c.after(start):
        gap = c.doc_text[pos:m.start]
        if len(gap) > limit or not _LIST_GAP.match(gap):
            break
        if m.label in labels:
            out.append(m)
        elif m.label not in ("Product", "Place"):
            break
        pos = m.end
        # "OpenAI's GPT models": skip the possessed product to reach the next name
        tail = re.match(r"'s?\s+(?:[\w-]+\s+){0,3}?", c.doc_text[pos:pos + 40])
        if tail:
            nxt = next((x for x in c.after(pos) if x.label == "Product"), None)
            if nxt and nxt.start - pos <= tail.end() + 15:
                pos = nxt.end
                end_words = re.match(r"(?:\s+(?:models?|LLMs?|chips?|apps?))*", c.doc_text[pos:pos + 20])
                pos += end_words.end()
    return out


def _near_trigger(c: Clause, pattern: re.Pattern[str]) -> Iterable[re.Match[str]]:
    """The cue words of ``pattern`` in the sentence, but not inside a name
    ("Quistor Partners", "Star Alliance" cue no partnership)."""
    names = None  # read at the first cue: most sentences have none
    for m in pattern.finditer(c.doc_text, c.sent.start_char, c.sent.end_char):
        if m.end() == m.start():
            yield m
            continue
        if names is None:
            names = [f for f in c.orgs() if f.kind not in {"anaphor", "description"}]
        if not any(f.start <= m.start() and m.end() <= f.end for f in names):
            yield m


# ------------------------------------------------------------ competition
_COMPETE = re.compile(
    r"\b(?:rivals?|rivalry|rival(?:ing|ed)|competitors?|competition|compet(?:e|es|ed|ing)|on par with|take on|takes on|"
    r"vie[sd]? with|contenders?|versus|vs\.?|challengers?|outspend(?:s|ing)?|pressure on|"
    r"(?:price|subsidy|market share)?\s?(?:battle|war|fight) with|take (?:market )?(?:share|ground) from|"
    r"took (?:market )?(?:share|ground) from|los(?:e|t|ing) (?:market )?share to)\b",
    re.IGNORECASE,
)


@rule("competesWith")
def competition(c: Clause) -> Iterable[Triple]:
    """"Alibaba faces competition from Tencent, Baidu and Huawei", "Key rivals
    include:" followed by bullets, a table cell "Fierce competition from X"."""
    doc = c.doc_text
    covered = 0
    for t in _near_trigger(c, _COMPETE):
        if t.start() < covered:
            continue  # "competition from X, Y and global rivals like Z": one list
        subject = c.row or c.subject(t.start()) or c.main
        rivals = _listed(c, t.end())
        for r in rivals:
            if subject is not None and r.key != subject.key:
                yield subject, "competesWith", r, 0.7
        covered = rivals[-1].end if rivals else covered
    for o in c.orgs():
        m = re.match(r"'s?\s+(?:[a-z-]+\s+){0,2}(?:rival|competitor|challenger)\b", doc[o.end:o.end + 40])
        if m:
            named = next((x for x in c.after(o.end + m.end(), "Organization") if x.start - (o.end + m.end()) <= 2), None)
            other = named or c.subject(o.start) or _verb_subject(c, o.start)
            if other is not None and other.key != o.key:
                yield o, "competesWith", other, 0.65
    lead = c.lead or c.main
    if c.lead_text and lead is not None and _COMPETE.search(c.lead_text):
        first = next(iter(c.orgs()), None)
        if first is not None and first.key != lead.key:
            yield lead, "competesWith", first, 0.6


# ------------------------------------------------------------ products
_DEVELOP = re.compile(
    r"\b(?:unveil(?:s|ed|ing)?|launch(?:es|ed|ing)?|releas(?:e|es|ed|ing)|introduc(?:e|es|ed|ing)|develop(?:s|ed|ing)?|"
    r"buil(?:d|ds|t|ding)|roll(?:s|ed|ing)? out|debut(?:s|ed)?|reveal(?:s|ed|ing)?|announc(?:e|es|ed|ing)|"
    r"open-sourc(?:e|es|ed|ing)|updat(?:e|es|ed|ing)|design(?:s|ed|ing)?|creat(?:e|es|ed|ing)|mak(?:e|es|ing)|made|"
    r"leading with|train(?:s|ed|ing)?)\b",
    re.IGNORECASE,
)
_USE = re.compile(
    r"\b(?:integrat(?:e|es|ed|ing|ion of)|deploy(?:s|ed|ing|ment of)?|adopt(?:s|ed|ing|ion of)?|us(?:e|es|ed|ing)|"
    r"powered by|runs? on|rel(?:y|ies|ied|ying) on|licens(?:e|es|ed|ing)|tap(?:s|ped|ping)?|chose|cho(?:o)?sen|select(?:s|ed))\b",
    re.IGNORECASE,
)


def _governing_subject(c: Clause, offset: int, labels=("Organization",), climb: int = 6) -> Found | None:
    """The mention that is the grammatical subject of the verb at
    ``offset``, or of the nearest verb above it within ``climb`` steps
    ("Beijing-based JD, founded by ..., launched X": JD; "The Commission
    last year imposed a tariff": the Commission)."""
    token = next((t for t in c.sent if t.idx >= offset), None)
    for _ in range(climb + 1):
        if token is None or not token.dep_:
            return None
        if token.pos_ in {"VERB", "AUX"}:
            for child in token.children:
                if child.dep_ in {"nsubj", "nsubjpass"}:
                    return next((m for m in c.mentions if m.label in labels and m.start <= child.idx < m.end), None)
        if token.head == token:
            return None
        token = token.head
    return None


def _verb_subject(c: Clause, offset: int) -> Found | None:
    """The organisation that is the subject of the verb at ``offset`` itself."""
    return _governing_subject(c, offset, climb=0)


_MADE_BY = re.compile(r"\b(?:designed|developed|created|invented|built|made)\s+(?:in-house\s+)?by\s+", re.I)


def _possessed_products(c: Clause) -> Iterable[tuple[Found, Found]]:
    """"OpenAI's GPT models", "Alibaba's flagship AI model, Tongyi Qianwen",
    "its Ernie LLM": (owner, product) pairs."""
    doc = c.doc_text
    for p in c.of("Product"):
        window = doc[max(c.start, p.start - 60):p.start]
        m = re.search(r"(?:'s?|\b[Ii]ts|\b[Tt]heir)\s+(?:[\w-]+\s+){0,4}?(?:[\w-]+,\s+(?:the\s+)?)?$", window)
        if not m or re.search(r"\b(?:powered|backed|by|of|with|using|to|for|from)\b", window[m.start():]):
            continue
        if m.group().startswith("'"):
            owner = next((o for o in c.orgs() if o.end == p.start - len(window) + m.start()), None)
        else:
            owner = c.subject(p.start) or c.row or c.lead or c.previous or c.main
            if owner is not None and owner.end > p.start:
                owner = None
        if owner is not None and owner.label == "Organization":
            yield owner, p


@rule("develops")
def development(c: Clause) -> Iterable[Triple]:
    """Possessives ("Google's Gemini"), a maker right before its product
    ("Nvidia RTX Pro 6000D", "Tencent (Hunyuan model)"), a develop verb with
    the maker before it, and a table row's first cell."""
    doc = c.doc_text
    for owner, p in _possessed_products(c):
        if not re.search(r"powered by|backed by|integrat|deploy|adopt|us(?:e|es|ing)\b", doc[max(c.start, p.start - 80):p.start]):
            yield owner, "develops", p, 0.7
    for o in c.orgs():
        nxt = next(iter(c.after(o.end)), None)
        if nxt is not None and nxt.label == "Product" and re.fullmatch(r"\s*\(?\s*", doc[o.end:nxt.start]):
            yield o, "develops", nxt, 0.75
    for t in _near_trigger(c, _DEVELOP):
        grammatical = _verb_subject(c, t.start())
        subject = grammatical or c.subject(t.start())
        if subject is None and t.group().lower().startswith("leading"):
            subject = c.lead or c.row
        if subject is None:
            continue
        gap = doc[subject.end:t.start()]
        if grammatical is None and (len(gap) > 80 or re.search(r"\b(?:that|which|who)\b", gap)
                                    and not re.search(r"announced that", doc[subject.end:t.end()])):
            continue
        for p in c.after(t.end(), "Product"):
            between = doc[t.end():p.start]
            if re.search(r"\b(?:built upon|built on|based on|powered by|rival|compete|take on|than)\b", between):
                break
            if any(o.start >= t.end() and o.end <= p.start and o.label == "Organization" and not doc[o.end:o.end + 2].startswith("'")
                   for o in c.orgs()):
                break
            yield subject, "develops", p, 0.65
    if c.row is not None:
        for p in c.of("Product"):
            if p.start > c.row.end:
                yield c.row, "develops", p, 0.6
    # "Trainium2, the custom AI chip designed by Annapurna Labs"
    for t in _near_trigger(c, _MADE_BY):
        maker = next((o for o in c.after(t.end() - 1, "Organization") if o.start - t.end() <= 2), None)
        product = next(iter(reversed(c.before(t.start(), "Product"))), None)
        if maker is not None and product is not None and len(doc[product.end:t.start()]) < 60:
            yield maker, "develops", product, 0.65
    # "JoyAI, its in-house large language model"; "OpenAI's models, including GPT-5"
    for p in c.of("Product"):
        m = re.match(r",\s+(?:its|their)\s+(?:[\w-]+\s+){0,4}?(?:model|chip|processor|app|platform|service|drug|product|brand)s?\b",
                     doc[p.end:p.end + 80])
        owner = c.subject(p.start) or c.previous or c.main
        if m and owner is not None:
            yield owner, "develops", p, 0.6
    for t in _near_trigger(c, re.compile(r"'s?\s+(?:[\w-]+\s+){0,2}?(?:models|chips|products|drugs|apps|services|brands),?\s+"
                                         r"(?:including|such as|like)\s+", re.I)):
        owner = _org_ending_at(c, t.start() + 2)
        if owner is not None:
            for p in _listed(c, t.end() - 1, ("Product",)):
                yield owner, "develops", p, 0.6


@rule("basedOn")
def foundation(c: Clause) -> Iterable[Triple]:
    """"X, a reasoning model built upon Y": one product built on another."""
    for t in _near_trigger(c, re.compile(r"\b(?:built (?:up)?on(?: top of)?|based on|derived from|fine-tuned from|a version of)\b", re.I)):
        before, after = c.before(t.start(), "Product"), c.after(t.end(), "Product")
        if before and after and after[0].start - t.end() <= 60:
            base = before[-1] if t.start() - before[-1].end < 80 else before[0]
            yield base, "basedOn", after[0], 0.7


@rule("uses")
def adoption(c: Clause) -> Iterable[Triple]:
    """"China Unicom agreed to deploy X", "Apple's integration of Qwen", "the
    AI arm (powered by its Qwen model)"."""
    doc = c.doc_text
    for t in _near_trigger(c, _USE):
        user = None
        if t.group().lower().startswith("powered by"):
            user = next(iter(reversed(c.before(t.start(), "Organization"))), None)
        else:
            poss = re.search(r"'s?\s+$", doc[max(c.start, t.start() - 4):t.start()])
            if poss:
                user = next((o for o in c.orgs() if o.end == t.start() - len(poss.group())), None)
            user = user or c.subject(t.start())
        if user is None:
            continue
        users = [u for u in _listed(c, user.start - 1) if u.end <= t.start()] or [user]
        pos = t.end()
        for p in c.after(t.end(), "Product"):
            gap = doc[pos:p.start]
            if len(gap) > 60 or pos > t.end() and not re.fullmatch(r"\s*(?:,|and|&|or)\s*(?:[\w-]+\s+){0,2}", gap):
                break
            for u in users:
                yield u, "uses", p, 0.6
            pos = p.end


# ------------------------------------------------------------ partners and suppliers
_PARTNER = re.compile(
    r"\b(?:collaborat(?:e|es|ed|ing|ion)|partner(?:s|ed|ing|ship|ships)?|alliance|joint venture|team(?:s|ed)? up|"
    r"cooperat(?:e|es|ed|ing|ion)|tie-up|(?:signed|struck|inked|reached|agreed) (?:a|an) (?:new\s+)?(?:[\w-]+\s+)?"
    r"(?:deal|agreement|pact|accord)|work(?:s|ing|ed)? (?:together )?with|joined forces with)\b",
    re.IGNORECASE,
)


#: what a deal is for when it is a sale ("a deal to supply B", "an agreement to buy"; words.json supply_verbs, acquire_verbs)
_SALE_AFTER = re.compile(rf"\s+(?:to|for)\s+(?:the\s+)?(?:{'|'.join(load_words()['supply_verbs'] + load_words()['acquire_verbs'] + ['order'])})\w*\b",
                         re.IGNORECASE)


@rule("partnerOf")
def partnership(c: Clause) -> Iterable[Triple]:
    """"Apple has chosen to collaborate with Alibaba"; "Through this
    collaboration, X will ... Y": the organisations a cooperation joins."""
    for t in _near_trigger(c, _PARTNER):
        if re.match(r"partnerships? in\b", c.doc_text[t.start():t.end() + 4]):
            continue
        if re.search(r"(?:deal|agreement|pact|accord)$", t.group(), re.IGNORECASE) and _SALE_AFTER.match(c.doc_text, t.end()):
            continue  # "struck a deal to supply Y with ...", "signed an agreement to buy": a sale, no partnership
        before = [o for o in c.before(t.start(), "Organization") if not c.is_source(o) and not c.is_modifier(o)]
        after = _listed(c, t.end()) or [o for o in c.after(t.end(), "Organization")][:1]
        # "Microsoft and OpenAI signed a new agreement", "BHP and Lundin team up
        # on a takeover of Filo": the cooperation joins the list that makes it
        named = c.before(t.start(), "Organization")  # ("Lundin Mining team up": the parser's noun "team")
        group = next((g for g in (_listed(c, o.start - 1) for o in named[:-1]) if len(g) >= 2 and g[-1] == named[-1]), [])
        with_whom = re.search(r"with$", t.group(), re.I) or re.match(r"\s+with\b", c.doc_text[t.end():t.end() + 6])
        if group and len(c.doc_text[group[-1].end:t.start()].split()) <= 3 and not with_whom:
            for a, b in zip(group, group[1:]):
                yield a, "partnerOf", b, 0.65
        elif before and after:
            subject = before[-1] if len(before) == 1 else c.subject(t.start()) or before[-1]
            for o in after:
                yield subject, "partnerOf", o, 0.7
        elif not before:
            # "Through this collaboration, X will ... Y": the first two named after it
            following = c.after(t.end(), "Organization")
            if len(following) >= 2:
                yield following[0], "partnerOf", following[1], 0.55
        break


_SUPPLY = re.compile(
    # not "sell ... to": selling a business to a buyer is an acquisition (kg/extract/rules/ownership.json)
    r"\b(?:suppl(?:y|ies|ied|ying)|provid(?:e|es|ed|ing)|offer(?:s|ed|ing)?|deliver(?:s|ed|ing)?|ship(?:s|ped|ping)?)\b",
    re.IGNORECASE,
)
# "an offer for X", "offered to buy X": a bid for the company, no goods
# ("an offer of $5bn for X", "offered 200p a share for X")
_BID = re.compile(r"offer(?:s|ed)?\s+(?:of\s+)?(?:[^\s.;]*\d[^\s.;]*\s+(?:[a-z]+\s+){0,3}?)?(?:for|to\s+(?:buy|acquire|take|purchase|pay))\b",
                  re.IGNORECASE)
# the client after a supply word ("ships on order, according to X": X is the source)
_TO = re.compile(r"\b(?<!according )(?:to|for)\s+$")
_RELIANCE = re.compile(r"\b(?:reliance|dependence|relying|depending|reliant|dependent)\s+on\s+|\b(?=\w+\s+reliance\b)", re.IGNORECASE)


@rule("supplies")
def supply(c: Clause) -> Iterable[Triple]:
    """"X offers services to Y"; "Y agreed to deploy X's chips"; "reduce
    reliance on X" (X supplies the subject)."""
    doc = c.doc_text
    for t in _near_trigger(c, _SUPPLY):
        supplier = c.subject(t.start())
        if supplier is None or _BID.match(doc, t.start()):
            continue
        for o in c.after(t.end(), "Organization"):
            if o.key != supplier.key and _TO.search(doc[max(t.end(), o.start - 20):o.start]) and len(doc[t.end():o.start]) < 120:
                yield supplier, "supplies", o, 0.65
                break
    # "Google supplies Anthropic with chips", "Lazard advised Orange on the deal"
    for t in _near_trigger(c, re.compile(r"\b(?:suppl(?:y|ies|ied)|advis(?:e|es|ed|ing)|serv(?:e|es|ed|ing))\s+", re.I)):
        client = next((o for o in c.after(t.end() - 1, "Organization") if o.start == t.end()), None)
        supplier = _verb_subject(c, t.start()) or c.subject(t.start())
        if client is not None and supplier is not None and client.key != supplier.key:
            yield supplier, "supplies", client, 0.6
    # "committed to buy $250 billion of Azure cloud services": the seller of what is bought
    for t in _near_trigger(c, re.compile(r"\b(?:buy|buys|bought|purchas\w*|rent\w*|lease\w*|use|uses|using)\b", re.I)):
        goods = re.compile(r"\s+(?:cloud\s+)?(?:services|capacity|chips|processors|GPUs|equipment|gear|components|cells|batteries|servers)\b")
        seller = next((o for o in c.after(t.end(), "Organization") if o.start - t.end() < 50 and goods.match(doc[o.end:o.end + 30])), None)
        buyer = c.subject(t.start())
        if seller is not None and buyer is not None and seller.key != buyer.key:
            yield seller, "supplies", buyer, 0.55
    for t in _near_trigger(c, _USE):
        if not re.match(r"deploy|adopt|us|buy|purchas|order", t.group(), re.I):
            continue
        buyer = c.subject(t.start())
        for p in c.after(t.end(), "Product")[:1]:
            owner = c.owner(p)
            if buyer is not None and owner is not None and owner.key != buyer.key:
                yield owner, "supplies", buyer, 0.65
    # "buying chips from Globex": the seller supplies the buyer
    for t in _near_trigger(c, re.compile(r"\b(?:buy(?:s|ing)?|bought|purchas(?:e|es|ed|ing)|sourc(?:e|es|ed|ing)|order(?:s|ed|ing)?|"
                                         r"procur(?:e|es|ed|ing))\b(?:\s+[\w-]+){0,4}?\s+from\s+", re.I)):
        seller = next((o for o in c.after(t.end() - 1, "Organization") if o.start - t.end() <= 2), None)
        buyer = c.subject(t.start())
        if seller is not None and buyer is not None and seller.key != buyer.key:
            yield seller, "supplies", buyer, 0.6
    # "A, B and C are now customers of X"
    for t in _near_trigger(c, re.compile(r"\b(?:customers|clients|buyers)\s+of\s+", re.I)):
        supplier = next((o for o in c.after(t.end() - 1, "Organization") if o.start - t.end() <= 2), None)
        first = c.subject(t.start())
        clients = _listed(c, first.start - 1) if first is not None else []
        for o in clients or ([first] if first else []):
            if supplier is not None and o.key != supplier.key and o.end <= t.start():
                yield supplier, "supplies", o, 0.6
    # "X, which counts A, B and C among its customers"; "X's customers include A and B"
    for t in _near_trigger(c, re.compile(r"\bcounts\s+|\bcustomers\s+(?:include|including|such as|like)\s+|\bclients\s+(?:include|such as)\s+", re.I)):
        supplier = c.subject(t.start()) or next(iter(reversed(c.before(t.start(), "Organization"))), None)
        if supplier is None:
            continue
        tail = doc[t.end():c.sent.end_char]
        if t.group().lower().startswith("counts") and not re.search(r"\bamong\s+(?:its|their)\s+(?:customers|clients)", tail):
            continue
        for o in _listed(c, t.end() - 1):
            if o.key != supplier.key:
                yield supplier, "supplies", o, 0.6
    # "the chip is manufactured by TSMC": the maker supplies the product's owner
    for t in _near_trigger(c, re.compile(r"\b(?:manufactured|made|produced|fabricated|assembled|built)\s+(?:for\s+\w+\s+)?by\s+", re.I)):
        maker = next((o for o in c.after(t.end() - 1, "Organization") if o.start - t.end() <= 2), None)
        client = c.subject(t.start()) or c.previous or c.main
        products = c.before(t.start(), "Product")
        if products:
            client = c.owner(products[-1]) or client
        if maker is not None and client is not None and maker.key != client.key:
            yield maker, "supplies", client, 0.55
    for t in _near_trigger(c, _RELIANCE):
        supplier = next(iter(c.after(t.end(), "Organization")), None)
        if supplier is None or supplier.start - t.end() > 5:
            continue
        subject = c.subject(t.start())
        clients = _listed(c, subject.start - 1) or [subject] if subject is not None else []
        if not clients:
            clients = [x for x in (c.lead or c.row or c.main,) if x is not None]
        clients = [o for o in clients if o.key != supplier.key]
        for client in clients:
            yield supplier, "supplies", client, 0.5


# ------------------------------------------------------------ structure
@rule("subsidiaryOf")
def ownership(c: Clause) -> Iterable[Triple]:
    """Units described by their owner ("Alibaba's cloud computing arm", "its
    semiconductor unit T-Head", "X, a subsidiary of Y")."""
    doc = c.doc_text
    for m in c.orgs():
        if m.kind == "description" and m.parent:
            parent = c.owner(m)
            if parent is not None and parent.key != m.key:
                yield m, "subsidiaryOf", parent, 0.7
    unit = re.compile(r"(?:'s?|\b[Ii]ts)\s+(?:[\w-]+\s+){0,3}?(?:division|arm|unit|subsidiary|affiliate|business),?\s+$")
    for m in c.orgs():
        pm = unit.search(doc[max(c.start, m.start - 60):m.start])
        if pm:
            if pm.group().startswith("'"):
                owner_end = m.start - len(pm.group())
                owner = next((o for o in c.orgs() if o.end == owner_end), None)
            else:
                owner = c.subject(m.start)
            if owner is not None and owner.key != m.key:
                yield m, "subsidiaryOf", owner, 0.75
        of = re.match(r",?\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?(?:subsidiary|unit|division|arm|affiliate)\s+of\s+", doc[m.end:m.end + 60])
        if of:
            owner = next((o for o in c.after(m.end + of.end(), "Organization")), None)
            if owner is not None and owner.start == m.end + of.end():
                yield m, "subsidiaryOf", owner, 0.75


# ------------------------------------------------------------ people
def role_relation(role: str) -> str:
    """The relation a job title gives.

    >>> role_relation("Chief Executive Officer"), role_relation("equity analyst"), role_relation("chairs")
    ('ceoOf', 'worksFor', 'chairOf')
    >>> role_relation("co-managing director"), role_relation("non-executive director")
    ('worksFor', 'boardMemberOf')
    """
    r = role.lower()
    if re.search(r"founde[dr]|co-?founder", r):
        return "founderOf"
    if re.search(r"\bceo\b|chief executive|\bhead|leadership|\bleads?\b|\bruns\b", r):
        return "ceoOf"
    if re.search(r"chair", r):
        return "chairOf"
    if re.search(r"board member|board of directors|sits on the board|(?<!managing )director", r):
        return "boardMemberOf"  # (a managing director runs a business; the board is another thing)
    return "worksFor"


_ROLE = rf"(?:{ROLE_WORDS}|leadership|heads?|leads|runs|founded|chairs)"
# One title or several joined: "chair and chief executive", "Founder & CEO".
_ROLES = rf"(?:(?:\b(?-i:[a-z][a-z-]*)\s+){{0,2}}?\b{_ROLE}(?:\s*(?:,|&|\band\b)\s*(?:\b(?-i:[a-z][a-z-]*)\s+)?{_ROLE})*)"
_BY = re.compile(r"\b(chaired|founded|co-founded|led|run|headed|started)\b(?:\s+in\s+\d{4})?\s+by\s+(?:[a-z-]+\s+){0,2}$", re.I)


def _titles(phrase: str) -> list[str]:
    return [t for t in re.split(r"\s*(?:,|&|\band\b)\s*", phrase) if t.strip()]


def _words(key: str) -> re.Pattern:
    """A words.json list as one expression of whole words."""
    return re.compile(rf"\b(?:{'|'.join(map(re.escape, load_words()[key]))})\b", re.IGNORECASE)


#: titles of a state's office (words.json public_office_titles): "Finance Minister X" holds no job at the firm the text is about
_PUBLIC_OFFICE = _words("public_office_titles")
#: what heads a country or a region (words.json head_of_state_titles): "Brazil's president X"
_HEAD_OF_STATE = _words("head_of_state_titles")


def _holds_public_office(c: Clause, titles: str, start: int) -> bool:
    """Whether ``titles`` (at ``start``; lower-case words may come before the first title word)
    are a state's office: a minister's or an official's, "President X" with no firm named, or a
    head of state's title after a place ("Argentine President", "Brazil's new president"; not
    "Globex's US chief executive", a firm's)."""
    role = titles[re.search(_ROLE, titles, re.IGNORECASE).start():]
    if _PUBLIC_OFFICE.search(role) or role.strip() == "President":  # (a firm's is "Toyota President X")
        return True
    place = next((p for p in reversed(c.of("Place")) if p.end <= start), None)
    return (place is not None and _HEAD_OF_STATE.match(role) is not None
            and re.fullmatch(r"(?:['’]s?)?\s*", c.doc_text[place.end:start]) is not None
            and not re.search(r"['’]s?\s*$", c.doc_text[max(c.start, place.start - 3):place.start]))


def _org_ending_at(c: Clause, end: int) -> Found | None:
    """The organisation whose mention ends at ``end`` (a possessive may follow)."""
    return next((o for o in c.orgs() if end - 2 <= o.end <= end), None)


@rule("roles")
def roles(c: Clause) -> Iterable[Triple]:
    """Job titles next to a person: "Alibaba CEO Eddie Wu", "Nvidia, whose
    chief executive Jensen Huang", "Lisa Su, AMD's chair and chief
    executive", "X, Founder & CEO of Brimco", "Y, an analyst at Z", "who
    remains its chairman", "the conglomerate chaired by W", "V of Bank of
    America", "took over as CEO of Y", "Y's Vey-Sern Ling said"."""
    doc = c.doc_text
    flags = re.IGNORECASE
    for p in c.of("Person"):
        pre = doc[max(c.start, p.start - 80):p.start]
        post = doc[p.end:min(c.sent.end_char, p.end + 140)]
        base = p.start - len(pre)
        found = False
        # "Vivek Arya of Bank of America"
        of = re.match(r"\s+(?:of|at|from)\s+", post)
        of_org = next((o for o in c.after(p.end, "Organization") if o.start == p.end + of.end()), None) if of else None
        # [ORG['s | , whose]] TITLES[,] [is] PERSON [of ORG]
        m = re.search(rf"(?:(?P<poss>'s?)\s+|,\s*whose\s+|\s)?(?P<titles>{_ROLES}),?(?:\s+(?:is|was|has\s+been))?\s*$", pre, flags)
        if m and re.search(_ROLE, m.group("titles"), flags):
            org = _org_ending_at(c, base + m.start()) or of_org
            if (org is None and not re.search(r"\b(?:of|at|for)\s*$", pre[:m.start()])
                    and not _holds_public_office(c, m.group("titles"), base + m.start("titles"))):
                # "Chief executive X said Y had ...": X speaks for the company the text is about, not for Y
                speaks = re.match(rf"\s+(?:{SPEECH})\b", post)
                subject = c.subject()  # "As CEO Eddie Wu outlined, Alibaba ...": the clause's subject
                token = c.token(subject) if subject is not None and subject.start > p.end else None
                if token is not None and (token.dep_ not in {"nsubj", "nsubjpass"} or token.head.dep_ in {"relcl", "conj"}):
                    # only the first firm after the person, a subject of the sentence's own clauses:
                    # not "X, a former operations chief at Y", nor "X has cut ... the cars the company bought"
                    subject = None
                org = (c.row or c.main) if speaks else (subject or c.row or c.main)
            if org is not None:
                found = True
                for title in _titles(m.group("titles")):
                    yield p, role_relation(title), org, 0.75
        # PERSON, [who is|remains|previously served as] [the|a] [ORG's|its] TITLES [of|at ORG]
        m = re.match(
            rf",?\s+(?:who\s+(?:also\s+|previously\s+|now\s+|still\s+)?(?:served|serves|was|is|remains|has been)?\s*(?:as\s+)?)?"
            rf"(?:(?:is|was|remains)\s+)?(?:the\s+|a\s+|an\s+)?(?P<owner>(?:[A-Z][\w&.-]*\s+){{0,4}}?[A-Z][\w&.-]*'s?\s+|its\s+|their\s+)?"
            rf"(?P<titles>{_ROLES})\b(?P<of>[^,.;]{{0,60}}?\b(?:of|at|for)\s+)?", post, flags)
        if m and re.search(_ROLE, m.group("titles"), flags) and not found:
            org = None
            if m.group("of"):
                org = next((o for o in c.after(p.end + m.end()) if o.label == "Organization" and o.start <= p.end + m.end() + 2), None)
            if org is None and m.group("owner"):
                owner_end = p.end + m.start("owner") + len(m.group("owner").rstrip())
                org = _org_ending_at(c, owner_end) if not m.group("owner").lower().startswith(("its", "their")) \
                    else c.subject(p.start) or c.row or c.previous or c.main
            if org is not None:
                # "head of research at X" is a job at X, "head of X" leads it
                function = re.match(r"\s+(?:of|for)\s+(?-i:[a-z])", post[m.end("titles"):])
                for title in _titles(m.group("titles")):
                    relation = role_relation(title)
                    yield p, "worksFor" if function and relation == "ceoOf" else relation, org, 0.7
        # ORG, the conglomerate chaired by PERSON / founded in 1995 by PERSON
        m = _BY.search(pre)
        if m:
            org = next(iter(reversed(c.before(base + m.start(), "Organization"))), None)
            # only what is led: "X, the conglomerate chaired by", not "X for $4 billion, a shake-up led by"
            if org is not None and not re.fullmatch(r"(?:['’]s?)?\s*(?:,\s*(?:(?:the|a|an)\s+)?(?:[\w-]+\s+){0,4}?)?",
                                                    doc[org.end:base + m.start()]):
                org = None
            org = org or c.subject(base + m.start())
            if org is not None:
                yield p, role_relation(m.group(1).replace("chaired", "chair").replace("led", "head").replace("run", "runs")), org, 0.65
        if of_org is not None and not found:
            yield p, "worksFor", of_org, 0.6
        # PERSON ... (took over as|was appointed|assumed leadership of) ...
        for m in re.finditer(r"\b(?:take over as|took over as|appointed(?: as)?|named(?: as)?|became|become|"
                             r"assumed|assume|to head|heads|leads|runs|founded|co-founded|chairs)\s+", post, flags):
            rest = post[m.end():]
            r1 = re.match(rf"(?:the\s+)?({_ROLE})\s+(?:of|at)\s+", rest, flags)
            r2 = re.match(rf"([^,.;]{{0,40}}?)'s?\s+({_ROLE})\b", rest, flags)
            if r1:
                org = next((o for o in c.after(p.end + m.end() + r1.end()) if o.label == "Organization"), None)
                if org is not None and org.start - (p.end + m.end() + r1.end()) < 25:
                    yield p, role_relation(r1.group(1)), org, 0.7
            elif r2:
                org = next((o for o in c.orgs() if p.end + m.end() <= o.start < p.end + m.end() + r2.end(1) + 1), None)
                if org is not None:
                    yield p, role_relation(r2.group(2)), org, 0.7
            elif re.match(r"(?:heads|leads|runs|founded|co-founded|chairs|to head)", m.group(), flags):
                org = next((o for o in c.after(p.end + m.end(), "Organization")), None)
                if org is not None and org.start - (p.end + m.end()) < 25:
                    yield p, role_relation(m.group()), org, 0.7
            break
        # ORG's PERSON said
        poss = re.search(r"'s?\s+$", pre)
        if poss and not re.search(_ROLE, pre[-30:], flags):
            org = _org_ending_at(c, p.start - len(poss.group()) + 2)
            if org is not None:
                yield p, "worksFor", org, 0.6


# ------------------------------------------------------------ places
_PUBLIC_BODY = re.compile(rf"(?P<place>[A-Z][\w.]*(?:\s[A-Z][a-z]+)?)\s+(?:[A-Z][\w&-]*\s+)*?"
                          rf"(?i:{'|'.join(PUBLIC_BODY_NOUNS)})\b")
_BASED = re.compile(r"\b(?:based|headquartered|head-quartered)\s+in\s+", re.IGNORECASE)
_DEMONYM_GROUP = re.compile(
    rf"\b(?P<dem>{'|'.join(DEMONYMS)})\s+(?:[\w-]+\s+){{0,2}}?(?:giants|companies|firms|rivals|players|majors|groups|"
    rf"carriers|banks|startups|makers|chipmakers|platforms)\b[\s,]*(?:like|including|such as|led by)\s+"
)


@rule("headquarteredIn")
def headquarters(c: Clause) -> Iterable[Triple]:
    """"the Hangzhou-based tech giant", "X, headquartered in Y", "Chinese
    tech giants like Tencent and Baidu", "the Chinese tech giant"."""
    doc = c.doc_text
    for o in c.orgs():
        pre = doc[max(c.start, o.start - 50):o.start]
        # "the U.S. Department of Justice", "the Danish government": a public body named with its country
        body = _PUBLIC_BODY.match(o.text)
        if body and o.kind != "anaphor":
            word = body.group("place")
            home = DEMONYMS.get(word) or place_names().get(word, ("",))[0]
            if home and place_names().get(home, ("", ""))[1] != "continent":  # (the European Commission)
                yield o, "headquarteredIn", Found(o.start, o.start + len(word), word, "Place", home, "name"), 0.7
        # "Seattle-based Amazon", "the Santa Clara, California-based chipmaker"
        # the words between "-based" and the name describe it; a verb among
        # them ("the X-based company will use Y") means the name is another's
        based = re.search(r"((?:[A-Z][\w]*[ ,]+)*[A-Z][\w]*)-based\s+"
                          r"(?:(?!(?:will|would|has|have|had|is|was|said|says|can|could|to|and|which|that|uses?)\b)[\w-]+\s+){0,3}$", pre)
        if based:
            for place in c.of("Place"):
                if o.start - len(pre) + based.start(1) <= place.start < o.start:
                    yield o, "headquarteredIn", place, 0.8
        # "X, the Shenzhen-based maker", "X, the operator headquartered in Newbury, England"
        appo = re.match(r",\s+(?:a|an|the)\s+[^;()]{0,80}?(?:-based\b|\b(?:based|headquartered)\s+in\s+[^;()]{0,40})", doc[o.end:c.sent.end_char])
        if appo:
            for place in c.of("Place"):
                if o.end < place.start < o.end + appo.end() and (
                        doc[place.end:place.end + 6] == "-based" or re.search(r"(?:based|headquartered)\s+in\s+(?:[\w ,]*?)$", doc[o.end:place.start])):
                    yield o, "headquarteredIn", place, 0.7
            unit = re.search(r"\b(?:unit|subsidiary|division|arm|affiliate)\b", appo.group())
            if unit:
                owner = next((x for x in c.orgs() if o.end < x.start < o.end + unit.start()), None)
                if owner is not None and owner.key != o.key:
                    yield o, "subsidiaryOf", owner, 0.65
        m = re.match(r",?\s+(?:which is\s+|is\s+)?(?:based|headquartered)\s+in\s+", doc[o.end:o.end + 40])
        if m:
            place = next((p for p in c.after(o.end, "Place") if p.start == o.end + m.end()), None)
            if place is not None:
                yield o, "headquarteredIn", place, 0.8
        paren = re.search(r"\((\w[\w ]*)\)$", o.text)
        if paren:  # "ACM Research (Shanghai)"
            start = o.start + paren.start(1)
            yield o, "headquarteredIn", Found(start, start + len(paren.group(1)), paren.group(1), "Place", paren.group(1), "name"), 0.5
        if o.kind == "anaphor":
            dem = re.search(rf"\b({'|'.join(DEMONYMS)})\s+(?:[\w-]+\s+)?$", pre)
            owner = re.search(r"([A-Z][a-z]+)'s\s+(?:tech\s+)?$", pre)
            place = None
            if dem:
                place = next((p for p in c.of("Place") if p.text == dem.group(1)), None)
            elif owner:
                place = next((p for p in c.of("Place") if p.text == owner.group(1)), None)
            if place is not None:
                yield o, "headquarteredIn", place, 0.55
    for m in _DEMONYM_GROUP.finditer(doc, c.start, c.sent.end_char):
        place = next((p for p in c.of("Place") if p.start == m.start("dem")), None)
        if place is not None:
            for o in _listed(c, m.end() - 1):
                yield o, "headquarteredIn", place, 0.55
            # "sets it apart from other Chinese tech giants like ...": it is one too
            if re.search(r"\bother\s+$", doc[max(c.start, m.start() - 6):m.start()]):
                subject = c.subject(m.start())
                if subject is not None:
                    yield subject, "headquarteredIn", place, 0.5


_OPERATE = re.compile(
    r"\b(?:data cent(?:er|re)s?|offices?|operations?|presence|stores?|plants?|factories|facilities|expand(?:s|ed|ing)?|"
    r"expansion|launch(?:es|ed|ing)?|enter(?:s|ed|ing)?|stronghold|market|markets|operat(?:e|es|ed|ing)|services?|"
    r"conference|race|customers|users|sales|shoppers|consumers|outlets|network|networks|subscribers|"
    r"factory|factories|plant|plants|production|marketplace|business|growth|demand|prescriptions|supply chain)\b",
    re.IGNORECASE,
)


@rule("operatesIn")
def presence(c: Clause) -> Iterable[Triple]:
    """Where an organisation has operations or a market: "data centers in
    Brazil", "leadership in China's cloud market", "X, China's largest cloud
    provider", "the country's second-largest carrier"."""
    doc = c.doc_text
    places = [p for p in c.of("Place") if p.kind != "demonym" or re.match(r"\s+(?:domestic\s+)?market|\s+stronghold", doc[p.end:p.end + 20])]
    for p in places:
        pre = doc[max(c.start, p.start - 30):p.start]
        if re.search(r"(?:based|headquartered|listed)\s+in\s+$|-$", pre) or re.match(r"-(?:based|listed)", doc[p.end:p.end + 8]):
            continue
        # "in Spain", "across Italy and France", "its core markets of Spain, Italy and Poland"
        # (the words before the list's last places too: "markets of Spain, Italy, France, Britain and Poland")
        prep = re.search(r"\b(?:in|into|across|throughout|markets?\s+(?:of|such\s+as|including|like))\s+(?:the\s+)?"
                         r"(?:[\w-]+\s*(?:and|&|,)\s+(?:and\s+)?)*(?:the\s+)?$|\bon\s+the\s+$",
                         doc[max(c.start, p.start - 80):p.start])
        if not prep:
            continue
        trigger = _OPERATE.search(doc[max(c.start, p.start - 90):min(c.sent.end_char, p.end + 25)])
        if not trigger:
            continue
        if c.lead is not None and not c.before(p.start, "Organization"):
            subject = c.lead
        else:  # "At its conference in Hangzhou, Alibaba unveiled ...": the subject may follow the place
            subject = (c.subject(p.start) if c.before(p.start, "Organization") else c.subject()) or c.row or c.lead
        if subject is None:
            continue
        yield subject, "operatesIn", p, 0.5
        # "presence in Southeast Asia through Lazada"
        through = re.match(r"\s+(?:through|via)\s+", doc[p.end:p.end + 12])
        if through:
            unit = next((o for o in c.after(p.end, "Organization") if o.start == p.end + through.end()), None)
            if unit is not None:
                yield unit, "operatesIn", p, 0.5
    # "In Spain, Orange said ..."; "Germany, its largest market"; a bullet "Hungary: a plant in Szeged"
    first = next(iter(c.mentions), None)
    if first is not None and first.label == "Place" and first.kind != "demonym":
        lead_in = doc[c.start:first.start]
        after = doc[first.end:first.end + 3]
        subject = c.lead if after.startswith(":") else (c.subject() if re.fullmatch(r"\s*In\s+", lead_in) and after.startswith(",") else None)
        if subject is not None and (after.startswith(":") and c.lead is not None or re.fullmatch(r"\s*In\s+", lead_in)):
            yield subject, "operatesIn", first, 0.5
            if after.startswith(":"):
                for p in c.of("Place")[1:]:
                    yield subject, "operatesIn", p, 0.5
    for p in c.of("Place"):
        if re.match(r",\s+(?:its|their)\s+(?:[\w-]+\s+){0,2}?(?:market|business|operation|region)s?\b", doc[p.end:p.end + 50]):
            subject = c.subject(p.start) or c.previous
            if subject is not None:
                yield subject, "operatesIn", p, 0.55
        # "its China business", "its British unit", "Rheinmetall's Swiss plants", "15% of China's online retail market"
        own = re.search(r"\b(?:its|their)\s+(?:[\w-]+\s+)?$|['’]s\s+$", doc[max(c.start, p.start - 20):p.start])
        if own and re.match(r"(?:'s)?\s+(?:[\w-]+\s+){0,2}?(?:business|operations?|market|unit|arm|sales|subsidiary|"
                            r"plants?|factory|factories|fabs?|mines?|stores?|offices?|sites?)\b", doc[p.end:p.end + 40]):
            if own.group().startswith(("'", "’")):  # the possessor's
                subject = next((o for o in c.orgs() if o.end == p.start - len(own.group())), None)
            else:
                subject = c.subject(p.start) or c.previous or c.main
            if subject is not None:
                yield subject, "operatesIn", p, 0.55
        if re.search(r"%\s+of\s+$", doc[max(c.start, p.start - 8):p.start]) and re.match(r"'s\s+(?:[\w-]+\s+){0,3}market\b", doc[p.end:p.end + 50]):
            subject = c.subject(p.start)
            if subject is not None:
                yield subject, "operatesIn", p, 0.55
        # "shifted its supply chain to Vietnam and Brazil"
        if re.search(r"\b(?:supply chain|production|manufacturing|assembly)\s+(?:\w+\s+){0,2}to\s+(?:[\w-]+\s*(?:and|,)\s+)*$",
                     doc[max(c.start, p.start - 60):p.start]):
            subject = c.subject(p.start)
            if subject is not None:
                yield subject, "operatesIn", p, 0.5
    for o in c.orgs():
        m = re.match(r",\s+(?:(?P<place>[A-Z][\w ]*?)'s|the\s+country's)\s+(?:[\w-]+\s+){0,3}?(?:provider|carrier|operator|company|"
                     r"bank|retailer|player|firm|maker|platform|leader|group)\b", doc[o.end:o.end + 80])
        if m:
            key = m.group("place")
            place = (next((p for p in c.of("Place") if p.start == o.end + m.start("place")), None) if key else None)
            if place is None and not key:
                # "China Unicom, the country's ...": the country in its name, else the article's
                country = next((name for name in c.extra.get("places", ()) if name in o.key), None) or c.country
                if country:
                    place = Found(o.end, o.end + m.end(), "the country", "Place", country, "anaphor")
            if place is not None:
                yield o, "operatesIn", place, 0.6


# ------------------------------------------------------------ money and power
_INVEST = re.compile(
    r"\b(?:invest(?:s|ed|ing|ment|ments)?|commit(?:s|ted|ting|ment)?|pour(?:s|ed|ing)?|spend(?:s|ing)?|spent|"
    r"earmark(?:s|ed)?|allocat(?:e|es|ed|ing)|pledg(?:e|es|ed|ing)|capex|outlay|financ(?:e|es|ed|ing))\b",
    re.IGNORECASE,
)
_THIS_TOPIC = re.compile(r"\bth(?:is|at|ese)\s+(?:sector|field|area|space|segment|technology|market)\b", re.IGNORECASE)


@rule("investsIn")
def investment(c: Clause) -> Iterable[Triple]:
    """"X is investing heavily in T-Head", "committed $52 billion for AI
    infrastructure", "AI spending", "X, Y and Z are also committing billions
    to AI"; "this sector" stands for the topic just named."""
    doc = c.doc_text
    for t in _near_trigger(c, _INVEST):
        investors = [o for o in c.before(t.start(), "Organization") if not c.is_source(o)
                     and not c.is_modifier(o) and len(doc[o.end:t.start()]) < 90]
        if len(investors) > 1:
            listed = _listed(c, investors[0].start - 1)
            investors = listed if len(listed) > 1 else [c.subject(t.start()) or investors[-1]]
        elif not investors:
            subject = c.subject(t.start()) or c.subject()
            investors = [subject] if subject is not None and not c.is_source(subject) else []
        targets = []
        for x in c.after(t.end(), "Topic", "Organization", "Place"):
            gap = doc[t.end():x.start]
            if x.label == "Topic" and len(gap) <= 60 and re.search(r"\b(?:in|into|on|for|to|toward|towards)\b", gap) \
                    and not re.search(r"[,;]", gap):
                targets.append(x)
            elif x.label != "Topic" and x.kind != "demonym" and re.fullmatch(
                    r"\s*(?:[^,;.]{0,40}?\s)?(?:in|into)\s+(?:its|their|the)?\s*(?:[\w-]+\s+){0,3}", gap):
                targets.append(x)
                break
            if len(gap) > 60:
                break
        # "AI spending", "AI capex": the topic right before the word
        targets += [x for x in c.before(t.start(), "Topic") if re.fullmatch(r"\s*", doc[x.end:t.start()])]
        this = _THIS_TOPIC.search(doc[t.end():min(c.sent.end_char, t.end() + 60)])
        if this and c.extra.get("last_topic") is not None:
            targets.append(c.extra["last_topic"])
        if not targets and re.search(r"\balso\b", doc[max(c.start, t.start() - 12):t.start()]) and c.extra.get("last_topic") is not None:
            targets.append(c.extra["last_topic"])
        for inv in investors:
            for x in targets:
                if x.key != inv.key:
                    yield inv, "investsIn", x, 0.6


_ACQUIRE = re.compile(
    r"\b(?:acquisition of|acquir(?:e|es|ed|ing)|takeover of|buy(?:s|ing)?|bought|purchas(?:e|es|ed|ing)(?: of)?|"
    r"stake in|shares? in|owns?\s+(?:a\s+)?(?P<pct>\d+(?:\.\d+)?)%\s+(?:stake\s+in|of)|"
    r"(?:holding|holds|hold)\s+(?:the\s+remaining\s+)?(?P<pct2>\d+(?:\.\d+)?)%(?:\s+(?:stake\s+)?(?:in|of))?|"
    r"(?:the\s+)?(?P<pct3>\d+(?:\.\d+)?)%\s+(?:stake\s+in|of))\s+",
    re.IGNORECASE,
)


# between a buying word and a name: a clause goes on, the name is not what is bought
_NOT_THE_TARGET = re.compile(r".*\b(?:as|while|when|after|before|because|since|than|if|just)\b", re.I)
_STAKE_OF = re.compile(r"['’]s?\s+(?:[\d.]+\s*(?:%|percent)\s+|remaining\s+|entire\s+|minority\s+|majority\s+)*"
                       r"(?:stake|shareholding|holding|interest)\b", re.I)


def _buys(c: Clause, trigger: re.Match[str], target: Found) -> bool:
    """Whether the buying word ``trigger`` buys the name after it: not a
    lone noun ("the purchase dwarfs X's takeover", "merchant acquiring"), not
    across a clause that goes on ("... just as Adyen"), and not a name whose
    stake is bought ("buy out X's 30% stake in Y": Y, as the stake rules read)."""
    doc = c.doc_text
    word = c.sent.doc.char_span(trigger.start(), trigger.end(), alignment_mode="expand")
    lone_noun = " " not in trigger.group().strip() and word is not None and word.root.pos_ == "NOUN"
    return not (lone_noun or _NOT_THE_TARGET.match(doc, trigger.end(), target.start) or _STAKE_OF.match(doc, target.end))


@rule("acquisitions")
def acquisition(c: Clause) -> Iterable[Triple]:
    """Buying or holding part of a company is investing in it: "the $4.9
    billion acquisition of ZT Systems", "a 10% stake in BYD", "owns 51% of
    X" (a majority also makes X its subsidiary)."""
    doc = c.doc_text
    for t in _near_trigger(c, _ACQUIRE):
        if doc.startswith("by ", t.end()):
            continue  # "was bought by X": the passive rules read it
        target = next((o for o in c.after(t.end() - 1, "Organization") if o.start - t.end() <= 12), None)
        if target is None or re.search(r"\bfrom\b", doc[t.end():target.start]) or c.is_modifier(target):
            continue  # "buys cells from Panasonic": a supplier; "acquire three CTLT sites": its sites
        if not _buys(c, t, target):
            continue
        buyers = [o for o in c.before(t.start(), "Organization") if not c.is_source(o) and o.key != target.key
                  and not c.is_modifier(o)]
        buyer = c.subject(t.start()) if buyers else (c.lead or c.row or c.previous or c.main)
        if buyer is None or buyer.key == target.key:
            continue
        yield buyer, "investsIn", target, 0.6
        pct = t.group("pct") or t.group("pct2") or t.group("pct3")
        if pct and float(pct) > 50:
            yield target, "subsidiaryOf", buyer, 0.6
    # "Vodafone Spain, which Zegona bought for €5 billion"
    for o in c.orgs():
        m = re.match(r",\s+which\s+", doc[o.end:o.end + 10])
        if m:
            buyer = next((x for x in c.after(o.end + m.end() - 1, "Organization") if x.start == o.end + m.end()), None)
            if buyer is not None and re.match(r"\s+(?:has\s+)?(?:bought|acquired|purchased|took over)\b", doc[buyer.end:buyer.end + 20]):
                yield buyer, "investsIn", o, 0.6
                yield o, "subsidiaryOf", buyer, 0.55
    # "a funding round led by Iconiq": the lead investor invests in the company
    for t in _near_trigger(c, re.compile(r"\b(?:funding|financing|investment)\s+round\s+(?:led|backed)\s+by\s+", re.I)):
        investor = next((x for x in c.after(t.end() - 1, "Organization") if x.start - t.end() <= 2), None)
        company = c.subject(t.start()) or c.previous
        if investor is not None and company is not None and investor.key != company.key:
            yield investor, "investsIn", company, 0.55


_RESTRICT = re.compile(
    r"\b(?:bans?|banned|sanctions?|sanctioned|restrict(?:s|ed|ing|ions?)?|limit(?:s|ed|ing)?|curbs?|"
    r"export controls?|blacklist(?:s|ed)?|prohibit(?:s|ed)?|embargo|tariffs?|dut(?:y|ies)|levied|levies|"
    r"phase out)\b",
    re.IGNORECASE,
)


@rule("restricts")
def restriction(c: Clause) -> Iterable[Triple]:
    """"the U.S. ban on Nvidia's processors", "U.S. export controls limiting
    Nvidia chips", "X chips are restricted from sale" (the last restricting
    country), "U.S. sanctions" in a company's table row."""
    doc = c.doc_text
    for t in _near_trigger(c, _RESTRICT):
        pre = doc[max(c.start, t.start() - 25):t.start()]
        # "the U.S. ban", "U.S. export controls", "the Commerce Department's ban"
        pre = doc[max(c.start, t.start() - 45):t.start()]
        agent = next((p for p in reversed(c.before(t.start(), "Place", "Organization")) if p.end >= t.start() - len(pre)
                      and re.fullmatch(r"(?:'s)?\s*(?:(?:imposed|imposes|set|sets|levied|placed|announced|introduced|raised)\s+)?"
                                       r"(?:the\s+|a\s+|an\s+)?(?:new\s+|tighter\s+|export\s+|additional\s+|extra\s+)?"
                                       if p.label == "Organization"
                                       else r"(?:'s)?\s*(?:the\s+)?(?:[\w-]+\s+)?", doc[p.end:t.start()])), None)
        if agent is None:  # "The Commission last year imposed a tariff": the subject of the governing verb
            agent = _governing_subject(c, t.start(), ("Organization", "Place"))
        if agent is None and re.match(r"restricted|banned|sanctioned|prohibited|blacklisted|levied|tariff|dut", t.group(), re.I):
            agent = c.extra.get("restrictor") or c.extra.get("last_restrictor")
        if agent is None:
            continue
        c.extra["restrictor"] = agent
        first = next((x for x in c.after(t.end(), "Organization", "Product") if len(doc[t.end():x.start]) <= 60), None)
        targets = [first] + [x for x in _listed(c, first.end, ("Organization", "Product")) if x is not first] if first else []
        if re.match(r"restricted|banned|sanctioned|prohibited|blacklisted", t.group(), re.I) and re.search(
                r"\b(?:is|are|was|were|be|been|being|get|gets|got)\s+(?:\w+ly\s+)?$", doc[max(c.start, t.start() - 30):t.start()]):
            # the passive: "X chips are restricted", not "Harare banned exports" after another clause's firm
            targets += [x for x in c.before(t.start(), "Product", "Organization")[-1:] if x is not agent]
        if not targets and c.row is not None:
            targets.append(c.row)
        for x in targets:
            if x.kind == "description" and c.owner(x) is not None:
                x = c.owner(x)  # "the ban on Nvidia's processors" restricts Nvidia
            if x.key != agent.key:
                yield agent, "restricts", x, 0.6


#: Words that, after a company's name, make its legal name or its holding's
_LEGAL_TAIL = frozenset({"Holding", "Holdings", "Group", "Foundation", "Inc", "Inc.", "Ltd", "Ltd.", "Co", "Co.", "Corp",
                         "Corp.", "Corporation", "Limited", "PLC", "plc", "AG", "SE", "SA", "NV", "LLC"})


def name_parts(clauses: list[Clause]) -> Iterable[tuple[Clause, Triple]]:
    """"Huawei Cloud", "Microsoft Azure", "Alibaba International Digital
    Commerce Group": an organisation whose name starts with the name of
    another organisation the article names on its own is a unit of it; a
    product named so is that organisation's product."""
    alone = {}
    for c in clauses:
        for m in c.orgs():
            if m.kind in {"name", "pattern", "ner"}:
                alone.setdefault(m.text.removesuffix("'s").removesuffix("'"), m)
    done = set()
    for c in clauses:
        for m in c.of("Organization", "Product"):
            if m.kind not in {"name", "pattern", "ner"} or m.key in done:
                continue
            words = m.text.split()
            for n in range(len(words) - 1, 0, -1):
                parent = alone.get(" ".join(words[:n]))
                # "Alibaba Group Holding Ltd." is Alibaba Group's legal name,
                # and "Novo Holdings" owns Novo Nordisk: no unit of theirs
                if m.label == "Organization" and set(words[n:]) <= _LEGAL_TAIL:
                    continue
                if parent is not None and parent.key != m.key:
                    done.add(m.key)
                    if m.label == "Organization":
                        yield c, (m, "subsidiaryOf", parent, 0.55)
                    else:  # "Nvidia RTX Pro 6000D": a product named after its maker
                        yield c, (parent, "develops", m, 0.55)
                    break


def apply_rules(c: Clause) -> list[tuple[Triple, str]]:
    """Run every rule on ``c``; drop self-relations and duplicates. Each
    triple comes with the id of the rule that made it (``regex.<name>``)."""
    out: dict[tuple[str, str, str], tuple[Triple, str]] = {}
    for name, fn in RULES.items():
        for s, rel, o, conf in fn(c):
            if s.key == o.key or not s.key or not o.key:
                continue
            out.setdefault((s.key, rel, o.key), ((s, rel, o, conf), f"regex.{name}"))
    return list(out.values())
