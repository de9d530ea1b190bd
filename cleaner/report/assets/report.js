// The review report: renders the data embedded in the page (see cleaner/report/build.py).
// Views are chosen by the URL fragment, so the browser's back button and links work:
//   #overview   #rules   #rule?name=RULE   #docs?doc=I&rule=RULE&bin=B&q=TEXT   #errors
"use strict";

const D = JSON.parse(document.getElementById("report-data").textContent);
const RULES = D.rules;
const RULE_INDEX = new Map(RULES.map((r, i) => [r.name, i]));
const DOCS = D.documents;
const fmt = (n) => (n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US"));
const short = (n) => new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(n);
const pct = (x) => (x === null || x === undefined ? "–" : (100 * x).toFixed(x > 0 && x < 0.001 ? 2 : 1) + "%");

// -- colours: one hue per family, rules of a family in shades of it -----------------------------
const COLOURS = (() => {
  const families = [...new Set(RULES.map((r) => r.family))];
  const seen = new Map();
  return RULES.map((r) => {
    const f = families.indexOf(r.family);
    const k = seen.get(r.family) || 0;
    seen.set(r.family, k + 1);
    const hue = Math.round((f * 137.508) % 360);
    const shift = (k % 4) * 7;
    return {
      bg: `hsl(${hue}, 80%, ${84 - shift}%)`,
      solid: `hsl(${hue}, 55%, ${46 + shift}%)`,
    };
  });
})();

// -- small DOM helpers -----------------------------------------------------------------------
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "style") el.style.cssText = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}
// Replace an element's children (arrays flattened, null and false left out).
const put = (el, ...children) => el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
const swatch = (i) => h("span", { class: "swatch", style: `background:${COLOURS[i].bg};border-color:${COLOURS[i].solid}` });
const ruleLink = (name) => h("a", { href: "#rule?name=" + encodeURIComponent(name), class: "mono" }, name);
const go = (hash) => { location.hash = hash; };
function hashFor(view, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== null && v !== undefined && v !== "") q.set(k, v);
  const s = q.toString();
  return "#" + view + (s ? "?" + s : "");
}

// -- overview ----------------------------------------------------------------------------------
function barChart(title, rows, onClick) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return h("div", { class: "chart" }, h("h3", {}, title),
    rows.length ? rows.map((r) => h("div", { class: "bar-row", title: r.tip, onclick: () => onClick(r) },
      h("span", { class: "name" }, r.label),
      h("span", { class: "track" }, h("span", { class: "fill", style: `width:${(100 * r.value) / max}%;background:${r.colour}` })),
      h("span", { class: "num" }, r.num))) : h("p", { class: "empty" }, "Nothing was removed."));
}

function histogram() {
  const bins = D.histogram.bins;
  const n = bins.length - 1;
  const max = Math.max(1, ...bins);
  const label = (i) => (i === 0 ? "nothing removed" : `${Math.round((100 * (i - 1)) / n)}–${Math.round((100 * i) / n)}% removed`);
  return h("div", { class: "chart" },
    h("h3", {}, `Share removed per document (${fmt(D.histogram.documents)} ${D.histogram.sampled ? "sampled documents whose text was read" : "documents"})`),
    h("div", { class: "hist", id: "histogram" }, bins.map((c, i) => h("div", {
      class: "col" + (i === 0 ? " zero" : ""), style: `height:${(100 * c) / max}%`,
      title: `${label(i)}: ${fmt(c)} documents`, "data-bin": i,
      onclick: () => go(hashFor("docs", { bin: i })),
    }))),
    h("div", { class: "hist-axis" }, bins.map((c, i) => h("span", {}, i === 0 ? "none" : i === Math.round(n / 2) ? "50%" : i === n ? "100%" : ""))),
    h("p", { class: "note" }, "Bars on the right are documents that lost most of their text: where a rule may have gone wrong. " +
      "Click a bar to list the documents of the report in it."));
}

