# The summary graph: answers of the saved queries that aggregate over the
# whole graph, computed once when a store is loaded or updated (kg/store.py)
# so that those queries read a few rows instead of every mention, statement
# and fact (issue 9). Standard SPARQL 1.1 Update; it replaces what was there.
PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

DROP SILENT GRAPH <https://w3id.org/kg-news/summary> ;

# entities-by-sources.rq: per entity label and class, the articles behind its
# mentions, relations and facts
INSERT { GRAPH <https://w3id.org/kg-news/summary> {
  [] a kg:SourceCount ; rdfs:label ?entity ; kg:class ?class ; kg:sources ?sources } }
WHERE {
  SELECT ?entity ?class (COUNT(DISTINCT ?source) AS ?sources) WHERE {
    ?e a ?class ; rdfs:label ?entity .
    ?class rdfs:subClassOf kg:Entity .
    ?node kg:denotes|kg:subject|rdf:subject|rdf:object ?e ;
          kg:evidence/prov:wasDerivedFrom ?source .
  }
  GROUP BY ?entity ?class
} ;

# conflicting-facts.rq: the same metric of the same entity for the same
# period and unit, given different values
INSERT { GRAPH <https://w3id.org/kg-news/summary> {
  [] a kg:FactConflict ; rdfs:label ?entity ; kg:metric ?metric ; kg:period ?period ; kg:unit ?unit ;
     kg:claims ?claims ; kg:values ?values } }
WHERE {
  SELECT ?entity ?metric ?period ?unit (GROUP_CONCAT(DISTINCT ?claim; separator=" | ") AS ?claims)
         (COUNT(DISTINCT ?value) AS ?values) WHERE {
    ?fact a kg:Fact ; kg:subject ?e ; kg:metric ?metric ; kg:value ?value ; kg:unit ?unit ;
          kg:evidence/prov:wasDerivedFrom/kg:fileName ?article .
    ?e rdfs:label ?entity .
    OPTIONAL { ?fact kg:period ?fact_period }
    BIND(COALESCE(?fact_period, "") AS ?period)
    # a whole number without ".0" (engines differ in how STR writes a decimal)
    BIND(CONCAT(IF(?value = FLOOR(?value), STR(FLOOR(?value)), STR(?value)), " (", ?article, ")") AS ?claim)
  }
  GROUP BY ?entity ?metric ?period ?unit
  HAVING (COUNT(DISTINCT ?value) > 1)
}
 ;

# The counts behind kg.analyse.project(evidence=False) and kg.analyse.stats:
# one row per relation triple and per article, so that ranking, counting
# and drawing read a few rows per edge instead of every evidence node. The
# evidence read is the evidence kg.analyse reads (what the shapes require of
# it joined), a symmetric relation is one edge from the smaller IRI, an
# article is known by its file name (else its IRI's last part).

# per relation triple: the articles that state it (their file names joined
# by "/", which no file name holds) and the best confidence (-1 where none
# of its evidence has one)
INSERT { GRAPH <https://w3id.org/kg-news/summary> {
  [] a kg:EdgeCount ; kg:edgeSubject ?a ; kg:edgeRelation ?p ; kg:edgeObject ?b ; kg:articles ?articles ;
     kg:confidence ?confidence } }
WHERE {
  SELECT ?a ?p ?b (GROUP_CONCAT(DISTINCT ?file; separator="/") AS ?articles)
         (MAX(COALESCE(?score, -1)) AS ?confidence) WHERE {
    ?statement rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o ; a rdf:Statement ; kg:evidence ?ev .
    ?ev a kg:Evidence ; prov:wasDerivedFrom ?article ; kg:start ?start ; kg:end ?end ; kg:extractor ?extractor .
    OPTIONAL { ?ev kg:confidence ?score }
    OPTIONAL { ?article a kg:Article ; kg:fileName ?name }
    BIND(COALESCE(?name, REPLACE(STR(?article), "^.*[#/]", "")) AS ?file)
    OPTIONAL { ?p a owl:SymmetricProperty . BIND(true AS ?symmetric) }
    BIND(IF(BOUND(?symmetric) && STR(?o) < STR(?s), ?o, ?s) AS ?a)
    BIND(IF(BOUND(?symmetric) && STR(?o) < STR(?s), ?s, ?o) AS ?b)
  }
  GROUP BY ?a ?p ?b
} ;

