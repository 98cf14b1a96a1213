// The page of one entity, /entity/<local name>: its labels, class, Wikidata
// item, the relations it takes part in with the sentences that state them,
// and its facts.
"use strict";

import {
  classColour, element, loadColours, relationItems, relationsWithSentences, savedQueryListing, sparql,
} from "./common.js";

const $ = (id) => document.getElementById(id);

async function card(iri, prefixes) {
  const answer = await sparql(`SELECT ?label ?alias ?class ?qid WHERE {
  { <${iri}> rdfs:label ?label } UNION { <${iri}> skos:altLabel ?alias }
  UNION { <${iri}> a ?class . ?class rdfs:subClassOf kg:Entity } UNION { <${iri}> kg:wikidata ?qid }
} ORDER BY ?label ?alias`);
  const found = { label: [], alias: [], class: [], qid: [] };
  for (const b of answer.results.bindings) {
    for (const [name, term] of Object.entries(b)) found[name].push(term.value);
  }
  found.class = found.class.map((c) => c.replace(prefixes.kg, ""));
  return found;
}

// A term of the card and its (empty) description, to fill in.
function field(list, term) {
  list.append(element("dt", {}, term));
  return list.appendChild(element("dd"));
}

function describe(name, iri, found) {
  const label = found.label[0] || name;
  document.title = `${label} · kg`;
  $("entity-name").textContent = label;
  const list = $("entity-card");
  field(list, "IRI").append(iri);
  field(list, "labels").append(found.label.join(", "));
  field(list, "aliases").append(found.alias.join(", ") || "none");
  const kinds = field(list, "class");
  for (const kind of found.class) {
    kinds.append(element("i", { class: "swatch", style: `background:${classColour(kind)}` }), kind, " ");
  }
  const wikidata = field(list, "Wikidata");
  for (const qid of found.qid) {
    wikidata.append(element("a", { href: `https://www.wikidata.org/wiki/${encodeURIComponent(qid)}` }, qid), " ");
  }
  if (!found.qid.length) wikidata.append("none");
  const explore = new URLSearchParams({ saved: "all-relations", "param-entity": label });
  field(list, "explore").append(element("a", { href: `../?${explore}` }, "all its relations in the explorer"));
}

async function facts(iri) {
  const answer = await sparql(`SELECT ?metric ?value ?unit ?period ?article ?quote WHERE {
  ?fact a kg:Fact ; kg:subject <${iri}> ; kg:metric ?metric ; kg:value ?value ; kg:unit ?unit ; kg:evidence ?evidence .
  ?evidence prov:wasDerivedFrom/kg:fileName ?article .
  OPTIONAL { ?fact kg:period ?period }
  OPTIONAL { ?evidence kg:quote ?quote }
} ORDER BY ?metric ?period ?article`);
  return answer.results.bindings.map((b) => {
    const row = element("tr");
    for (const name of ["metric", "value", "unit", "period"]) row.append(element("td", {}, b[name] ? b[name].value : ""));
    const source = row.appendChild(element("td"));
    if (b.quote) source.append(element("q", {}, b.quote.value), " ");
    source.append(element("span", { class: "source" }, `(${b.article.value})`));
    return row;
  });
}

async function show() {
  const name = decodeURIComponent(location.pathname.split("/").pop());
  const [listing] = await Promise.all([savedQueryListing(), loadColours()]);
  const prefixes = listing.prefixes;
  const iri = prefixes.entity + name;
  const found = await card(iri, prefixes);
  if (!found.label.length && !found.class.length) {
    $("entity-name").textContent = `No entity ${name} in this graph`;
    return;
  }
  describe(name, iri, found);
  const relations = relationItems(await relationsWithSentences(iri), iri, prefixes);
  $("entity-relations").replaceChildren(...(relations.length ? relations : [element("li", {}, "none")]));
  const rows = await facts(iri);
  $("entity-facts").tBodies[0].replaceChildren(...rows);
  if (!rows.length) $("entity-facts").replaceWith(element("p", {}, "No facts."));
}

show().catch((error) => { $("status").textContent = error.message; });