function renderOverview(el) {
  const s = D.summary;
  const out = s.chars_in === null ? null : s.chars_in - s.chars_removed;
  const cards = [
    ["Documents", fmt(s.documents), `${fmt(s.documents_with_removals)} with removals`],
    ["Failed", fmt(s.failed), s.failed ? "see Failures" : "none"],
    ["Characters in", fmt(s.chars_in), "normalised text"],
    ["Characters out", fmt(out), "clean text"],
    ["Removed", s.chars_in ? pct(s.chars_removed / s.chars_in) : fmt(s.chars_removed) + " chars", `${fmt(s.chars_removed)} characters`],
    ["Removals", fmt(s.removals), `${fmt(s.keeps)} kept while unsure`],
  ];
  const byRule = RULES.map((r, i) => ({ r, i })).filter((x) => x.r.chars > 0 || x.r.removals > 0)
    .sort((a, b) => b.r.chars - a.r.chars || a.r.name.localeCompare(b.r.name))
    .map(({ r, i }) => ({ label: r.name, value: r.chars, colour: COLOURS[i].solid, num: `${short(r.chars)} · ${short(r.removals)}×`,
      tip: `${r.name}: ${fmt(r.chars)} characters in ${fmt(r.removals)} removals, ${fmt(r.docs)} documents — ${r.description}`, name: r.name }));
  const famColour = new Map(RULES.map((r, i) => [r.family, COLOURS[i].solid]));
  const byFamily = D.families.filter((f) => f.removals > 0).sort((a, b) => b.chars - a.chars)
    .map((f) => ({ label: f.name, value: f.chars, colour: famColour.get(f.name) || "#888", num: `${short(f.chars)} · ${short(f.removals)}×`,
      tip: `${f.name}: ${fmt(f.chars)} characters in ${fmt(f.removals)} removals, ${fmt(f.docs)} documents`, family: f.name }));
  put(el,
    h("div", { class: "cards" }, cards.map(([l, v, sub]) => h("div", { class: "card" }, h("div", { class: "l" }, l), h("div", { class: "v" }, v), h("div", { class: "l" }, sub)))),
    ...(D.meta.notes || []).map((n) => h("p", { class: "warn" }, n)),
    h("h2", {}, "Where the removed text went"),
    h("div", { class: "charts" },
      barChart("Characters removed per rule (click a rule for its removals)", byRule, (r) => go(hashFor("rule", { name: r.name }))),
      barChart("Characters removed per family", byFamily, (f) => go(hashFor("rules", { family: f.family }))),
      histogram()),
    h("h2", {}, "What this report shows"),
    h("p", { class: "note", id: "sampling-note" }, samplingNote()));
}

function samplingNote() {
  const s = D.sampling;
  const parts = [
    `Counts, charts and the histogram cover all ${fmt(D.summary.documents)} documents ${D.meta.mode === "audit" ? "of the audit log" : "of the run"}.`,
    `The Documents tab shows ${fmt(s.documents_shown)} of them: up to ${fmt(s.outliers)} with the largest share removed, ` +
      `a sample of up to ${fmt(s.documents)} documents chosen by a hash of their file and id (so the same documents in every report of this corpus), ` +
      `and the documents that the rule samples come from.`,
    `Each rule shows up to ${fmt(s.samples_per_rule)} of its removals and ${fmt(s.keeps_per_rule)} of its keeps, chosen by a hash of the document and the offset.`,
    `Text is shown up to ${fmt(s.text_budget_chars)} characters in all, a document up to ${fmt(s.max_document_chars)}` +
      (s.documents_not_shown ? `; ${fmt(s.documents_not_shown)} sampled documents did not fit and are left out.` : "."),
  ];
  return parts.join(" ");
}

// -- rules ---------------------------------------------------------------------------------------
let ruleSort = { key: "chars", desc: true };

