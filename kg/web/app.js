// The kg explorer: pick or write a SPARQL query, run it against /sparql,
// show the rows, and draw the entities of the answer with the relations
// between them. The graph is drawn by vis-network, which kg serve hands out
// from the pyvis package; nothing loads from elsewhere.
"use strict";

import {
  EndpointError, classColour, element, entityPage, literal, loadColours, relationColour, relationItems,
  relationsWithSentences, savedQueryListing, shorten, sparql, sparqlBlob,
} from "./common.js";

const $ = (id) => document.getElementById(id);
let prefixes = {};
const savedQueries = {};

// ------------------------------------------------------------ saved queries

async function loadSavedQueries() {
  const listing = await savedQueryListing();
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
  setQueryText(query.text);
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

// The entity the query is about: the value of its (entity) parameter, if it has one.
function centreName(params) {
  const query = savedQueries[$("saved").value];
  const kinds = query ? query.param_kinds : {};
  const name = Object.keys(params).find((param) => kinds[param] === "entity");
  return name ? params[name] : null;
}

// ------------------------------------------------------------ the page's URL

// The page's URL says what ran: ?saved=NAME, the text as query= when it is
// not the saved text, and param-NAME=VALUE; opening that URL runs it again.
function stateUrl(params) {
  const state = new URLSearchParams();
  const saved = savedQueries[$("saved").value];
  if (saved) state.set("saved", saved.name);
  if (!saved || saved.text !== $("query").value) state.set("query", $("query").value);
  for (const [name, value] of Object.entries(params)) state.set(`param-${name}`, value);
  return `?${state}`;
}

function runFromUrl() {
  const state = new URLSearchParams(location.search);
  if (!state.has("saved") && !state.has("query")) return;
  $("saved").value = savedQueries[state.get("saved")] ? state.get("saved") : "";
  chooseSavedQuery();
  if (state.has("query")) setQueryText(state.get("query"));
  for (const input of $("params").querySelectorAll("input[data-param]")) {
    input.value = state.get(`param-${input.dataset.param}`) || "";
  }
  run({ remember: false });
}

// ------------------------------------------------------------ the editor

function setQueryText(text) {
  $("query").value = text;
  markError(null);
}

// Mark where the parser stopped: a layer under the (transparent) text area
// holds the same text, with the character at the error in a <mark>.
function markError(position) {
  const layer = $("query-marks");
  layer.replaceChildren();
  if (!position) return;
  const text = $("query").value;
  const lines = text.split("\n");
  const line = Math.min(position.line, lines.length);
  // the server counts characters (code points); JavaScript strings count UTF-16 units
  const before = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
  const inLine = Array.from(lines[line - 1]).slice(0, position.column - 1).join("").length;
  const offset = before + inLine;
  const next = text.codePointAt(offset);
  const marked = next === undefined || next === 10 ? " " : String.fromCodePoint(next);
  const mark = element("mark", { class: "syntax-error", "data-line": line, "data-column": position.column }, marked);
  layer.append(text.slice(0, offset), mark, text.slice(offset + (marked === " " ? 0 : marked.length)));
  layer.scrollTop = $("query").scrollTop;
  $("query").setSelectionRange(offset, offset);
}

// ------------------------------------------------------------ results

let shown = null;  // {vars, bindings} of the table on show, in its current order

function cell(term) {
  if (!term) return "";
  if (term.type === "uri") {
    const page = entityPage(term.value, prefixes);
    return page ? element("a", { href: page }, shorten(term.value, prefixes)) : shorten(term.value, prefixes);
  }
  if (term.type === "bnode") return `_:${term.value}`;
  return term.value;
}

const NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger)$/;

function compareTerms(a, b) {
  if (!a || !b) return (a ? 0 : 1) - (b ? 0 : 1);  // unbound last
  if (NUMERIC.test(a.datatype || "") && NUMERIC.test(b.datatype || "")) return Number(a.value) - Number(b.value);
  return a.value.localeCompare(b.value, undefined, { numeric: true });
}

function sortBy(column, header) {
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  for (const th of header.parentElement.children) th.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  shown.bindings.sort((x, y) => (ascending ? 1 : -1) * compareTerms(x[column], y[column]));
  fillRows();
}

function fillRows() {
  $("result-table").tBodies[0].replaceChildren(...shown.bindings.map((binding) => {
    const row = element("tr");
    for (const name of shown.vars) row.appendChild(element("td")).append(cell(binding[name]));
    return row;
  }));
}

