// The kg explorer: pick or write a SPARQL query, run it against /sparql,
// show the rows, and draw the entities of the answer with the relations
// between them. No libraries: the machines it runs on are offline.
"use strict";

const KG = "https://w3id.org/kg-news/ontology#";
const CLASS_COLOURS = {
  Organization: "#1e88e5", Person: "#e53935", Product: "#43a047",
  Place: "#fb8c00", Topic: "#8e24aa", Entity: "#757575",
};
let prefixes = {};
let savedQueries = {};

const $ = (id) => document.getElementById(id);

function element(tag, attributes = {}, text = null) {
  const svgTags = ["svg", "g", "line", "circle", "text", "title", "defs", "marker", "path"];
  const node = svgTags.includes(tag)
    ? document.createElementNS("http://www.w3.org/2000/svg", tag)
    : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    // a style goes through CSSOM: the page's Content-Security-Policy refuses style attributes
    if (name === "style") node.style.cssText = value;
    else node.setAttribute(name, value);
  }
  if (text !== null) node.textContent = text;
  return node;
}

// A SPARQL string literal: JSON's escapes are all valid in SPARQL strings.
const literal = (text) => JSON.stringify(text);

function shorten(iri) {
  for (const [prefix, namespace] of Object.entries(prefixes)) {
    if (iri.startsWith(namespace) && /^[\w.-]*$/.test(iri.slice(namespace.length))) {
      return `${prefix}:${iri.slice(namespace.length)}`;
    }
  }
  return `<${iri}>`;
}

