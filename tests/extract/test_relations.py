"""Each relation rule on invented sentences, with the blank pipeline (no
parse): the rules must stand on their lexical cues."""

import pytest

from kg.extract.relations import role_relation


@pytest.mark.parametrize("text, expected", [
    ("Acme faces competition from Globex, Initech and global rivals like Hooli.",
     {("Acme Group", "competesWith", "Globex"), ("Acme Group", "competesWith", "Initech"),
      ("Acme Group", "competesWith", "Hooli")}),
    ("Globex has chosen to collaborate with Acme on cloud services.", {("Globex", "partnerOf", "Acme Group")}),
    ("Initech has agreed to deploy Acme's AI chips.",
     {("Acme Group", "supplies", "Initech"), ("Initech", "uses", "Acme AI chips")}),
    ("Acme Cloud will offer hosting services to Globex.", {("Acme Cloud", "supplies", "Globex")}),
    ("Globex unveiled the Zeta4-Pro model, built upon Zeta3.5-Max.",
     {("Globex", "develops", "Zeta4-Pro"), ("Zeta4-Pro", "basedOn", "Zeta3.5-Max")}),
    ("Globex is investing heavily in its chip unit Initech.",
     {("Globex", "investsIn", "Initech"), ("Initech", "subsidiaryOf", "Globex")}),
    ("Acme committed $5 billion for AI infrastructure.", {("Acme Group", "investsIn", "AI infrastructure")}),
    ("The U.S. ban on Globex's processors hurt sales.", {("United States", "restricts", "Globex")}),
    ("Acme's cloud computing arm plans to launch data centers in Brazil and France.",
     {("Acme Cloud", "subsidiaryOf", "Acme Group"), ("Acme Cloud", "operatesIn", "Brazil"),
      ("Acme Cloud", "operatesIn", "France")}),
    ("Acme will focus on its core markets of Spain, Italy, France, Britain and Poland.",
     {("Acme Group", "operatesIn", place) for place in ("Spain", "Italy", "France", "United Kingdom", "Poland")}),
    ("Chinese companies, including Globex and Initech, are growing.",
     {("Globex", "headquarteredIn", "China"), ("Initech", "headquarteredIn", "China")}),
])
def test_relation_rules(triples, text, expected):
    assert expected <= triples(text)


def test_roles(triples):
    text = ("Acme CEO Jane Roe spoke first. John Doe, chief analyst at Globex, agreed. "
            "Mary Major, Founder & CEO of Initech, disagreed. Acme's board member, Li Wei, was silent.")
    found = triples(text)
    assert {("Jane Roe", "ceoOf", "Acme Group"), ("John Doe", "worksFor", "Globex"),
            ("Mary Major", "founderOf", "Initech"), ("Mary Major", "ceoOf", "Initech"),
            ("Li Wei", "boardMemberOf", "Acme Group")} <= found


def test_a_title_before_a_name_belongs_to_the_firm_after_it(trained_triples):
    # not to the firm the sentence is about
    found = trained_triples("Acme will buy Globex. Analyst John Doe of Initech said the price was high. CEO Jane Roe of Globex agreed.")
    people = {t for t in found if t[0] in {"John Doe", "Jane Roe"}}
    assert people == {("John Doe", "worksFor", "Initech"), ("Jane Roe", "ceoOf", "Globex")}


def test_head_of_a_function_works_for_the_firm(trained_triples):
    found = trained_triples("Acme will buy Globex. Jane Roe, Acme's head of research, said so. John Doe, head of Initech, agreed.")
    people = {t for t in found if t[0] in {"John Doe", "Jane Roe"}}
    assert people == {("Jane Roe", "worksFor", "Acme Group"), ("John Doe", "ceoOf", "Initech")}


def test_a_person_described_as_the_groups_chief_stays_a_person(trained_triples):
    found = trained_triples('Globex Holdings agreed to buy Initech. "We like it," Dana Whitlow, the group\'s chief '
                            'executive, said in an interview.')
    assert ("Dana Whitlow", "ceoOf", "Globex Holdings") in found


