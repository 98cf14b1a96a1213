// What the explorer and the entity page share: asking the endpoint, making
// elements, the colours kg draw uses, and an entity's relations with the
// sentences that state them. Every URL is relative to this script, so the
// pages work wherever kg serve is mounted.
"use strict";

const here = (path) => new URL(path, import.meta.url).href;

// What the endpoint says about itself, fetched once: prefixes and saved
// queries (/queries), class and relation colours (/colours.json).
let listing = null;
let colours = null;

export async function savedQueryListing() {
  listing ??= await (await fetch(here("queries"))).json();
  return listing;
}

export async function loadColours() {
  colours ??= await (await fetch(here("colours.json"))).json();
  return colours;
}

// kg draw's grey for a class or relation it has no colour for.
const OTHER = "#bbbbbb";
export const classColour = (kind) => (colours && colours.classes[kind]) || OTHER;
export const relationColour = (relation) => (colours && colours.relations[relation]) || OTHER;

export function element(tag, attributes = {}, text = null) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    // a style goes through CSSOM: the page's Content-Security-Policy refuses style attributes
    if (name === "style") node.style.cssText = value;
    else node.setAttribute(name, value);
  }
  if (text !== null) node.textContent = text;
  return node;
}

// A SPARQL string literal: JSON's escapes are all valid in SPARQL strings.
export const literal = (text) => JSON.stringify(text);

// An error the endpoint answered, with where the parser stopped if it said so.
export class EndpointError extends Error {
  constructor(status, text, position) {
    super(`${status}: ${text}`);
    this.position = position;  // {line, column}, both from 1, in characters; or null
  }
}

async function post(query, params, accept) {
  const body = new URLSearchParams({ query });
  for (const [name, value] of Object.entries(params)) body.append(`param-${name}`, value);
  const response = await fetch(here("sparql"), { method: "POST", headers: { Accept: accept }, body });
  if (!response.ok) {
    const [line, column] = (response.headers.get("X-KG-Error-Position") || "").split(":").map(Number);
    throw new EndpointError(response.status, (await response.text()).trim(), line ? { line, column } : null);
  }
  return response;
}

// The answer to a query: SPARQL JSON results, or {graphText} for a CONSTRUCT or DESCRIBE.
export async function sparql(query, params = {}) {
  const response = await post(query, params, "application/sparql-results+json, text/turtle;q=0.9");
  const text = await response.text();
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? JSON.parse(text) : { graphText: text };
}

// The answer as a file in one of the endpoint's formats, for downloading.
export async function sparqlBlob(query, params, accept) {
  return (await post(query, params, accept)).blob();
}

const localName = (iri, namespace) => iri.startsWith(namespace) ? iri.slice(namespace.length) : null;

// The entity page of an IRI in the entity namespace, else null.
export function entityPage(iri, prefixes) {
  const name = localName(iri, prefixes.entity);
  return name && !name.includes("/") ? here(`entity/${encodeURIComponent(name)}`) : null;
}

export function shorten(iri, prefixes) {
  for (const [prefix, namespace] of Object.entries(prefixes)) {
    const name = localName(iri, namespace);
    if (name !== null && /^[\w.-]*$/.test(name)) return `${prefix}:${name}`;
  }
  return `<${iri}>`;
}

// The relations an entity takes part in, each with the sentences that state
// it. A symmetric relation is stored both ways with the same evidence: each
// sentence is listed once.
export async function relationsWithSentences(iri) {
  const answer = await sparql(`SELECT ?s ?subject ?relation ?o ?object ?article ?quote WHERE {
  ?statement rdf:subject|rdf:object <${iri}> .
  ?statement a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:evidence ?evidence .
  ?s rdfs:label ?subject . ?o rdfs:label ?object .
  ?evidence prov:wasDerivedFrom/kg:fileName ?article .
  OPTIONAL { ?evidence kg:quote ?quote }
  BIND(STRAFTER(STR(?p), STR(kg:)) AS ?relation)
} ORDER BY ?relation ?subject ?object ?article ?quote`);
  const seen = new Set();
  const rows = [];
  for (const b of answer.results.bindings) {
    const quote = b.quote ? b.quote.value : "";
    const key = JSON.stringify([b.relation.value, [b.s.value, b.o.value].sort(), b.article.value, quote]);
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ subject: b.subject.value, subjectIri: b.s.value, relation: b.relation.value,
                object: b.object.value, objectIri: b.o.value, article: b.article.value, quote });
  }
  return rows;
}

// A list item per relation: "subject relation object “sentence” (article)",
// the other entity linked to its page.
export function relationItems(rows, iri, prefixes) {
  return rows.map((row) => {
    const item = element("li");
    for (const [label, other] of [[row.subject, row.subjectIri], [null, null], [row.object, row.objectIri]]) {
      if (label === null) { item.append(` ${row.relation} `); continue; }
      const page = other !== iri && entityPage(other, prefixes);
      item.append(page ? element("a", { href: page }, label) : label);
    }
    if (row.quote) item.append(" ", element("q", {}, row.quote));
    item.append(" ", element("span", { class: "source" }, `(${row.article})`));
    return item;
  });
}