async function sparql(query, params = {}) {
  const body = new URLSearchParams({ query });
  for (const [name, value] of Object.entries(params)) body.append(`param-${name}`, value);
  const response = await fetch("sparql", {
    method: "POST",
    headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9" },
    body,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status}: ${text}`);
  const type = response.headers.get("Content-Type") || "";
  return type.includes("json") ? JSON.parse(text) : { graphText: text };
}

// ------------------------------------------------------------ saved queries

async function loadSavedQueries() {
  const listing = await (await fetch("queries")).json();
  prefixes = listing.prefixes;
  for (const query of listing.queries) {
    savedQueries[query.name] = query;
    $("saved").append(element("option", { value: query.name }, `${query.name}: ${query.title}`));
  }
}

function chooseSavedQuery() {
  const query = savedQueries[$("saved").value];
  $("params").replaceChildren();
  $("saved-description").textContent = query ? query.description : "";
  if (!query) return;
  $("query").value = query.text;
  for (const [name, meaning] of Object.entries(query.params)) {
    const label = element("label", {}, `${name}: ${meaning}`);
    label.append(element("input", { "data-param": name, name: `param-${name}` }));
    $("params").append(label);
  }
}

// Parameters of the chosen saved query that the text (maybe edited) still uses.
function currentParams() {
  const params = {};
  const text = $("query").value;
  for (const input of $("params").querySelectorAll("input[data-param]")) {
    const name = input.dataset.param;
    if (input.value !== "" && new RegExp(`[?$]${name}\\b`).test(text)) params[name] = input.value;
  }
  return params;
}

// ------------------------------------------------------------ results

function cellText(term) {
  if (!term) return "";
  if (term.type === "uri") return shorten(term.value);
  if (term.type === "bnode") return `_:${term.value}`;
  return term.value;
}

function showTable(result) {
  const container = $("results");
  container.replaceChildren();
  if (result.graphText !== undefined) {
    container.append(element("pre", {}, result.graphText));
    return;
  }
  if (result.boolean !== undefined) {
    container.append(element("p", { class: "boolean" }, String(result.boolean)));
    return;
  }
  const table = element("table", { id: "result-table" });
  const head = element("tr");
  for (const name of result.head.vars) head.append(element("th", {}, name));
  table.appendChild(element("thead")).append(head);
  const body = table.appendChild(element("tbody"));
  for (const binding of result.results.bindings) {
    const row = element("tr");
    for (const name of result.head.vars) row.append(element("td", {}, cellText(binding[name])));
    body.append(row);
  }
  container.append(table);
}

async function run() {
  const status = $("status");
  status.className = "";
  status.textContent = "running…";
  const started = performance.now();
  try {
    const result = await sparql($("query").value, currentParams());
    showTable(result);
    const rows = result.results ? result.results.bindings.length : 0;
    status.textContent = `${rows} rows in ${Math.round(performance.now() - started)} ms`;
    await drawResultGraph(result);
  } catch (error) {
    status.className = "error";
    status.textContent = error.message;
  }
}

// ------------------------------------------------------------ the graph view

// The entities an answer names: IRIs in the entity namespace, and literals
// that are some entity's label (saved queries mostly return names).
function entityKeys(result) {
  const iris = new Set();
  const names = new Set();
  for (const binding of (result.results ? result.results.bindings : [])) {
    for (const term of Object.values(binding)) {
      if (term.type === "uri") iris.add(term.value);
      else if (term.type === "literal" && term.value.length < 200) names.add(term.value);
    }
  }
  return { iris: [...iris].slice(0, 400), names: [...names].slice(0, 400) };
}

async function drawResultGraph(result) {
  const { iris, names } = entityKeys(result);
  if (!iris.length && !names.length) { drawGraph([], []); return; }
  const nodeAnswer = await sparql(`SELECT DISTINCT ?e ?label ?class WHERE {
  { VALUES ?e { ${iris.map((i) => `<${i}>`).join(" ")} } }
  UNION { VALUES ?label { ${names.map(literal).join(" ")} } ?e rdfs:label ?label }
  ?e rdfs:label ?label ; a ?class . ?class rdfs:subClassOf kg:Entity .
}`);
  const nodes = new Map();
  for (const b of nodeAnswer.results.bindings) {
    nodes.set(b.e.value, { id: b.e.value, label: b.label.value, kind: b.class.value.replace(KG, "") });
  }
  if (!nodes.size) { drawGraph([], []); return; }
  const values = [...nodes.keys()].map((i) => `<${i}>`).join(" ");
  const edgeAnswer = await sparql(`SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?s { ${values} } VALUES ?o { ${values} }
  ?s ?p ?o . FILTER(STRSTARTS(STR(?p), STR(kg:)))
}`);
  const edges = [];
  const seen = new Set();
  for (const b of edgeAnswer.results.bindings) {
    const relation = b.p.value.replace(KG, "");
    // symmetric relations are stored both ways: draw each pair once
    const key = [b.s.value, b.o.value].sort().join(" ") + " " + relation;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ source: b.s.value, target: b.o.value, relation });
  }
  drawGraph([...nodes.values()], edges);
}

// Fruchterman–Reingold layout: enough for the few hundred nodes an answer has.
function layout(nodes, edges, width, height) {
  const k = Math.sqrt((width * height) / Math.max(nodes.length, 1)) * 0.6;
  nodes.forEach((node, i) => {
    const angle = (2 * Math.PI * i) / nodes.length;
    node.x = width / 2 + (width / 3) * Math.cos(angle);
    node.y = height / 2 + (height / 3) * Math.sin(angle);
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (let step = 0, temperature = width / 8; step < 300; step++, temperature *= 0.985) {
    for (const n of nodes) { n.dx = 0; n.dy = 0; }
    for (let i = 0; i < nodes.length; i++) {
      for (let j = i + 1; j < nodes.length; j++) {
        const a = nodes[i], b = nodes[j];
        const dx = a.x - b.x || 0.01, dy = a.y - b.y || 0.01;
        const distance = Math.hypot(dx, dy);
        const force = (k * k) / distance;
        a.dx += (dx / distance) * force; a.dy += (dy / distance) * force;
        b.dx -= (dx / distance) * force; b.dy -= (dy / distance) * force;
      }
    }
    for (const e of edges) {
      const a = byId.get(e.source), b = byId.get(e.target);
      const dx = a.x - b.x, dy = a.y - b.y;
      const distance = Math.hypot(dx, dy) || 0.01;
      const force = (distance * distance) / k;
      a.dx -= (dx / distance) * force; a.dy -= (dy / distance) * force;
      b.dx += (dx / distance) * force; b.dy += (dy / distance) * force;
    }
    for (const n of nodes) {
      const length = Math.hypot(n.dx, n.dy) || 1;
      n.x += (n.dx / length) * Math.min(length, temperature);
      n.y += (n.dy / length) * Math.min(length, temperature);
    }
  }
  fitInto(nodes, width, height);
}

// Scale and move the layout into the drawing, leaving room for labels.
function fitInto(nodes, width, height) {
  if (!nodes.length) return;
  const xs = nodes.map((n) => n.x), ys = nodes.map((n) => n.y);
  const [left, right, top, bottom] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min((width - 200) / ((right - left) || 1), (height - 60) / ((bottom - top) || 1), 1.5);
  for (const n of nodes) {
    n.x = width / 2 + (n.x - (left + right) / 2) * scale - 40;
    n.y = height / 2 + (n.y - (top + bottom) / 2) * scale;
  }
}

function drawGraph(nodes, edges) {
  const svg = $("graph");
  svg.replaceChildren();
  $("details").replaceChildren();
  const [width, height] = [800, 520];  // the viewBox
  layout(nodes, edges, width, height);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const marker = svg.appendChild(element("defs")).appendChild(element("marker", {
    id: "arrow", viewBox: "0 0 8 8", refX: 8, refY: 4, markerWidth: 8, markerHeight: 8, orient: "auto" }));
  marker.append(element("path", { d: "M0,0 L8,4 L0,8 z" }));
  const edgeLayer = svg.appendChild(element("g"));
  for (const e of edges) {
    const a = byId.get(e.source), b = byId.get(e.target);
    // stop the arrow at the edge of the target's circle
    const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
    const [x2, y2] = [b.x - ((b.x - a.x) / length) * 11, b.y - ((b.y - a.y) / length) * 11];
    const group = edgeLayer.appendChild(element("g", { class: "edge" }));
    group.append(element("line", { x1: a.x, y1: a.y, x2, y2, "marker-end": "url(#arrow)" }));
    group.append(element("text", { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 3, "text-anchor": "middle" }, e.relation));
  }
  for (const n of nodes) {
    const group = svg.appendChild(element("g", { class: "node", "data-iri": n.id, transform: `translate(${n.x},${n.y})` }));
    group.append(element("circle", { r: 9, fill: CLASS_COLOURS[n.kind] || CLASS_COLOURS.Entity }));
    group.append(element("text", { x: 12, y: 4 }, n.label));
    group.append(element("title", {}, `${n.label} (${n.kind})`));
    group.addEventListener("click", () => showDetails(n, group));
  }
  $("legend").replaceChildren(...[...new Set(nodes.map((n) => n.kind))].map((kind) => {
    const item = element("span", {}, kind);
    item.prepend(element("i", { style: `background:${CLASS_COLOURS[kind] || CLASS_COLOURS.Entity}` }));
    return item;
  }));
}

async function showDetails(node, group) {
  for (const selected of document.querySelectorAll(".node.selected")) selected.classList.remove("selected");
  group.classList.add("selected");
  const answer = await sparql(`SELECT ?subject ?relation ?object ?article ?quote WHERE {
  ?statement rdf:subject|rdf:object <${node.id}> .
  ?statement a rdf:Statement ; rdf:subject/rdfs:label ?subject ; rdf:predicate ?p ;
             rdf:object/rdfs:label ?object ; kg:evidence ?evidence .
  ?evidence prov:wasDerivedFrom/kg:fileName ?article .
  OPTIONAL { ?evidence kg:quote ?quote }
  BIND(STRAFTER(STR(?p), STR(kg:)) AS ?relation)
} ORDER BY ?relation ?subject ?object ?article`);
  const details = $("details");
  details.replaceChildren(element("h3", {}, `${node.label} (${node.kind})`));
  const list = details.appendChild(element("ul"));
  for (const b of answer.results.bindings) {
    const item = list.appendChild(element("li", {}, `${b.subject.value} ${b.relation.value} ${b.object.value} `));
    if (b.quote) item.append(element("q", {}, b.quote.value), " ");
    item.append(element("span", { class: "source" }, `(${b.article.value})`));
  }
  if (!answer.results.bindings.length) details.append(element("p", {}, "No relations."));
}

// ------------------------------------------------------------ wiring

$("saved").addEventListener("change", chooseSavedQuery);
$("run").addEventListener("click", run);
$("query").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
});
loadSavedQueries().catch((error) => { $("status").textContent = `could not list saved queries: ${error.message}`; });
