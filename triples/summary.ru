# The summary graph: answers of the saved queries that aggregate over the
# whole graph, computed once when a store is loaded or updated (kg/store.py)
# so that those queries read a few rows instead of every mention, statement
# and fact (issue 9). Standard SPARQL 1.1 Update; it replaces what was there.
PREFIX kg: <https://w3id.org/kg-news/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>

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