def test_a_place_based_description_of_its_trade_stands_for_the_company(trained_triples):
    """A lessor, publisher or other trade noun (words.json anaphor_nouns) with a place word is the company
    the text is about, or the name it is in apposition with, even where the parser reads it as an object."""
    found = trained_triples("Kestrel Air ordered 40 jets from Airbus. The Dublin-based lessor said deliveries start in 2027.")
    assert ("Kestrel Air", "headquarteredIn", "Dublin") in found
    found = trained_triples("Globex said on Tuesday it would buy a 10% stake in Initech, the Japanese publisher that owns "
                            "game developer Zorvex, for about 50 billion yen.")
    assert {("Initech", "headquarteredIn", "Japan"), ("Zorvex", "subsidiaryOf", "Initech")} <= found


def test_a_public_body_named_with_its_country_is_based_there(trained_triples):
    found = trained_triples("The U.S. Department of Justice sued Acme. The Danish government owns 50% of Globex. "
                            "The European Commission approved it.")
    based = {t for t in found if t[1] == "headquarteredIn"}
    assert based == {("U.S. Department of Justice", "headquarteredIn", "United States"),
                     ("Danish government", "headquarteredIn", "Denmark")}


def test_a_firm_named_by_its_home_is_not_one_whose_name_begins_with_another_country(trained_triples):
    found = trained_triples("Globex Capital said on Monday it had closed its third fund. Investors include the Canada "
                            "Pension Plan Investment Board and Dutch pension manager APG, Globex said. "
                            "The Ohio-based firm manages about $90 billion of assets.")
    assert {t for t in found if t[2] == "Ohio"} == {("Globex Capital", "headquarteredIn", "Ohio")}


def test_bullets_continue_their_lead_in_line(triples):
    text = "Acme makes tools.\nKey rivals include:\n- Globex (Widget model)\n- Initech\n"
    found = triples(text)
    assert {("Acme Group", "competesWith", "Globex"), ("Acme Group", "competesWith", "Initech"),
            ("Globex", "develops", "Widget")} <= found


def test_table_row_subject(triples):
    text = ("Company | Flagship | Plans |\n---|---|---|\n"
            "Globex | Widget | Expanding services in Asia |\n")
    found = triples(text)
    assert {("Globex", "develops", "Widget"), ("Globex", "operatesIn", "Asia")} <= found


def test_compound_names_make_units(triples):
    found = triples("Acme and Globex compete. Acme Cloud grew faster than Globex.")
    assert ("Acme Cloud", "subsidiaryOf", "Acme Group") in found


def test_no_relation_without_a_cue(triples):
    assert triples("Acme and Globex both reported results on Tuesday.") == set()


@pytest.mark.parametrize("role, relation", [
    ("CEO", "ceoOf"), ("chief executive officer", "ceoOf"), ("co-founder", "founderOf"),
    ("chairman", "chairOf"), ("board member", "boardMemberOf"), ("equity analyst", "worksFor"),
    ("president", "worksFor"), ("assumed leadership of", "ceoOf"),
])
def test_role_relation(role, relation):
    assert role_relation(role) == relation


@pytest.mark.model
def test_shares_starting_a_sentence_hold_no_stake(trained_triples):
    read = trained_triples("Globex sold its towers. Shares in Globex rose 2.7% to 31.40 euros in Madrid, "
                           "valuing the company at 22 billion euros.")
    assert not {r for r in read if r[0] == "Shares"}


@pytest.mark.model
def test_rivals_in_a_sentence_are_not_its_partners_and_a_partners_name_cues_nothing(trained_triples):
    read = trained_triples("Hooli competes for such deals with Globex and Umbrella Partners, which Initech agreed "
                           "to buy for $12 billion last year.")
    assert ("Hooli", "competesWith", "Globex") in read
    assert not {r for r in read if r[1] == "partnerOf"}


@pytest.mark.model
def test_a_pronoun_subject_is_the_firm_before_not_the_first_name_in_the_sentence(trained_triples):
    read = trained_triples("Globex makes chips. It also operates plants in Brazil and France, and last year "
                           "received a $1.5 billion grant from Hooli.")
    assert {("Globex", "operatesIn", "Brazil"), ("Globex", "operatesIn", "France")} <= read
    assert not {r for r in read if r[0] == "Hooli" and r[1] == "operatesIn"}