function showTable(result) {
  const container = $("results");
  container.replaceChildren();
  shown = null;
  if (result.graphText !== undefined) {
    container.append(element("pre", {}, result.graphText));
    return;
  }
  if (result.boolean !== undefined) {
    container.append(element("p", { class: "boolean" }, String(result.boolean)));
    return;
  }
  shown = { vars: result.head.vars, bindings: [...result.results.bindings] };
  const table = element("table", { id: "result-table" });
  const head = table.appendChild(element("thead")).appendChild(element("tr"));
  for (const name of shown.vars) {
    const header = head.appendChild(element("th", { title: "sort by this column" }));
    const button = header.appendChild(element("button", { type: "button", class: "sort" }, name));
    button.addEventListener("click", () => sortBy(name, header));
  }
  table.append(element("tbody"));
  container.append(table);
  fillRows();
}

// What ran last, to download it in another format.
let lastRun = null;

async function download(accept, extension) {
  if (!lastRun) return;
  try {
    const blob = await sparqlBlob(lastRun.query, lastRun.params, accept);
    const link = element("a", { href: URL.createObjectURL(blob), download: `${lastRun.name}.${extension}` });
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(link.href);
  } catch (error) {
    showError(error);
  }
}

function showError(error) {
  $("status").className = "error";
  $("status").textContent = error.message;
}

async function run({ remember = true } = {}) {
  const status = $("status");
  status.className = "";
  status.textContent = "running…";
  markError(null);
  const started = performance.now();
  const query = $("query").value;
  const params = currentParams();
  if (remember && location.search !== stateUrl(params)) history.pushState(null, "", stateUrl(params));
  try {
    const result = await sparql(query, params);
    lastRun = { query, params, name: $("saved").value || "result" };
    $("downloads").hidden = result.graphText !== undefined || result.boolean !== undefined;
    showTable(result);
    const rows = result.results ? result.results.bindings.length : 0;
    status.textContent = `${rows} rows in ${Math.round(performance.now() - started)} ms`;
    await drawResultGraph(result, centreName(params));
  } catch (error) {
    showError(error);
    if (error instanceof EndpointError) markError(error.position);
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

// The IRIs of the entity a query is about, found as the query's own
// (entity) parameter is: by label, alias, local name or IRI.
async function centreIris(name) {
  if (!name) return [];
  const answer = await sparql(`# param: centre (entity)
SELECT DISTINCT ?e WHERE { ?e rdfs:label|skos:altLabel ?centre }`, { centre: name });
  return answer.results.bindings.map((b) => b.e.value);
}

async function drawResultGraph(result, centre) {
  const { iris, names } = entityKeys(result);
  const centres = await centreIris(centre);
  iris.push(...centres);
  if (!iris.length && !names.length) { drawGraph([], []); return; }
  const nodeAnswer = await sparql(`SELECT DISTINCT ?e ?label ?class WHERE {
  { VALUES ?e { ${iris.map((i) => `<${i}>`).join(" ")} } }
  UNION { VALUES ?label { ${names.map(literal).join(" ")} } ?e rdfs:label ?label }
  ?e rdfs:label ?label ; a ?class . ?class rdfs:subClassOf kg:Entity .
}`);
  const nodes = new Map();
  for (const b of nodeAnswer.results.bindings) {
    nodes.set(b.e.value, { id: b.e.value, label: b.label.value, kind: b.class.value.replace(prefixes.kg, ""),
                           centre: centres.includes(b.e.value) });
  }
  if (!nodes.size) { drawGraph([], []); return; }
  const values = [...nodes.keys()].map((i) => `<${i}>`).join(" ");
  const edgeAnswer = await sparql(`SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?s { ${values} } VALUES ?o { ${values} }
  ?s ?p ?o . FILTER(STRSTARTS(STR(?p), STR(kg:)))
}`);
  const edges = new Map();
  for (const b of edgeAnswer.results.bindings) {
    const relation = b.p.value.replace(prefixes.kg, "");
    // a symmetric relation is stored both ways: one edge, no arrow
    const key = JSON.stringify([[b.s.value, b.o.value].sort(), relation]);
    if (edges.has(key)) edges.get(key).bothWays = true;
    else edges.set(key, { from: b.s.value, to: b.o.value, relation, bothWays: false });
  }
  drawGraph([...nodes.values()], [...edges.values()]);
}

// The drawing, and the nodes and edges it draws (vis DataSets).
let network = null;
let nodeData = null;

const nodeOptions = (n) => ({
  id: n.id, label: n.label, title: `${n.label} (${n.kind})`, kind: n.kind,
  shape: "dot", size: n.centre ? 18 : 10, borderWidth: n.centre ? 4 : 1,
  color: { background: classColour(n.kind), border: n.centre ? "#000000" : "#ffffff",
           highlight: { background: classColour(n.kind), border: "#000000" },
           hover: { background: classColour(n.kind), border: "#000000" } },
  font: n.centre ? { size: 16, bold: true } : { size: 13 },
  // the entity the query is about stays in the middle; the others settle around it
  ...(n.centre ? { x: 0, y: 0, fixed: true } : {}),
});

const edgeOptions = (e) => {
  const colour = relationColour(e.relation);
  return {
    from: e.from, to: e.to, label: e.relation, title: e.relation,
    arrows: e.bothWays ? "" : "to",
    // the relation's colour, also when its edge is hovered or selected
    color: { color: colour, highlight: colour, hover: colour, inherit: false },
    font: { size: 10, color: "#546e7a", strokeWidth: 3, align: "middle" },
  };
};

const NETWORK_OPTIONS = {
  // the same seed draws the same answer the same way every time
  layout: { randomSeed: 7, improvedLayout: true },
  physics: {
    solver: "forceAtlas2Based",
    // central gravity holds the parts of a disconnected answer near one
    // another; avoidOverlap keeps the dots apart
    forceAtlas2Based: { gravitationalConstant: -80, centralGravity: 0.015, springLength: 110, avoidOverlap: 1 },
    stabilization: { enabled: true, iterations: 600, fit: true },
  },
  interaction: { hover: true, tooltipDelay: 150, keyboard: { enabled: true, bindToWindow: false } },
  edges: { smooth: { type: "continuous" } },
};

function drawGraph(nodes, edges) {
  $("details").replaceChildren();
  $("node-names").replaceChildren(...nodes.map((n) => element("option", { value: n.label })));
  if (network) network.destroy();
  $("graph").dataset.ready = "false";
  nodeData = new vis.DataSet(nodes.map(nodeOptions));
  const edgeData = new vis.DataSet(edges.map(edgeOptions));
  network = new vis.Network($("graph"), { nodes: nodeData, edges: edgeData }, NETWORK_OPTIONS);
  // once laid out the drawing holds still: dragging a node moves that node only, the centre too
  const settled = () => {
    network.setOptions({ physics: false });
    nodeData.update(nodes.filter((n) => n.centre).map((n) => ({ id: n.id, fixed: false })));
    $("graph").dataset.ready = "true";
  };
  if (nodes.length) network.once("stabilizationIterationsDone", settled);
  else settled();
  network.on("click", (event) => { if (event.nodes.length) showDetails(event.nodes[0]); });
  window.explorerGraph = { network, nodes: nodeData, edges: edgeData };  // for the browser tests and the console
  $("legend").replaceChildren(...[...new Set(nodes.map((n) => n.kind))].sort().map((kind) => {
    const item = element("span", {}, kind);
    item.prepend(element("i", { style: `background:${classColour(kind)}` }));
    return item;
  }));
}

function findNode(text) {
  if (!network || !text) return;
  const wanted = text.trim().toLowerCase();
  const ids = nodeData.getIds();
  const label = (id) => nodeData.get(id).label.toLowerCase();
  const id = ids.find((i) => label(i) === wanted) || ids.find((i) => label(i).includes(wanted));
  if (!id) {
    $("search-status").textContent = `no node is called ${text}`;
    return;
  }
  $("search-status").textContent = "";
  network.selectNodes([id]);
  network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: false });
  showDetails(id);
}

