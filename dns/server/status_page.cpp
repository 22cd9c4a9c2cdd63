// The live status page: one HTML document with its style and script, compiled in (no CDN, no
// build step). The script reads /api/v1/status and /api/v1/steering every two seconds and
// redraws from them with textContent only (names from zone files are never parsed as HTML).
// Each region's card carries data-state (up, degraded, down, drained) and data-history (the
// states this page has shown it in, in order), which the browser test reads.
#include "dns/server/status_page.hpp"

namespace lodestar::server {

std::string_view statusPageHtml() noexcept {
  return R"html(<!doctype html>
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
  <div id="steering"></div>
  <h2>Recent changes</h2>
  <ul id="events"></ul>
</main>
<script>
"use strict";
const seen = {};  // region -> states this page has shown, in order (changes only)

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
    drawRegions(status);
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
refresh();
</script>
</body>
</html>
)html";
}

}  // namespace lodestar::server