function renderRules(el, params) {
  const filter = h("input", { type: "search", placeholder: "Filter rules", value: params.get("family") || "", id: "rule-filter" });
  const cols = [["name", "Rule"], ["description", "What it removes"], ["removals", "Removals", 1], ["keeps", "Kept", 1], ["chars", "Characters", 1], ["docs", "Documents", 1]];
  const body = h("tbody");
  const fill = () => {
    const q = filter.value.trim().toLowerCase();
    const rows = RULES.map((r, i) => ({ r, i })).filter(({ r }) => !q || r.name.toLowerCase().includes(q) || r.description.toLowerCase().includes(q));
    const k = ruleSort.key;
    rows.sort((a, b) => {
      const x = a.r[k], y = b.r[k];
      const c = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
      return (ruleSort.desc ? -c : c) || a.r.name.localeCompare(b.r.name);
    });
    put(body, ...rows.map(({ r, i }) => h("tr", {
      class: "rule-row" + (r.removals + r.keeps === 0 ? " silent" : ""), "data-rule": r.name,
      onclick: () => go(hashFor("rule", { name: r.name })),
    },
    h("td", {}, swatch(i), h("span", { class: "mono" }, r.name), r.enabled === false ? h("span", { class: "badge" }, " off") : null),
    h("td", {}, r.description || h("span", { class: "empty" }, r.registered ? "" : "not a rule of this version")),
    h("td", { class: "n" }, fmt(r.removals)), h("td", { class: "n" }, fmt(r.keeps)), h("td", { class: "n" }, fmt(r.chars)), h("td", { class: "n" }, fmt(r.docs)))));
  };
  filter.addEventListener("input", fill);
  const head = h("tr", {}, cols.map(([k, label, num]) => h("th", { class: num ? "n" : "", onclick: () => {
    ruleSort = { key: k, desc: ruleSort.key === k ? !ruleSort.desc : !!num };
    fill();
  } }, label)));
  fill();
  put(el, h("div", { class: "toolbar" }, filter, h("span", { class: "note" }, "Every rule of this version; greyed rules removed nothing. Click a rule for a sample of its removals.")),
    h("table", { id: "rules-table" }, h("thead", {}, head), body));
}

function snippet(x, i) {
  const cls = x.action === "remove" ? "" : "keep";
  const style = x.action === "remove" ? `background:${COLOURS[i].bg}` : `border-color:${COLOURS[i].solid}`;
  // Blank lines between paragraphs take room and tell nothing here; the removed span's own whitespace
  // shows as the kept text's.
  const fold = (t) => t.replace(/\n\s*\n/g, "\n");
  const core = x.text.trim();
  const lead = x.text.slice(0, x.text.indexOf(core));
  const trail = x.text.slice(lead.length + core.length);
  const before = fold(x.before + lead).replace(/^\s+/, "");
  const after = fold(trail + x.after).replace(/\s+$/, "");
  return h("div", { class: "snippet" },
    before ? h("span", { class: "ctx" }, before) : null,
    h(x.action === "remove" ? "mark" : "span", { class: cls, style }, fold(core)),
    after ? h("span", { class: "ctx" }, after) : null,
    x.elided ? h("div", { class: "note" }, `(${fmt(x.elided)} characters elided in the middle)`) : null);
}

function renderRule(el, params) {
  const name = params.get("name");
  const i = RULE_INDEX.get(name);
  if (i === undefined) {
    put(el, h("p", { class: "empty" }, `No rule ${name} in this report.`));
    return;
  }
  const r = RULES[i];
  const removals = r.samples.filter((x) => x.action === "remove");
  const keeps = r.samples.filter((x) => x.action !== "remove");
  const docsWith = DOCS.filter((d) => d.spans.some((s) => s[2] === i)).length;
  const card = (x) => h("div", { class: "sample" },
    h("div", { class: "head" },
      x.doc_index === null ? h("span", { class: "mono" }, x.doc) :
        h("a", { class: "mono", href: hashFor("docs", { doc: x.doc_index, rule: name, at: x.start }) }, x.doc),
      h("span", {}, `characters ${fmt(x.start)}–${fmt(x.end)}`), h("span", {}, x.reason)),
    snippet(x, i));
  put(el,
    h("h2", {}, swatch(i), h("span", { class: "mono", id: "rule-name" }, r.name), " ", h("span", { class: "badge" }, r.kind || "rule"),
      r.enabled === false ? h("span", { class: "badge" }, "off in this configuration") : null),
    h("p", {}, r.description || ""),
    h("div", { class: "cards" },
      [["Removals", r.removals], ["Characters", r.chars], ["Documents", r.docs], ["Kept while unsure", r.keeps]]
        .map(([l, v]) => h("div", { class: "card" }, h("div", { class: "l" }, l), h("div", { class: "v" }, fmt(v))))),
    h("div", { class: "toolbar" },
      h("button", { id: "rule-docs", disabled: docsWith === 0, onclick: () => go(hashFor("docs", { rule: name })) },
        `Show the ${docsWith === 1 ? "document" : fmt(docsWith) + " documents"} of this report with ${name}`)),
    h("h2", {}, `Removals: ${fmt(removals.length)} of ${fmt(r.removals)}`,
      removals.length < r.removals ? " (a sample by a hash of document and offset)" : ""),
    h("div", { id: "rule-samples" }, removals.length ? removals.map(card) : h("p", { class: "empty" }, "None.")),
    keeps.length ? h("h2", {}, `Kept while unsure: ${fmt(keeps.length)} of ${fmt(r.keeps)}`) : null,
    keeps.length ? h("div", {}, keeps.map(card)) : null);
}

