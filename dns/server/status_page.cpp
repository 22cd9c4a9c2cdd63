// The live status page: one HTML document with its style and script, compiled in (no CDN, no
// build step). The script reads /api/v1/status and /api/v1/steering every two seconds and
// redraws from them with textContent only (names from zone files are never parsed as HTML).
// Each region's card carries data-state (up, degraded, down, drained) and data-history (the
// states this page has shown it in, in order), which the browser test reads. The world view
// draws one dot per country (world_points.cpp, put into the script once) and colours it by
// the region the steering map's `world` rules send it to.
#include "dns/server/status_page.hpp"

#include <cstdio>
#include <string>

#include "dns/server/world_points.hpp"

namespace lodestar::server {

namespace {

constexpr std::string_view kHead = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lodestar status</title>
<style>
  :root { --up: #1a7f37; --degraded: #b35900; --down: #c62828; --drained: #5b5b9a; --line: #d8dce0; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2125; background: #f5f6f8; }
  header { display: flex; flex-wrap: wrap; gap: .5em 1.5em; align-items: baseline; padding: .8em 1.2em; background: #1d2733; color: #fff; }
  header h1 { font-size: 1.2em; margin: 0; }
  header .meta { font-size: .85em; opacity: .8; }
  main { padding: 1em 1.2em 2em; max-width: 1200px; margin: 0 auto; }
  h2 { font-size: 1.05em; margin: 1.4em 0 .6em; }
  #failopen { display: none; padding: .8em 1em; border-radius: 6px; background: #fdecea; border: 1px solid var(--down); color: #7f1d1d; }
  #failopen.on { display: block; }
  .regions { display: grid; grid-template-columns: repeat(auto-fill, minmax(270px, 1fr)); gap: .8em; }
  .region { background: #fff; border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 6px; padding: .7em .9em; }
  .region[data-state="up"] { border-left-color: var(--up); }
  .region[data-state="degraded"] { border-left-color: var(--degraded); }
  .region[data-state="down"] { border-left-color: var(--down); }
  .region[data-state="drained"] { border-left-color: var(--drained); }
  .region h3 { margin: 0 0 .3em; font-size: 1em; display: flex; justify-content: space-between; gap: .5em; }
  .badge { font-size: .75em; font-weight: 600; padding: .1em .5em; border-radius: 1em; color: #fff; text-transform: uppercase; }
  .badge.up { background: var(--up); } .badge.degraded { background: var(--degraded); }
  .badge.down { background: var(--down); } .badge.drained { background: var(--drained); }
  .endpoint { display: flex; gap: .5em; align-items: center; font-size: .9em; padding: .1em 0; }
  .dot { width: .7em; height: .7em; border-radius: 50%; flex: none; background: var(--down); }
  .dot.serving { background: var(--up); }
  .note { color: #5f6b76; font-size: .85em; }
  table { border-collapse: collapse; width: 100%; background: #fff; font-size: .9em; }
  th, td { text-align: left; padding: .35em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { background: #eef0f3; font-weight: 600; }
  td.fo { color: var(--down); font-weight: 600; }
  .record { margin-bottom: 1em; overflow-x: auto; }
  .record h3 { font-size: .95em; margin: .2em 0 .3em; font-family: ui-monospace, monospace; }
  #events li { font-size: .9em; margin: .15em 0; }
  #error { color: var(--down); }
  .worldview { display: flex; flex-wrap: wrap; gap: .8em 1.2em; align-items: flex-start; margin-bottom: 1em; }
  .worldview .map { flex: 3 1 320px; max-width: 820px; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .4em; }
  #world { display: block; width: 100%; height: auto; }
  #world .sea { fill: #eef3f8; }
  #world .grid { stroke: #d5dde6; stroke-width: .3; fill: none; }
  #world .label { font: 600 7px system-ui, sans-serif; fill: #8a96a3; opacity: .8; pointer-events: none; }
  #world circle { stroke: #fff; stroke-width: .35; fill: #b8c0c8; }
  #world circle.zone { stroke-width: .2; }
  #world circle[data-fail-open="true"] { stroke: var(--down); stroke-width: .8; }
  .worldview .side { flex: 1 1 200px; }
  .worldview label { font-size: .9em; display: block; margin-bottom: .5em; }
  #map-record { max-width: 100%; font: inherit; font-size: .9em; }
  #legend { list-style: none; margin: 0; padding: 0; font-size: .9em; }
  #legend li { display: flex; gap: .5em; align-items: center; padding: .15em 0; }
  #legend .swatch { width: 1em; height: 1em; border-radius: 50%; flex: none; border: 1px solid #fff; box-shadow: 0 0 0 1px var(--line); }
  #legend .count { color: #5f6b76; margin-left: auto; }
</style>
</head>
<body data-refreshes="0">
<header>
  <h1>Lodestar</h1>
  <span class="meta" id="updated">loading…</span>
  <span class="meta" id="error"></span>
</header>
<main>
  <div id="failopen" role="alert"></div>
  <h2>Regions</h2>
  <div class="regions" id="regions"></div>
  <h2>Where clients are sent now</h2>
  <div class="worldview">
    <div class="map">
      <svg id="world" viewBox="0 6 360 158" role="img" aria-labelledby="world-title">
        <title id="world-title">World view of the steering map: each dot is a country, coloured by the region its clients are sent to now</title>
        <rect class="sea" x="0" y="0" width="360" height="180"/>
        <path class="grid" d="M0 90H360M0 66.6H360M0 113.4H360M180 0V180"/>
        <g id="world-labels"></g>
        <g id="world-dots"></g>
      </svg>
    </div>
    <div class="side">
      <label>Steered record <select id="map-record"></select></label>
      <ul id="legend"></ul>
      <p class="note" id="map-note"></p>
    </div>
  </div>
  <div id="steering"></div>
  <h2>Recent changes</h2>
  <ul id="events"></ul>
</main>
<script>
"use strict";
const seen = {};  // region -> states this page has shown, in order (changes only)
// [country, continent, x, y, primary]: longitude + 180 and 90 - latitude (equirectangular).
const WORLD = )html";

constexpr std::string_view kTail = R"html(;
const SVG = "http://www.w3.org/2000/svg";
const PALETTE = ["#2f6fb5", "#e08a1e", "#2a9d8f", "#8e5cc2", "#b5651d", "#d6569b", "#6b8e23", "#17a2c8", "#7a7f2a", "#a0522d"];
const colours = {};  // region -> colour, kept for the page's life
let last = {status: null, steering: []};

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function regionState(r) {
  if (r.drained) return "drained";
  const eps = r.endpoints || [];
  const serving = eps.filter(e => e.serving).length;
  if (eps.length === 0 || serving === 0) return "down";
  return serving === eps.length ? "up" : "degraded";
}

function utc(seconds) { return new Date(seconds * 1000).toISOString().replace(".000Z", "Z"); }

function drawRegions(status) {
  const box = document.getElementById("regions");
  box.replaceChildren();
  for (const r of status.regions || []) {
    const state = regionState(r);
    const history = seen[r.region] || (seen[r.region] = []);
    if (history[history.length - 1] !== state) history.push(state);
    const card = el("section", {class: "region", "data-region": r.region, "data-state": state, "data-history": history.join(">")},
                    el("h3", {}, r.region, el("span", {class: "badge " + state}, state)));
    if (r.drain) card.append(el("div", {class: "note"}, "drained since " + utc(r.drain.since) + (r.drain.reason ? ": " + r.drain.reason : "")));
    for (const w of r.windows || [])
      card.append(el("div", {class: "note"}, "window " + utc(w.start) + " to " + utc(w.end) + " (" + w.state + ")"));
    for (const e of r.endpoints || []) {
      const what = (e.address || e.cname) + " — " + e.health + (e.admin !== "auto" ? ", " + e.admin : "") +
                   (e.serving ? "" : ", not serving: " + (e.not_serving_because || "?"));
      card.append(el("div", {class: "endpoint"}, el("span", {class: "dot" + (e.serving ? " serving" : "")}), what));
    }
    for (const p of r.pools || [])
      if (p.availability)
        card.append(el("div", {class: "note"}, "pool " + p.pool + ": available " + p.availability.last_hour.toFixed(2) +
                                               " % last hour, " + p.availability.last_day.toFixed(2) + " % last day"));
    box.append(card);
  }
  const fo = document.getElementById("failopen");
  const records = status.fail_open || [];
  fo.className = records.length ? "on" : "";
  fo.replaceChildren();
  if (records.length) {
    fo.append(el("strong", {}, "Failing open: "), "no usable region, endpoints answered whatever their health — ");
    fo.append(records.map(r => r.record + " (" + (r.clients || []).join("; ") + ")").join(", "));
  }
}

function drawSteering(map) {
  const box = document.getElementById("steering");
  box.replaceChildren();
  if (!map.length) box.append(el("p", {class: "note"}, "no steered records"));
  for (const rec of map) {
    const table = el("table", {}, el("tr", {}, el("th", {}, "clients"), el("th", {}, "answered from now")));
    for (const g of rec.groups) {
      const where = g.fail_open ? "FAILING OPEN from " + (g.regions[0] || "?") : g.regions.join(" → ") + (g.spill ? " (spilling over)" : "");
      table.append(el("tr", {}, el("td", {}, g.clients), el("td", g.fail_open ? {class: "fo"} : {}, where)));
    }
    box.append(el("div", {class: "record", "data-record": rec.record}, el("h3", {}, rec.record), table));
  }
}

function svgEl(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

function colourOf(region) {
  if (!(region in colours)) colours[region] = PALETTE[Object.keys(colours).length % PALETTE.length];
  return colours[region];
}

// Drawn once: the dots never move, only their colour and title change.
function buildWorld() {
  const labels = document.getElementById("world-labels");
  for (const [name, x, y] of [["North America", 62, 22], ["South America", 78, 140], ["Europe", 150, 40], ["Africa", 160, 118],
                              ["Asia", 300, 25], ["Oceania", 318, 150], ["Antarctica", 180, 162]]) {
    const t = svgEl("text", {class: "label", x: x, y: y, "text-anchor": "middle"});
    t.textContent = name;
    labels.append(t);
  }
  const dots = document.getElementById("world-dots");
  // Extra zones first, so each country's own dot is drawn on top.
  for (const primary of [0, 1])
    for (const [country, continent, x, y, p] of WORLD) {
      if (p !== primary) continue;
      const c = svgEl("circle", {cx: x, cy: y, r: p ? 2.1 : 1.3, class: p ? "country" : "zone",
                                 "data-country": country, "data-continent": continent});
      c.append(svgEl("title"));
      dots.append(c);
    }
}

function drawWorld() {
  const map = last.steering;
  const select = document.getElementById("map-record");
  const chosen = select.value || (map[0] && map[0].record) || "";
  if ([...select.options].map(o => o.value).join("\n") !== map.map(r => r.record).join("\n")) {
    select.replaceChildren();
    for (const rec of map) {
      const o = el("option", {value: rec.record}, rec.record);
      select.append(o);
    }
  }
  select.value = map.some(r => r.record === chosen) ? chosen : (map[0] ? map[0].record : "");
  const rec = map.find(r => r.record === select.value);
  const states = {};
  for (const r of (last.status && last.status.regions) || []) { states[r.region] = regionState(r); colourOf(r.region); }
  const world = rec && rec.world;
  const svg = document.getElementById("world");
  svg.dataset.record = rec ? rec.record : "";
  const counts = {};
  let failing = 0;
  for (const c of document.querySelectorAll("#world-dots circle")) {
    const country = c.dataset.country;
    const i = !world ? -1 : country in world.countries ? world.countries[country]
            : c.dataset.continent in world.continents ? world.continents[c.dataset.continent] : world["default"];
    const rule = world && world.rules[i];
    const region = rule && rule.regions.length ? rule.regions[0] : "";
    c.setAttribute("data-region", region);
    c.setAttribute("data-fail-open", rule && rule.fail_open ? "true" : "false");
    c.setAttribute("data-rule", rule ? rule.keys : "");
    c.style.fill = region ? colourOf(region) : "";
    const where = !rule ? "no steering" : !region ? "no region"
                : rule.regions.map(r => r + " (" + (states[r] || "?") + ")").join(", ");
    c.firstChild.textContent = country + " → " + where + (rule && rule.fail_open ? ", failing open" : "") +
                               (rule && rule.spill ? ", spilling over" : "") + (rule ? " · " + rule.keys : "");
    if (c.classList.contains("country")) {
      if (region) counts[region] = (counts[region] || 0) + 1;
      if (rule && rule.fail_open) failing++;
    }
  }
  const legend = document.getElementById("legend");
  legend.replaceChildren();
  for (const region of Object.keys(colours)) {
    const state = states[region] || "?";
    const swatch = el("span", {class: "swatch"});
    swatch.style.background = colourOf(region);
    legend.append(el("li", {"data-legend": region, "data-state": state}, swatch, region,
                     el("span", {class: "badge " + state}, state), el("span", {class: "count"}, String(counts[region] || 0))));
  }
  const note = document.getElementById("map-note");
  note.textContent = !rec ? "no steered records"
                   : (failing ? failing + (failing === 1 ? " country fails" : " countries fail") + " open (red ring). " : "") +
                     "Each dot is a country (the number: how many go to that region); " +
                     "subdivision and network keys are in the table below.";
}

function drawEvents(events) {
  const list = document.getElementById("events");
  list.replaceChildren();
  if (!events.length) list.append(el("li", {class: "note"}, "none since the daemon started"));
  for (const e of events.slice().reverse()) {
    const when = e.time ? utc(e.time) + " " : "";
    const what = e.event === "health" ? "endpoint " + e.endpoint + (e.where ? " (" + e.where + ")" : "")
               : e.event === "fail_open" ? "record " + e.record : e.event === "window" ? "window on " + e.region : e.event;
    const text = what + ": " + e.from + " → " + e.to + (e.reason ? " (" + e.reason + ")" : "") +
                 (e.held_because ? " — " + e.held_because : "");
    list.append(el("li", {}, when + text));
  }
}

async function refresh() {
  try {
    const [status, steering] = await Promise.all(["/api/v1/status", "/api/v1/steering"].map(async path => {
      const r = await fetch(path, {cache: "no-store", credentials: "same-origin"});
      if (!r.ok) throw new Error(path + ": HTTP " + r.status);
      return r.json();
    }));
    last = {status: status, steering: steering.records || []};
    drawRegions(status);
    drawWorld();
    drawSteering(steering.records || []);
    drawEvents(status.recent_events || []);
    document.getElementById("updated").textContent = "updated " + new Date().toISOString().slice(11, 19) + " UTC";
    document.getElementById("error").textContent = "";
    document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes) + 1);
  } catch (err) {
    document.getElementById("error").textContent = "cannot reach the daemon: " + err.message;
  }
  setTimeout(refresh, 2000);
}
buildWorld();
document.getElementById("map-record").addEventListener("change", drawWorld);
refresh();
</script>
</body>
</html>
)html";

// The points as the script's WORLD array, projected here so the page only draws.
std::string worldJs() {
  std::string out = "[";
  char buf[64];
  for (const auto& p : worldPoints()) {
    std::snprintf(buf, sizeof buf, "%s[\"%s\",\"%s\",%.1f,%.1f,%d]", out.size() > 1 ? "," : "", p.country,
                  p.continent, double(p.longitude) + 180, 90 - double(p.latitude), p.primary ? 1 : 0);
    out += buf;
  }
  return out + "]";
}

}  // namespace

std::string_view statusPageHtml() noexcept {
  static const std::string page = std::string(kHead) + worldJs() + std::string(kTail);
  return page;
}

}  // namespace lodestar::server