@pytest.mark.model
def test_a_firms_plants_named_by_a_nationality_are_where_it_operates(trained_triples):
    read = trained_triples("Brazil has blocked the export of ammunition made at Globex's French plants.")
    assert ("Globex", "operatesIn", "France") in read


@pytest.mark.issue(7)
def test_a_description_with_a_name_in_apposition_is_that_name(trained_triples):
    """"the unit, Tarn Towers, owns ...": Tarn Towers, not the unit that "the unit" would point back to."""
    found = trained_triples("Halvard Group agreed to sell a unit to Pell Capital. "
                            "Halvard said the unit, Tarn Towers, owns about 6,900 towers in Sweden.")
    assert ("Tarn Towers", "operatesIn", "Sweden") in found
    assert ("Pell Capital", "operatesIn", "Sweden") not in found


@pytest.mark.issue(7)
def test_each_title_in_a_list_of_titled_names_is_its_neighbours(trained_triples):
    found = trained_triples("The deal was agreed by Zenmark Chairman John Doe and Halvard CFO Jane Roe.")
    people = {t for t in found if t[0] in {"John Doe", "Jane Roe"}}
    assert people == {("John Doe", "chairOf", "Zenmark"), ("Jane Roe", "worksFor", "Halvard")}


@pytest.mark.issue(7)
def test_a_rival_named_as_subject_is_the_buyer_not_its_owner(trained_triples):
    """"Chevron's rival Exxon agreed to buy Pioneer": the parse gives the verb two
    subjects; the named one buys, and the word rules' guess of Chevron gives way."""
    found = trained_triples("Chevron's rival Exxon agreed to buy Pioneer.")
    buyers = {t[0] for t in found if t[1:] == ("investsIn", "Pioneer")}
    assert buyers == {"Exxon"}


@pytest.mark.issue(7)
def test_a_participle_after_a_list_describes_its_last_name_alone(trained_triples):
    """"A, the market leader, and B, owned by C and D": C and D own B, not A, and A and B not each other."""
    found = trained_triples("Tarn Mobile, the market leader, and Quenca Telecom, owned by Halvard Group and Zenmark, "
                            "are its main rivals.")
    owned = {t for t in found if t[1] in {"subsidiaryOf", "investsIn"}}
    assert owned == {("Quenca Telecom", "subsidiaryOf", "Halvard Group"), ("Quenca Telecom", "subsidiaryOf", "Zenmark"),
                     ("Halvard Group", "investsIn", "Quenca Telecom"), ("Zenmark", "investsIn", "Quenca Telecom")}


@pytest.mark.issue(7)
def test_an_active_verbs_by_is_no_agent(read):
    """"plans to invest $100 billion by 2025": the rule gives the investor the sum (not the year)."""
    got, _ = read("Halvard plans to invest over $100 billion by 2025 in data centres.")
    assert ("Halvard", "investment", "100000000000", "USD", "price.invest-amount") in got


@pytest.mark.issue(7)
def test_a_place_a_grammar_rule_gives_one_firm_is_not_the_sentence_subjects(trained_triples):
    """"... would cut roles at Tarn Direct's head office in Bromley": Tarn Direct's office, so no
    word-rule guess that the sentence's subject operates there."""
    found = trained_triples("Halvard Insurance chief executive Jane Roe said the insurer would cut about 2,300 roles, "
                            "many of them at Tarn Direct's head office in Bromley, south-east London.")
    assert {t for t in found if t[1:] == ("operatesIn", "Bromley")} == {("Tarn Direct", "operatesIn", "Bromley")}