// -- documents -------------------------------------------------------------------------------
function binOf(d) {
  const n = D.histogram.bins.length - 1;
  if (!d.removed) return 0;
  if (d.share === null) return -1;
  return Math.min(n, Math.max(1, Math.ceil(d.share * n - 1e-9)));
}

let docView = null; // the document shown: {index, rule, targets, pos}

function renderDocs(el, params) {
  const q = h("input", { type: "search", placeholder: "Search document id", value: params.get("q") || "", id: "doc-search" });
  const ruleSel = h("select", { id: "doc-rule" }, h("option", { value: "" }, "All rules"),
    RULES.map((r) => h("option", { value: r.name, selected: r.name === params.get("rule") }, `${r.name} (${fmt(r.removals + r.keeps)})`)));
  const sortSel = h("select", { id: "doc-sort" }, h("option", { value: "sample" }, "Report order"),
    h("option", { value: "share" }, "Share removed ↓"), h("option", { value: "id" }, "Document id"));
  const bin = params.has("bin") ? Number(params.get("bin")) : null;
  const list = h("div", { class: "doc-list", id: "doc-list" });
  const pane = h("div", { id: "doc-pane" });
  const current = params.has("doc") ? Number(params.get("doc")) : null;
  const update = (extra) => go(hashFor("docs", { q: q.value.trim(), rule: ruleSel.value, bin, doc: current, ...extra }));
  q.addEventListener("change", () => update());
  ruleSel.addEventListener("change", () => update());
  sortSel.addEventListener("change", () => fillList());
  const ri = RULE_INDEX.get(params.get("rule"));
  const fillList = () => {
    const needle = q.value.trim().toLowerCase();
    let rows = DOCS.map((d, i) => ({ d, i })).filter(({ d }) =>
      (!needle || d.id.toLowerCase().includes(needle) || d.file.toLowerCase().includes(needle)) &&
      (ri === undefined || d.spans.some((s) => s[2] === ri)) && (bin === null || binOf(d) === bin));
    if (sortSel.value === "share") rows.sort((a, b) => (b.d.share ?? -1) - (a.d.share ?? -1));
    if (sortSel.value === "id") rows.sort((a, b) => a.d.id.localeCompare(b.d.id));
    put(list, ...(rows.length ? rows.map(({ d, i }) => {
      const n = ri === undefined ? d.spans.length : d.spans.filter((s) => s[2] === ri).length;
      return h("div", { class: "doc-item" + (i === current ? " current" : ""), "data-doc": i,
        onclick: () => update({ doc: i }) },
      h("div", { class: "id" }, d.id),
      h("div", { class: "sub" }, h("span", { class: "share", title: pct(d.share) + " removed" }, h("i", { style: `width:${100 * (d.share || 0)}%` })),
        h("span", {}, pct(d.share)), h("span", {}, `${fmt(n)} spans`), h("span", { class: "badge " + d.why }, d.why)));
    }) : [h("p", { class: "empty", style: "padding:8px" }, "No document of this report matches.")]));
    list.dataset.count = rows.length;
  };
  fillList();
  put(el,
    h("div", { class: "toolbar" }, q, ruleSel, sortSel,
      bin !== null ? h("button", { onclick: () => go(hashFor("docs", { q: q.value.trim(), rule: ruleSel.value, doc: current })) }, `share bin ${bin} ✕`) : null,
      h("span", { class: "note" }, `${fmt(DOCS.length)} documents in this report (see Overview for how they were chosen).`)),
    h("div", { class: "docs-layout" }, list, pane));
  if (current !== null && DOCS[current]) showDocument(pane, current, params.get("rule") || "", params.has("at") ? Number(params.get("at")) : null);
  else put(pane, h("p", { class: "empty" }, "Choose a document on the left."));
}

