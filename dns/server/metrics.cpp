// Names follow Prometheus' conventions: lodestar_ prefix, _total on counters, seconds and
// ratios as base units. Labels are bounded by the configuration (regions, endpoints, rcodes,
// types), never by clients.
#include "dns/server/metrics.hpp"

#include <map>

#include "dns/server/prometheus_text.hpp"

namespace lodestar::server {

namespace {

using Json = nlohmann::json;
using Labels = PrometheusText::Labels;

// A non-negative whole number (the snapshots hold counters as unsigned, tests as signed).
uint64_t whole(const Json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  return v.is_number_integer() && v.get<int64_t>() > 0 ? static_cast<uint64_t>(v.get<int64_t>()) : 0;
}

uint64_t count(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() ? whole(*it) : 0;
}

// A counter or gauge that has one sample without labels.
void single(PrometheusText& p, const char* name, const char* type, const char* help, uint64_t value) {
  p.family(name, type, help);
  p.sample({}, value);
}

// A counter per key of a stats object ({"NOERROR": 5, ...}).
void byKey(PrometheusText& p, const Json& stats, const char* key, const char* name, const char* label, const char* help) {
  p.family(name, "counter", help);
  const auto it = stats.find(key);
  if (it == stats.end() || !it->is_object()) return;
  for (const auto& [k, v] : it->items())
    if (v.is_number_integer()) p.sample({{label, k}}, whole(v));
}

// The sampled histogram of the answer path's time, cumulative as Prometheus wants it.
void answerTime(PrometheusText& p, const Json& s) {
  const auto t = s.find("answer_time");
  if (t == s.end() || !t->is_object() || !t->contains("buckets") || !(*t)["buckets"].is_array()) return;
  p.family("lodestar_answer_duration_seconds", "histogram",
           "Time in the answer path (parse to the message finished), sampled: one query in " +
               std::to_string(count(*t, "sampled_every")) + " per thread.");
  uint64_t cumulative = 0;
  for (const auto& b : (*t)["buckets"]) {
    cumulative += count(b, "count");
    const std::string le = b.contains("le_ns") ? PrometheusText::number(static_cast<double>(count(b, "le_ns")) / 1e9) : "+Inf";
    p.sample({{"le", le}}, cumulative, "_bucket");
  }
  p.sample({}, static_cast<double>(count(*t, "sum_ns")) / 1e9, "_sum");
  p.sample({}, cumulative, "_count");
}

void queries(PrometheusText& p, const Json& s) {
  single(p, "lodestar_queries_total", "counter", "DNS messages received by the workers (UDP, TCP and AF_XDP).",
         count(s, "queries"));
  byKey(p, s, "by_transport", "lodestar_queries_by_transport_total", "transport",
        "DNS messages received, by how they came in: udp, tcp, xdp (AF_XDP).");
  single(p, "lodestar_queries_ecs_total", "counter", "Queries that carried an EDNS Client Subnet option.",
         count(s, "with_ecs"));
  single(p, "lodestar_queries_dropped_total", "counter", "Messages not answered: not a query, or malformed.",
         count(s, "dropped"));
  single(p, "lodestar_responses_unsent_total", "counter",
         "Answers made but not sent: the UDP socket did not take them (its buffer full).", count(s, "unsent"));
  single(p, "lodestar_responses_truncated_total", "counter", "Answers sent with TC=1 (too big for the client's UDP size).",
         count(s, "truncated"));
  if (s.contains("dnssec")) {
    const Json& d = s["dnssec"];
    single(p, "lodestar_dnssec_cache_hits_total", "counter",
           "Steered sets and denials whose signatures came from the worker's cache (DO=1, signed zones).",
           count(d, "cache_hits"));
    single(p, "lodestar_dnssec_signatures_total", "counter", "Signatures made online (cache misses).",
           count(d, "signatures_made"));
    single(p, "lodestar_dnssec_signing_failures_total", "counter",
           "Answers of a signed zone sent without their online signature because signing failed (they do not validate).",
           count(d, "signing_failures"));
  }
  if (const auto rl = s.find("rate_limit"); rl != s.end() && rl->is_object()) {
    p.family("lodestar_rate_limited_responses_total", "counter",
             "Answers over UDP held back by response rate limiting, by answer class and what was sent instead: "
             "nothing (dropped) or an empty answer with TC=1 (slipped).");
    for (const char* action : {"dropped", "slipped"})
      if (const auto a = rl->find(action); a != rl->end() && a->is_object())
        for (const auto& [klass, n] : a->items())
          if (n.is_number_integer()) p.sample({{"class", klass}, {"action", action}}, whole(n));
  }
  if (const auto c = s.find("cookies"); c != s.end() && c->is_object()) {
    p.family("lodestar_cookie_queries_total", "counter",
             "Queries with a DNS cookie (RFC 7873), by what the server found: a client cookie only, a valid "
             "server cookie, an invalid one (wrong, too old, another client's), or one the answer ignores "
             "(a malformed query, another EDNS version). BADCOOKIE answers are in lodestar_responses_total.");
    for (const auto& [state, n] : c->items())
      if (n.is_number_integer()) p.sample({{"state", state}}, whole(n));
  }
  byKey(p, s, "by_rcode", "lodestar_responses_total", "rcode", "Answers by response code.");
  byKey(p, s, "by_qtype", "lodestar_queries_by_type_total", "qtype", "Queries by question type.");
  byKey(p, s, "by_zone", "lodestar_queries_by_zone_total", "zone",
        "Queries answered from each zone (the first 255 zones of the configuration; \"other zones\" the rest).");
  byKey(p, s, "answers_by_region", "lodestar_steered_answers_total", "region",
        "Steered answers by the region chosen first (the steering decisions).");
  p.family("lodestar_steered_record_answers_total", "counter",
           "Steered answers by record and the region chosen first (records past the first 4095 record x region "
           "slots under \"other records\").");
  if (const auto r = s.find("answers_by_record"); r != s.end() && r->is_object())
    for (const auto& [record, regions] : r->items())
      if (regions.is_object())
        for (const auto& [region, n] : regions.items())
          if (n.is_number_integer()) p.sample({{"record", record}, {"region", region}}, whole(n));
  single(p, "lodestar_fail_open_answers_total", "counter",
         "Steered answers given with no usable region: endpoints served whatever their health.", count(s, "fail_open"));
  single(p, "lodestar_fail_open_records", "gauge", "Steered records with clients that no usable region serves now.",
         count(s, "fail_open_records"));
  single(p, "lodestar_fail_open_entered_total", "counter", "Times a record began failing open.",
         count(s, "fail_open_entered"));
  if (const auto t = s.find("dnstap"); t != s.end() && t->is_object()) {
    single(p, "lodestar_dnstap_frames_total", "counter", "dnstap messages written.", count(*t, "frames"));
    p.family("lodestar_dnstap_dropped_total", "counter",
             "Answered queries the dnstap log lost: a thread's queue was full, or the output took no more.");
    p.sample({{"reason", "queue_full"}}, count(*t, "dropped_queue_full"));
    p.sample({{"reason", "unwritten"}}, count(*t, "dropped_unwritten"));
    single(p, "lodestar_dnstap_responses_too_big_total", "counter",
           "Responses not logged because they did not fit beside their query (the query was logged).",
           count(*t, "responses_too_big"));
  }
  answerTime(p, s);
  single(p, "lodestar_tcp_connections", "gauge", "TCP connections open over all workers.", count(s, "tcp_connections"));
  single(p, "lodestar_tcp_connections_max", "gauge", "The cap on TCP connections over all workers.",
         count(s, "tcp_max_connections"));
  single(p, "lodestar_tcp_connections_refused_total", "counter",
         "TCP connections closed at once: no slot could be made under the caps.", count(s, "tcp_refused"));
  single(p, "lodestar_tcp_connections_evicted_total", "counter",
         "TCP connections closed to make a slot for a new one (the slowest first).", count(s, "tcp_evicted"));
}

void daemonState(PrometheusText& p, const MetricsInputs& in) {
  p.family("lodestar_build_info", "gauge", "Always 1; the version in a label.");
  p.sample({{"version", in.version}}, uint64_t(1));
  p.family("lodestar_reloads_total", "counter", "Reloads of the configuration, applied or failed (the old one kept serving).");
  p.sample({{"result", "ok"}}, count(in.stats, "reloads"));
  p.sample({{"result", "failed"}}, count(in.stats, "failed_reloads"));
  single(p, "lodestar_config_generation", "gauge", "The configuration served: 1 at start, one more per reload applied.",
         in.generation);
  single(p, "lodestar_health_changes_total", "counter", "Health state changes of the endpoints.",
         count(in.stats, "health_changes"));
  single(p, "lodestar_probe_local_failures_total", "counter",
         "Probes that failed on this machine (no descriptor, no memory): not held against the endpoint.",
         count(in.stats, "probe_local_failures"));
  single(p, "lodestar_log_lines_dropped_total", "counter", "Log lines dropped because stderr did not keep up.",
         in.logLinesDropped);
  p.family("lodestar_http_requests_total", "counter", "Requests answered by this HTTP listener, by status class.");
  for (int c = 1; c <= 5; ++c) p.sample({{"code", std::to_string(c) + "xx"}}, in.httpAnswered[c]);
}

void regions(PrometheusText& p, const Json& status) {
  const Json empty = Json::array();
  const Json& list = status.contains("regions") && status["regions"].is_array() ? status["regions"] : empty;
  p.family("lodestar_region_drained", "gauge", "1 while the region is drained (an admin drain or an open window).");
  for (const auto& r : list) p.sample({{"region", r.value("region", "")}}, uint64_t(r.value("drained", false)));
  p.family("lodestar_pool_availability_ratio", "gauge",
           "Share of the sampled seconds the region's pool could serve, over the last hour or day.");
  for (const auto& r : list)
    for (const auto& pool : r.value("pools", empty))
      if (pool.contains("availability"))
        for (const char* window : {"last_hour", "last_day"})
          p.sample({{"region", r.value("region", "")}, {"pool", pool.value("pool", "")}, {"window", window == std::string("last_hour") ? "1h" : "1d"}},
                   pool["availability"].value(window, 0.0) / 100.0);
  // Endpoints: each once per region, by address (or a CNAME region's target). Status lists an
  // address twice in a region when two pools check it differently or force it apart; one
  // series each: up only when every check passes, serving when any entry serves, the first
  // entry's override and figures.
  Json merged = Json::array();
  for (const auto& r : list) {
    Json region = {{"region", r.value("region", "")}, {"endpoints", Json::array()}};
    std::map<std::string, size_t> at;
    for (const auto& e : r.value("endpoints", empty)) {
      const std::string name = e.value("address", e.value("cname", ""));
      auto [it, fresh] = at.emplace(name, region["endpoints"].size());
      if (fresh) {
        region["endpoints"].push_back(e);
        continue;
      }
      Json& kept = region["endpoints"][it->second];
      if (e.value("health", "") == "down") kept["health"] = "down";
      if (e.value("serving", false)) kept["serving"] = true;
    }
    merged.push_back(std::move(region));
  }
  const Json& endpointsBy = merged;
  auto endpointLabels = [](const Json& r, const Json& e) {
    return Labels{{"region", r.value("region", "")}, {"endpoint", e.value("address", e.value("cname", ""))}};
  };
  p.family("lodestar_endpoint_up", "gauge", "1 while the endpoint's health checks pass (up or in doubt), 0 when down.");
  for (const auto& r : endpointsBy)
    for (const auto& e : r.value("endpoints", empty))
      p.sample(endpointLabels(r, e), uint64_t(e.value("health", "") != "down"));
  p.family("lodestar_endpoint_serving", "gauge", "1 while the endpoint is in answers: healthy or forced up, and not drained.");
  for (const auto& r : endpointsBy)
    for (const auto& e : r.value("endpoints", empty)) p.sample(endpointLabels(r, e), uint64_t(e.value("serving", false)));
  p.family("lodestar_endpoint_admin_state", "gauge", "The operator's override on the endpoint: 1 for the state it is in.");
  for (const auto& r : endpointsBy)
    for (const auto& e : r.value("endpoints", empty)) {
      const std::string admin = e.value("admin", "auto");
      for (const char* state : {"auto", "force-up", "force-down"}) {
        Labels l = endpointLabels(r, e);
        l.push_back({"state", state});
        p.sample(l, uint64_t(admin == state));
      }
    }
  p.family("lodestar_endpoint_probe_latency_seconds", "gauge", "How long the endpoint's last probe took.");
  for (const auto& r : endpointsBy)
    for (const auto& e : r.value("endpoints", empty))
      if (e.contains("latency_ms")) p.sample(endpointLabels(r, e), e.value("latency_ms", 0.0) / 1000.0);
  p.family("lodestar_endpoint_probes_total", "counter", "Probes of the endpoint that reached a verdict.");
  for (const auto& r : endpointsBy)
    for (const auto& e : r.value("endpoints", empty))
      if (e.contains("probes")) p.sample(endpointLabels(r, e), count(e, "probes"));
  p.family("lodestar_endpoint_probe_failures_total", "counter", "Probes of the endpoint that failed.");
  for (const auto& r : endpointsBy)
    for (const auto& e : r.value("endpoints", empty))
      if (e.contains("failures")) p.sample(endpointLabels(r, e), count(e, "failures"));
  p.family("lodestar_endpoint_state_changes_total", "counter", "Health state changes of the endpoint.");
  for (const auto& r : endpointsBy)
    for (const auto& e : r.value("endpoints", empty))
      if (e.contains("changes")) p.sample(endpointLabels(r, e), count(e, "changes"));
}

void cluster(PrometheusText& p, const Json& status) {
  const auto it = status.find("cluster");
  if (it == status.end() || !it->is_object()) return;
  const Json& c = *it;
  single(p, "lodestar_cluster_etcd_reachable", "gauge", "1 while this node reaches the cluster's etcd.",
         c.value("reachable", false));
  single(p, "lodestar_cluster_degraded", "gauge", "1 while the node serves from its saved overrides, etcd unreachable.",
         c.contains("degraded_since"));
  single(p, "lodestar_cluster_isolated", "gauge", "1 while this node's own probes disagree with the other nodes'.",
         c.value("isolated", false));
  single(p, "lodestar_cluster_nodes_reporting", "gauge", "Expected nodes whose reports this node sees.",
         count(c, "nodes_reporting"));
  single(p, "lodestar_cluster_nodes_expected", "gauge", "Nodes an admin change waits for.", count(c, "nodes_expected"));
  single(p, "lodestar_cluster_nodes_alive", "gauge", "Nodes holding a live lease in etcd.", count(c, "nodes_alive"));
  const Json watch = c.value("watch", Json::object());
  const auto lag = watch.find("lag");
  single(p, "lodestar_cluster_revision_lag", "gauge", "etcd revisions of the overrides this node has not applied yet.",
         lag != watch.end() ? whole(*lag) : 0);
  // Status says a mismatch in words, and nothing when there is none.
  single(p, "lodestar_cluster_config_mismatch", "gauge", "1 while another node serves other zone files.",
         c.contains("config_mismatch"));
}

void recordRegions(PrometheusText& p, const std::vector<RegionWatch::Row>& rows) {
  p.family("lodestar_record_region_up", "gauge",
           "1 while the region can answer for the steered record: not drained, and enough endpoints up (min_healthy).");
  for (const auto& r : rows) p.sample({{"record", r.record}, {"region", r.region}}, uint64_t(r.up));
}

// Overrides this node holds only for itself (--local).
void localOverrides(PrometheusText& p, const Json& status) {
  uint64_t n = 0;
  for (const auto& r : status.value("regions", Json::array())) {
    if (r.contains("drain") && r["drain"].value("local", false)) ++n;
    for (const auto& e : r.value("endpoints", Json::array()))
      if (e.value("forced_here_only", false)) ++n;
  }
  single(p, "lodestar_local_overrides", "gauge", "Drains and forces this node holds for itself only (--local).", n);
}

}  // namespace

std::string metricsText(const MetricsInputs& in) {
  PrometheusText p;
  queries(p, in.stats);
  daemonState(p, in);
  regions(p, in.status);
  recordRegions(p, in.recordRegions);
  localOverrides(p, in.status);
  single(p, "lodestar_ready", "gauge", "1 when /readyz says ready: every endpoint probed once, etcd reached once.",
         readiness(in.status).ready);
  cluster(p, in.status);
  return p.text();
}

Readiness readiness(const nlohmann::json& status) {
  for (const auto& r : status.value("regions", Json::array()))
    for (const auto& e : r.value("endpoints", Json::array()))
      if (e.value("why", "") == "not probed yet" || (e.contains("probes") && count(e, "probes") == 0))
        return {false, "waiting for the first probe of " + e.value("address", e.value("cname", std::string("?"))) +
                           " (region " + r.value("region", "") + ")"};
  if (const auto c = status.find("cluster"); c != status.end() && c->is_object() && !c->value("ever_reached", true))
    return {false, "the cluster's etcd has not been reached since start"};
  return {true, "ready"};
}

}  // namespace lodestar::server