@pytest.mark.issue(7)
@pytest.mark.parametrize("text, read, not_read", [
    # "X agreed to ..., widening a partnership with the British drugmaker": the other firm the sentence names
    ("Halvard Diagnostics has agreed to develop a test for Zorvex Pharma's cancer drug Kelvira, "
     "widening a partnership with the British drugmaker.",
     {("Zorvex Pharma", "headquarteredIn", "United Kingdom")}, {("Halvard Diagnostics", "headquarteredIn", "United Kingdom")}),
    # "X said Y would make the parts in Z, where the company has its plant": Y's plant
    ("The Zenmark Agency said Halvard Defence would assemble the parts in Tulsa, Oklahoma, "
     "where the company operates its largest plant.",
     {("Halvard Defence", "operatesIn", "Tulsa")}, {("Zenmark Agency", "operatesIn", "Tulsa")}),
    # a joint venture is each parent's and no partner of them
    ("Halvard Energy said Brightwater, its 50-50 joint venture with Norvale Power, makes cells in Ohio.",
     {("Brightwater", "subsidiaryOf", "Norvale Power"), ("Halvard Energy", "partnerOf", "Norvale Power")},
     {("Brightwater", "partnerOf", "Norvale Power")}),
    # a description in apposition takes the whole name before it, "&" included
    ("Zorvex makes tractors. Halvard & Co., the Iowa-based maker of planters, said it would grow.",
     {("Halvard & Co.", "headquarteredIn", "Iowa")}, {("Co.", "headquarteredIn", "Iowa")}),
], ids=["participle-counterpart", "clause-subject", "joint-venture", "ampersand-name"])
def test_who_a_description_or_a_venture_is(trained_triples, text, read, not_read):
    found = trained_triples(text)
    assert read <= found
    assert not not_read & found


def test_a_ban_takes_what_stands_before_it_only_in_the_passive(triples):
    """'X chips were banned': the chips' maker is restricted; 'after China banned exports', the firm of
    the clause before is not."""
    active = triples("Globex restarted its plant, while supply could tighten after China banned exports of ore.")
    assert not {triple for triple in active if triple[1] == "restricts"}
    passive = triples("The U.S. ban on Initech came first, and Globex chips were banned too.")
    assert ("United States", "restricts", "Globex") in passive


def test_a_list_of_places_may_name_one_with_the(trained_triples):
    """The list read from its words takes "the" after a comma or "and", not after "as"."""
    found = trained_triples("Globex owns 15 resorts in Mexico, the Dominican Republic and Jamaica. "
                            "Acme will supply Initech's factories in Europe, as the Swiss group said.")
    places = {t for t in found if t[1] == "operatesIn"}
    assert {("Globex", "operatesIn", place) for place in ("Mexico", "Dominican Republic", "Jamaica")} <= places
    assert not {t for t in places if t[2] == "Switzerland"}


def test_a_former_job_after_a_chief_executive_is_no_role_now(trained_triples):
    """'Chief Executive X, a former operations chief at Y': X runs the company of the text, not Y."""
    found = trained_triples("Acme said sales fell. Chief Executive Jane Roe, a former operations chief at Globex "
                            "who took over in 2024, has cut costs.")
    roles = {t for t in found if t[0] == "Jane Roe"}
    assert roles == {("Jane Roe", "ceoOf", "Acme Group")}



def test_a_possessive_names_the_maker_of_its_own_noun_not_of_the_list_before(read):
    """'Dazn and Google's YouTube TV': Google makes YouTube TV, not Dazn;
    'Apple's iPhone and iPad': Apple makes both."""
    got, _ = read("Dazn and Google's YouTube TV won the rights. Apple's iPhone and iPad sold well.")
    made = {row[:3] for row in got if row[1] == "develops"}
    assert made == {("Google", "develops", "YouTube TV"), ("Apple", "develops", "iPhone"), ("Apple", "develops", "iPad")}



def test_a_firm_in_a_persons_description_is_not_the_company_later_in_the_sentence(read):
    """'Chief Executive X, a former finance chief at Y, has cut costs since the company bought Z':
    the company is the one of the text, not Y, and X runs it."""
    got, _ = read("Acme Group reported a profit on Thursday. Chief Executive Jane Roe, a former finance chief at "
                  "Unilever, has cut costs since the company bought Initech in 2021.")
    assert ("Acme Group", "investsIn", "Initech") in {row[:3] for row in got}
    assert not {row for row in got if row[0] == "Unilever"}