function showDocument(pane, index, rule, at) {
  const d = DOCS[index];
  const ri = RULE_INDEX.get(rule);
  const present = [...new Set(d.spans.map((s) => s[2]))].sort((a, b) => a - b);
  const legend = h("div", { class: "legend", id: "doc-legend" }, present.map((i) => {
    const n = d.spans.filter((s) => s[2] === i).length;
    return h("span", { class: i === ri ? "on" : "", style: `background:${COLOURS[i].bg}`, title: RULES[i].description,
      onclick: () => go(hashFor("docs", { ...Object.fromEntries(new URLSearchParams(location.hash.split("?")[1] || "")), rule: i === ri ? "" : RULES[i].name, at: "" })) },
    `${RULES[i].name} ${n}`);
  }));
  const counter = h("span", { id: "nav-count", class: "note" });
  const prev = h("button", { id: "prev-removal", title: "Previous (p)", onclick: () => step(-1) }, "◀ previous");
  const next = h("button", { id: "next-removal", title: "Next (n)", onclick: () => step(1) }, "next ▶");
  const head = h("div", {},
    h("h2", {}, h("span", { class: "mono", id: "doc-id" }, d.id)),
    h("p", { class: "note" }, `${d.file} · ${fmt(d.chars)} characters · ${fmt(d.removed)} removed (${pct(d.share)}) · ${d.why}`),
    d.truncated ? h("p", { class: "warn" }, `Only the first ${fmt(D.sampling.max_document_chars)} characters are shown.`) : null,
    d.note ? h("p", { class: "warn" }, d.note) : null,
    legend, h("div", { class: "toolbar" }, prev, next, counter,
      h("span", { class: "note" }, "Highlighted: removed (struck through) · dashed underline: kept while unsure · click a span for its reason.")));
  const body = d.text === null ? removedOnly(d, ri) : docText(d, ri);
  put(pane, head, body);
  const targets = [...body.querySelectorAll("[data-first]")];
  docView = { index, targets, pos: -1, counter };
  const step = (delta) => {
    if (!targets.length) return;
    docView.pos = (docView.pos + delta + targets.length) % targets.length;
    focusTarget();
  };
  const startAt = at === null ? -1 : targets.findIndex((t) => Number(t.dataset.start) >= at);
  if (startAt >= 0) { docView.pos = startAt; focusTarget(); } else updateCounter();
}

function updateCounter() {
  const n = docView.targets.length;
  docView.counter.textContent = n ? `${docView.pos >= 0 ? docView.pos + 1 : "–"} / ${n}` : "nothing to jump to";
}

function focusTarget() {
  document.querySelectorAll(".doc-text .focus").forEach((e) => e.classList.remove("focus"));
  const t = docView.targets[docView.pos];
  t.classList.add("focus");
  t.scrollIntoView({ block: "center" });
  updateCounter();
}

function docText(d, ri) {
  const text = d.text;
  const spans = d.spans;
  const cuts = new Set([0, text.length]);
  for (const s of spans) { cuts.add(s[0]); cuts.add(Math.min(s[1], text.length)); }
  const points = [...cuts].sort((a, b) => a - b);
  const order = spans.map((s, k) => k).sort((a, b) => spans[a][0] - spans[b][0]);
  const el = h("div", { class: "doc-text", id: "doc-text" });
  const firstSeen = new Set();
  let active = [];
  let next = 0;
  const frag = document.createDocumentFragment();
  for (let p = 0; p + 1 < points.length; p++) {
    const a = points[p], b = points[p + 1];
    while (next < order.length && spans[order[next]][0] <= a) active.push(order[next++]);
    active = active.filter((k) => spans[k][1] > a);
    const cover = active.filter((k) => spans[k][0] <= a && spans[k][1] >= b);
    const piece = text.slice(a, b);
    if (!cover.length) { frag.append(piece); continue; }
    const removal = cover.find((k) => spans[k][3] === 0);
    const shown = cover.filter((k) => ri === undefined || spans[k][2] === ri);
    const seg = h(removal !== undefined ? "mark" : "span", { "data-spans": cover.join(" ") }, piece);
    if (removal !== undefined) {
      const i = spans[removal][2];
      if (ri === undefined || i === ri) seg.style.background = COLOURS[i].bg;
      else seg.className = "faded";
    }
    const keep = cover.find((k) => spans[k][3] === 1 && (ri === undefined || spans[k][2] === ri));
    if (keep !== undefined) { seg.classList.add("keep"); seg.style.borderBottomColor = COLOURS[spans[keep][2]].solid; }
    seg.title = cover.map((k) => `${RULES[spans[k][2]].name} (${spans[k][3] === 0 ? "removed" : "kept"}): ${spans[k][4]}`).join("\n");
    for (const k of shown) {
      if (!firstSeen.has(k)) { firstSeen.add(k); seg.dataset.first = k; seg.dataset.start = spans[k][0]; break; }
    }
    seg.addEventListener("click", () => showDetail(cover.map((k) => spans[k])));
    frag.append(seg);
  }
  el.append(frag);
  return el;
}