# per relation triple and extractor: its sentences (one per article, span and extractor)
INSERT { GRAPH <https://w3id.org/kg-news/summary> {
  [] a kg:ExtractorCount ; kg:edgeSubject ?a ; kg:edgeRelation ?p ; kg:edgeObject ?b ; kg:extractor ?extractor ;
     kg:sentences ?sentences } }
WHERE {
  SELECT ?a ?p ?b ?extractor (COUNT(DISTINCT CONCAT(STR(?article), " ", STR(?start), " ", STR(?end))) AS ?sentences)
  WHERE {
    ?statement rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o ; a rdf:Statement ; kg:evidence ?ev .
    ?ev a kg:Evidence ; prov:wasDerivedFrom ?article ; kg:start ?start ; kg:end ?end ; kg:extractor ?extractor .
    OPTIONAL { ?p a owl:SymmetricProperty . BIND(true AS ?symmetric) }
    BIND(IF(BOUND(?symmetric) && STR(?o) < STR(?s), ?o, ?s) AS ?a)
    BIND(IF(BOUND(?symmetric) && STR(?o) < STR(?s), ?s, ?o) AS ?b)
  }
  GROUP BY ?a ?p ?b ?extractor
} ;

# per entity: how many entities it is related to, either way, by any of the
# sixteen relations (kg.schema.RELATIONS; itself not counted), one triple an
# entity, as kg:factsStated: kg draw ranks the entities by it and reads the
# pairs of the most connected alone, not the 70,171 relation triples of
# 10,000 articles. The relations written as a path, both ways: a VALUES and
# a UNION made Oxigraph match every relation triple when the update is
# restricted to a few entities (2.4 s against 0.27 s at 10,000 articles)
INSERT { GRAPH <https://w3id.org/kg-news/summary> { ?node kg:neighbours ?neighbours } }
WHERE {
  SELECT ?node (COUNT(DISTINCT ?other) AS ?neighbours) WHERE {
    ?node kg:partnerOf|^kg:partnerOf|kg:supplies|^kg:supplies|kg:competesWith|^kg:competesWith|
          kg:develops|^kg:develops|kg:subsidiaryOf|^kg:subsidiaryOf|kg:founderOf|^kg:founderOf|
          kg:ceoOf|^kg:ceoOf|kg:chairOf|^kg:chairOf|kg:boardMemberOf|^kg:boardMemberOf|
          kg:worksFor|^kg:worksFor|kg:investsIn|^kg:investsIn|kg:headquarteredIn|^kg:headquarteredIn|
          kg:operatesIn|^kg:operatesIn|kg:uses|^kg:uses|kg:basedOn|^kg:basedOn|kg:restricts|^kg:restricts ?other .
    FILTER(?node != ?other)
    ?node a ?class . ?class rdfs:subClassOf kg:Entity .
    ?other a ?other_class . ?other_class rdfs:subClassOf kg:Entity .
  }
  GROUP BY ?node
} ;

# per entity: its classes, labels, other labels and Wikidata ids, as one string: the four a tab
# apart, each a line a value, each value after a "|" (so that an empty one is told from none; ""
# where there is none, said so: an unbound value made Oxigraph's aggregate unbound, and Virtuoso
# joins "|" to it), a tab, a line break or "%" in it percent-encoded. The analysis reads these in
# place of the 39,400 triples of the 16,372 entities of 10,000 articles (0.15 s where those took
# 0.25 s)
INSERT { GRAPH <https://w3id.org/kg-news/summary> { ?node kg:names ?names } }
WHERE {
  SELECT ?node (CONCAT(GROUP_CONCAT(DISTINCT STR(?class); separator="\n"), "\t",
                       GROUP_CONCAT(DISTINCT ?label_text; separator="\n"), "\t",
                       GROUP_CONCAT(DISTINCT ?alias_text; separator="\n"), "\t",
                       GROUP_CONCAT(DISTINCT ?wikidata_text; separator="\n")) AS ?names) WHERE {
    ?node a ?class . ?class rdfs:subClassOf kg:Entity .
    OPTIONAL { ?node rdfs:label ?label }
    OPTIONAL { ?node skos:altLabel ?alias }
    OPTIONAL { ?node kg:wikidata ?wikidata }
    BIND(IF(BOUND(?label), CONCAT("|", REPLACE(REPLACE(REPLACE(STR(?label), "%", "%25"), "\t", "%09"), "\n", "%0A")),
            "") AS ?label_text)
    BIND(IF(BOUND(?alias), CONCAT("|", REPLACE(REPLACE(REPLACE(STR(?alias), "%", "%25"), "\t", "%09"), "\n", "%0A")),
            "") AS ?alias_text)
    BIND(IF(BOUND(?wikidata),
            CONCAT("|", REPLACE(REPLACE(REPLACE(STR(?wikidata), "%", "%25"), "\t", "%09"), "\n", "%0A")), "")
         AS ?wikidata_text)
  }
  GROUP BY ?node
} ;

# per node: the relation triples from it (of the sixteen relations, to an IRI), as one string: each
# relation and object, a space between, a line each (no IRI holds either), which kg export reads in
# place of the triples (0.1 s for the 8,859 strings of 10,000 articles where their 70,171 relation
# triples took 0.55 s: the store reads each term apart). The relations a filter, not a VALUES: with
# a VALUES Oxigraph matched every relation triple when the update is restricted to a few nodes
# (0.41 s against 0.04 s for 30 of 10,000 articles; 3.9 s against 0.55 s filled whole)
INSERT { GRAPH <https://w3id.org/kg-news/summary> { ?node kg:relationsFrom ?relations } }
WHERE {
  SELECT ?node (GROUP_CONCAT(CONCAT(STR(?relation), " ", STR(?object)); separator="\n") AS ?relations) WHERE {
    ?node ?relation ?object .
    FILTER(?relation IN (kg:partnerOf, kg:supplies, kg:competesWith, kg:develops, kg:subsidiaryOf, kg:founderOf,
                         kg:ceoOf, kg:chairOf, kg:boardMemberOf, kg:worksFor, kg:investsIn, kg:headquarteredIn,
                         kg:operatesIn, kg:uses, kg:basedOn, kg:restricts)
           && isIRI(?node) && isIRI(?object))
  }
  GROUP BY ?node
} ;

# per node: the rows of the edges from it (kg:EdgeCount), as one string: each edge's relation,
# object, best confidence and articles, a space between, a line each; in the articles, a line break
# (a file name may hold one) and "%" are percent-encoded (ENCODE_FOR_URI of every ":" made their
# decoding take 0.2 s at 10,000 articles). kg export reads these in place of the rows: 0.05 s for
# the 8,349 strings of 10,000 articles, where their 59,355 rows took 0.25 s as one string each and
# 1.9 s as five terms (the store reads each term apart)
INSERT { GRAPH <https://w3id.org/kg-news/summary> { ?node kg:edgesFrom ?edges } }
WHERE {
  SELECT ?node (GROUP_CONCAT(CONCAT(STR(?relation), " ", STR(?object), " ", STR(?confidence), " ",
                                    REPLACE(REPLACE(?articles, "%", "%25"), "\n", "%0A")); separator="\n")
                AS ?edges) WHERE {
    GRAPH <https://w3id.org/kg-news/summary> {
      ?row kg:edgeSubject ?node ; kg:edgeRelation ?relation ; kg:edgeObject ?object ; kg:confidence ?confidence ;
           kg:articles ?articles }
  }
  GROUP BY ?node
} ;

# per article: the measured facts it states, one triple an article (a
# single pattern to read back, where a row of three took 2 s for 10,000 articles)
INSERT { GRAPH <https://w3id.org/kg-news/summary> { ?article kg:factsStated ?facts } }
WHERE {
  SELECT ?article (COUNT(DISTINCT ?fact) AS ?facts) WHERE {
    ?fact kg:subject ?subject ; a kg:Fact ; kg:value ?value ; kg:evidence ?ev .
    ?ev prov:wasDerivedFrom ?article ; kg:start ?start ; kg:end ?end .
  }
  GROUP BY ?article
} ;

# the measured facts of the whole graph
INSERT { GRAPH <https://w3id.org/kg-news/summary> { [] a kg:FactCount ; kg:facts ?facts } }
WHERE {
  SELECT (COUNT(DISTINCT ?fact) AS ?facts) WHERE { ?fact kg:subject ?subject ; a kg:Fact ; kg:value ?value }
}