def test_the_subject_of_a_joined_clause_is_no_employer_of_a_titled_person(trained_nlp, shipped_gazetteer):
    """'Chief Executive X ... has cut the fleet and sold off most of the Teslas the company bought':
    the company that bought is no employer of X; X runs the company of the text."""
    from kg.extract import extract_article
    from kg.ingest import article_from_text

    extraction = extract_article(article_from_text(
        "Acme Group reported a profit on Thursday. Shares of Acme jumped 11%. Chief Executive Jane Roe, a former "
        "operations chief at Globex Airlines who took over in 2024, has cut the fleet to about 470,000 vehicles "
        "and sold off most of the Teslas the company bought in 2021.", "t.txt"),
        trained_nlp, shipped_gazetteer)
    roles = {(r.subject.key, r.predicate, r.object.key) for r in extraction.relations if r.subject.key == "Jane Roe"}
    assert roles == {("Jane Roe", "ceoOf", "Acme Group")}


def test_a_capital_or_a_region_owning_something_stays_a_place(read):
    """'X runs Lima's Y Airport and 14 airports in Greece': the possessive makes no firm of Lima,
    a capital of millions; a small town may still be a firm's name ('a stake in Puma')."""
    got, _ = read("Outside Germany, Tarvik Group runs Lima's Jorge Chávez International Airport, where a "
                  "terminal opened in June, and 14 regional airports in Greece.")
    assert not {row for row in got if row[0] == "Lima"}
    assert ("Tarvik Group", "operatesIn", "Lima") in {row[:3] for row in got}


def test_rivals_that_make_a_deal_together_are_partners_too(trained_triples):
    """'A and B, longtime rivals in ..., have agreed to license key traits to each other': rivals and
    partners; 'A and B, its two main competitors' are neither to each other."""
    found = trained_triples("Tarvik Seeds and Marlow Group, longtime rivals in the U.S. seed business, have agreed "
                            "to license key traits to each other. Halliburton and Baker Hughes, its two main "
                            "competitors, report results next week.")
    assert {("Tarvik Seeds", "partnerOf", "Marlow Group"), ("Tarvik Seeds", "competesWith", "Marlow Group")} <= \
        {(a, r, b) for a, r, b in found} | {(b, r, a) for a, r, b in found}
    assert not {t for t in found if {t[0], t[2]} == {"Halliburton", "Baker Hughes"}}


def test_a_title_then_is_then_a_person_names_the_leader(trained_triples):
    """'Globex, whose chief executive is Jane Roe, ...' as 'whose chief executive Jane Roe'."""
    found = trained_triples("Globex, whose chief executive is Jane Roe, plans a new plant.")
    assert ("Jane Roe", "ceoOf", "Globex") in found


def test_a_head_of_state_or_minister_works_for_no_firm_of_the_text(trained_triples):
    """'President Ivan Dorov', 'Argentine President ...', 'Finance Minister ...' with no firm named
    beside them hold a state's office, not a job at the company the text is about; 'said chief
    executive Jane Roe' still speaks for it."""
    found = trained_triples("Globex shares fell 5%. Critics of President Ivan Dorov cheered. Argentine President Tomas "
                            "Arce signed the deal on Tuesday. Finance Minister Ravi Menon spoke too, as did Brazil's new "
                            "president Lia Costa and Treasurer Ilse Varga. \"We are pleased,\" said chief executive Jane Roe.")
    assert not {t for t in found if t[0] in {"Ivan Dorov", "Tomas Arce", "Ravi Menon", "Lia Costa", "Ilse Varga"}}
    assert ("Jane Roe", "ceoOf", "Globex") in found
    assert ("Jane Roe", "ceoOf", "Globex") in trained_triples("Globex's US chief executive Jane Roe said sales rose.")