function zoom(factor) {
  if (network) network.moveTo({ scale: network.getScale() * factor, animation: false });
}

async function showDetails(id) {
  const node = nodeData.get(id);
  const details = $("details");
  const title = details.appendChild(element("h3"));
  details.replaceChildren(title);
  title.append(element("a", { href: entityPage(id, prefixes) || "#" }, node.label), ` (${node.kind})`);
  const rows = await relationsWithSentences(id);
  if (!rows.length) { details.append(element("p", {}, "No relations.")); return; }
  details.appendChild(element("ul")).append(...relationItems(rows, id, prefixes));
}

// ------------------------------------------------------------ wiring

$("saved").addEventListener("change", chooseSavedQuery);
$("run").addEventListener("click", () => run());
$("query").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
});
$("query").addEventListener("input", () => markError(null));
$("query").addEventListener("scroll", () => { $("query-marks").scrollTop = $("query").scrollTop; });
$("download-csv").addEventListener("click", () => download("text/csv", "csv"));
$("download-json").addEventListener("click", () => download("application/sparql-results+json", "json"));
$("search").addEventListener("submit", (event) => { event.preventDefault(); findNode($("graph-search").value); });
$("zoom-in").addEventListener("click", () => zoom(1.25));
$("zoom-out").addEventListener("click", () => zoom(0.8));
$("fit").addEventListener("click", () => network && network.fit({ animation: false }));
window.addEventListener("popstate", runFromUrl);
Promise.all([loadSavedQueries(), loadColours()])
  .then(runFromUrl)
  .catch((error) => { $("status").textContent = `could not start: ${error.message}`; });
