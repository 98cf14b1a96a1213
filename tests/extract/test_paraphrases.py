"""For each relation, three sentences of our own that say the same thing in
different grammar (active, passive or nominal, apposition, relative
clause...). At least two of the three must give the relation: a rule that
only reads one wording of a fact shows up here."""

from __future__ import annotations

import pytest

from kg.extract.base import extract_article
from kg.ingest import article_from_text
from kg.schema import RELATIONS

PARAPHRASES = {
    ("Oracle", "investsIn", "Cerner"): [
        "Oracle agreed to buy Cerner for $28 billion.",
        "Cerner was acquired by Oracle last year.",
        "Oracle's acquisition of Cerner closed in June.",
    ],
    ("Waymo", "subsidiaryOf", "Alphabet"): [
        "Waymo, a subsidiary of Alphabet, expanded to Austin.",
        "Alphabet's unit Waymo expanded to Austin.",
        "Waymo is owned by Alphabet.",
    ],
    ("Samsung", "supplies", "Apple"): [
        "Samsung supplies displays to Apple.",
        "Apple buys its displays from Samsung.",
        "Apple is the largest customer of Samsung.",
    ],
    ("Airbus", "competesWith", "Boeing"): [
        "Airbus competes with Boeing for every large order.",
        "Airbus, a rival of Boeing, won the order.",
        "Boeing's rival Airbus won the order.",
    ],
    ("Honda", "partnerOf", "Sony"): [
        "Honda has partnered with Sony to build electric cars.",
        "Honda and Sony formed a joint venture in 2022.",
        "The alliance between Honda and Sony builds electric cars.",
    ],
    ("Tim Cook", "ceoOf", "Apple"): [
        "Apple CEO Tim Cook visited Shanghai.",
        "Tim Cook, chief executive of Apple, visited Shanghai.",
        "Tim Cook, Apple's chief executive, visited Shanghai.",
    ],
    ("Jane Fraser", "chairOf", "Citigroup"): [
        "Citigroup chair Jane Fraser spoke in London.",
        "Jane Fraser, chairwoman of Citigroup, spoke in London.",
        "Jane Fraser, Citigroup's chair, spoke in London.",
    ],
    ("Jensen Huang", "founderOf", "Nvidia"): [
        "Jensen Huang founded Nvidia in 1993.",
        "Nvidia was founded by Jensen Huang in 1993.",
        "Nvidia founder Jensen Huang spoke in Taipei.",
    ],
    ("Sue Gove", "boardMemberOf", "Tesco"): [
        "Tesco director Sue Gove joined the meeting.",
        "Sue Gove, a director of Tesco, joined the meeting.",
        "Sue Gove, Tesco's director, joined the meeting.",
    ],
    ("Dan Ives", "worksFor", "Wedbush"): [
        "Dan Ives, an analyst at Wedbush, raised his target.",
        "Wedbush analyst Dan Ives raised his target.",
        "Dan Ives, Wedbush's analyst, raised his target.",
    ],
    ("Microsoft", "investsIn", "OpenAI"): [
        "Microsoft has invested $13 billion in OpenAI.",
        "Microsoft's investment in OpenAI is worth billions.",
        "Microsoft holds a 27% stake in OpenAI.",
    ],
    ("Shopify", "headquarteredIn", "Ottawa"): [
        "Shopify is headquartered in Ottawa.",
        "Ottawa-based Shopify raised prices.",
        "Shopify, based in Ottawa, raised prices.",
    ],
    ("Hyundai", "operatesIn", "Alabama"): [
        "Hyundai builds cars in Alabama.",
        "Hyundai's plant in Alabama makes SUVs.",
        "Hyundai opened a factory in Alabama in 2005.",
    ],
    ("Google", "develops", "Gemini 2.5"): [
        "Google launched Gemini 2.5 in March.",
        "Gemini 2.5, developed by Google, was released in March.",
        "Google's Gemini 2.5 was released in March.",
    ],
    ("Walmart", "uses", "ChatGPT"): [
        "Walmart uses ChatGPT in its stores.",
        "Walmart deployed ChatGPT across its stores.",
        "Walmart has adopted ChatGPT for customer service.",
    ],
    ("Copilot", "basedOn", "GPT-4"): [
        "Copilot is built on GPT-4.",
        "Copilot, based on GPT-4, writes code.",
        "Copilot is based on GPT-4.",
    ],
    ("United States", "restricts", "Huawei"): [
        "The United States blacklisted Huawei in 2019.",
        "Huawei was sanctioned by the United States.",
        "The United States imposed restrictions on Huawei.",
    ],
}


@pytest.fixture(scope="module")
def relations_of(trained_nlp, shipped_gazetteer):
    def run(text):
        ex = extract_article(article_from_text(text, "t.txt"), trained_nlp, shipped_gazetteer)
        out = set()
        for r in ex.relations:
            for s in {r.subject.name, r.subject.text}:
                for o in {r.object.name, r.object.text}:
                    out.add((s, r.predicate, o))
                    if RELATIONS[r.predicate].symmetric:
                        out.add((o, r.predicate, s))
        return out
    return run


def test_every_relation_has_three_paraphrases():
    assert {rel for _, rel, _ in PARAPHRASES} == set(RELATIONS)
    assert all(len(v) == 3 for v in PARAPHRASES.values())


@pytest.mark.model
@pytest.mark.issue(7)
@pytest.mark.parametrize("triple", list(PARAPHRASES), ids=lambda t: t[1])
def test_two_of_three_paraphrases_give_the_relation(relations_of, triple):
    read = [text for text in PARAPHRASES[triple] if triple in relations_of(text)]
    assert len(read) >= 2, f"{triple} read only from {read}"