def test_a_deal_to_sell_or_a_contract_makes_no_partners(trained_triples):
    """'signed a deal to provide B with ...' and 'signed a contract with B' are sales; 'signed an
    agreement with B to develop ...' and 'a joint venture to make ... with B' join partners."""
    found = trained_triples("Globex signed a deal to provide Initech with jet engines. Halvard Pharma signed a "
                            "contract with Marlow Group last year. Tarvik Seeds signed an agreement with Kestrel Foods "
                            "to develop new crops.")
    pairs = {frozenset((a, b)) for a, r, b in found if r == "partnerOf"}
    assert frozenset(("Globex", "Initech")) not in pairs and frozenset(("Halvard Pharma", "Marlow Group")) not in pairs
    assert frozenset(("Tarvik Seeds", "Kestrel Foods")) in pairs
    assert ("Globex", "partnerOf", "Initech") in trained_triples("Globex set up a joint venture to make tractors with Initech.")


def test_a_person_with_a_job_in_apposition_stays_a_person_for_a_rule_that_wants_a_firm(trained_triples):
    """'Hans Voller, a Singapore-based engineer': no firm based in Singapore; 'Kestrel Foods, a
    Singapore-based grocer' and 'Marlow Capital, the Edinburgh-based fund manager' are firms."""
    found = trained_triples("Hans Voller, a Singapore-based engineer, sold his shares. "
                            "Kestrel Foods, a Singapore-based grocer, agreed. "
                            "Marlow Capital, the Edinburgh-based fund manager, bought shares in Initech.")
    assert not {t for t in found if t[0] == "Hans Voller"}
    assert {("Kestrel Foods", "headquarteredIn", "Singapore"), ("Marlow Capital", "headquarteredIn", "Edinburgh")} <= found


def test_an_offer_for_a_company_is_a_bid_not_goods(trained_triples):
    """'may raise its offer for Initech', 'made an offer of $5bn for', 'offered 200p a share for': no
    supply; 'will offer cloud services to Initech' is one."""
    for text in ("Globex may raise its offer for Initech.", "Globex made an offer of $5bn for Initech.",
                 "Globex offered 200p a share for Initech."):
        assert not {t for t in trained_triples(text) if t[1] == "supplies"}, text
    assert ("Globex", "supplies", "Initech") in trained_triples("Globex will offer cloud services to Initech.")


def test_a_list_member_with_its_own_possessive_is_its_owners_alone(trained_triples):
    """'Halvex's Zorvex console, Marlow's Kelvira console and Tarvik's Delvo console': each owner makes its own."""
    found = trained_triples("Consoles such as Halvex's Zorvex console, Marlow's Kelvira console and Tarvik's Delvo "
                            "console sold out.")
    made = {(a, b) for a, r, b in found if r == "develops"}
    assert {("Halvex", "Zorvex"), ("Marlow", "Kelvira"), ("Tarvik", "Delvo")} <= made
    assert not made & {("Halvex", "Kelvira"), ("Halvex", "Delvo"), ("Marlow", "Delvo")}


def test_no_word_of_a_laws_name_and_no_person_with_a_stake_is_a_firm(trained_triples):
    """'The Pacific Trade and Recovery Act gave island states access to the US market': no firm in
    the US; 'racing millionaires A and B own 25% of Halvex': people, whose stake is no firm's."""
    found = trained_triples("The Pacific Trade and Recovery Act gave island states access to the US market for textiles. "
                            "Racing millionaires Pat Dolan and Sean Mulvey own 25% of Halvex.")
    assert not {t for t in found if t[0] in {"Pacific Trade", "Recovery Act", "Trade", "Recovery", "Pat Dolan", "Sean Mulvey"}}


def test_a_presidents_job_stays_beside_a_chair_and_gives_way_to_a_ceos(trained_triples):
    """SCHEMA: worksFor is any *other* stated role. 'Jane Roe, chairman and president of Globex':
    chairOf and worksFor; 'CEO John Doe of Initech': ceoOf alone."""
    found = trained_triples("Acme will buy Globex. Jane Roe, chairman and president of Globex, agreed. "
                            "CEO John Doe of Initech said so too.")
    assert {("Jane Roe", "chairOf", "Globex"), ("Jane Roe", "worksFor", "Globex"), ("John Doe", "ceoOf", "Initech")} <= found
    assert ("John Doe", "worksFor", "Initech") not in found