function removedOnly(d, ri) {
  const rows = d.spans.filter((s) => ri === undefined || s[2] === ri);
  return h("div", { id: "doc-text" }, h("p", { class: "note" }, "The document's text is not available: its removed spans only."),
    rows.map((s, k) => h("div", { class: "sample", "data-first": k, "data-start": s[0] },
      h("div", { class: "head" }, swatch(s[2]), ruleLink(RULES[s[2]].name), h("span", {}, `characters ${fmt(s[0])}–${fmt(s[1])}`), h("span", {}, s[4])),
      h("div", { class: "snippet" }, h(s[3] === 0 ? "mark" : "span", { style: `background:${COLOURS[s[2]].bg}` }, s[5] || "")))));
}

function showDetail(spans) {
  const box = document.getElementById("detail");
  put(box, h("button", { class: "x", onclick: () => { box.hidden = true; } }, "✕"),
    spans.map((s) => h("div", {}, h("p", {}, swatch(s[2]), ruleLink(RULES[s[2]].name), " · ", s[3] === 0 ? "removed" : "kept while unsure",
      ` · characters ${fmt(s[0])}–${fmt(s[1])}`), h("p", {}, s[4]), h("p", { class: "note" }, RULES[s[2]].description))));
  box.hidden = false;
}

// -- failures ----------------------------------------------------------------------------------
function renderErrors(el) {
  const e = D.errors;
  put(el, h("h2", {}, `${fmt(e.count)} documents failed`),
    e.count ? h("p", { class: "note" }, e.sample.length < e.count ? `A sample of ${fmt(e.sample.length)}, chosen by a hash of file, id and line.` : "All of them:") : null,
    e.sample.length ? h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Document"), h("th", {}, "File"), h("th", {}, "Reason"))),
      h("tbody", {}, e.sample.map((x) => h("tr", {}, h("td", { class: "mono" }, x.doc ?? ""), h("td", { class: "mono" }, x.file ?? "", x.line ? ":" + x.line : ""), h("td", {}, x.reason ?? ""))))) :
      h("p", { class: "empty" }, "No document failed."));
}

// -- routing ---------------------------------------------------------------------------------
const VIEWS = { overview: renderOverview, rules: renderRules, rule: renderRule, docs: renderDocs, errors: renderErrors };

function route() {
  const raw = location.hash.replace(/^#/, "");
  const [name, query] = [raw.split("?")[0] || "overview", raw.split("?").slice(1).join("?")];
  const view = VIEWS[name] ? name : "overview";
  const params = new URLSearchParams(query);
  for (const sec of document.querySelectorAll(".view")) sec.classList.toggle("active", sec.id === "view-" + view);
  const tab = view === "rule" ? "rules" : view;
  for (const a of document.querySelectorAll("nav#tabs a")) a.classList.toggle("active", a.dataset.tab === tab);
  document.getElementById("detail").hidden = true;
  docView = null;
  VIEWS[view](document.getElementById("view-" + view), params);
  document.body.dataset.view = view;
}

document.addEventListener("keydown", (ev) => {
  if (!docView || ev.target.matches("input, select, textarea")) return;
  if (ev.key === "n" || ev.key === "j") document.getElementById("next-removal").click();
  if (ev.key === "p" || ev.key === "k") document.getElementById("prev-removal").click();
});

(function init() {
  const m = D.meta;
  document.getElementById("meta-line").textContent = [m.source, m.generated, m.version ? "article-cleaner " + m.version : ""].filter(Boolean).join(" · ");
  const errTab = document.querySelector('nav#tabs a[data-tab="errors"]');
  errTab.append(h("span", { class: "count" }, ` (${fmt(D.errors.count)})`));
  document.querySelector('nav#tabs a[data-tab="docs"]').append(h("span", { class: "count" }, ` (${fmt(DOCS.length)})`));
  window.addEventListener("hashchange", route);
  route();
  window.reportReadyMs = performance.now(); // since the navigation started (make bench reads it)
  document.documentElement.dataset.ready = "1";
})();
