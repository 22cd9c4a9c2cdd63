// The metrics text and readiness, from the status and stats snapshots.
#include <catch2/catch.hpp>

#include "dns/server/metrics.hpp"
#include "dns/server/prometheus_text.hpp"

using namespace lodestar::server;
using nlohmann::json;

TEST_CASE("prometheus text escapes label values and writes each family's help and type once", "[metrics]") {
  PrometheusText p;
  p.family("x_total", "counter", "Things.\nMore.");
  p.sample({{"name", "a\"b\\c\nd"}}, uint64_t(3));
  p.sample({}, 0.25);
  CHECK(p.text() == "# HELP x_total Things. More.\n# TYPE x_total counter\nx_total{name=\"a\\\"b\\\\c\\nd\"} 3\nx_total 0.25\n");
}

TEST_CASE("metrics read the stats and status snapshots", "[metrics]") {
  const json stats = {{"queries", 7}, {"by_rcode", {{"NOERROR", 6}, {"NXDOMAIN", 1}}}, {"answers_by_region", {{"eu", 4}}},
                      {"fail_open", 2}, {"reloads", 1}, {"failed_reloads", 3}};
  const json status = json::parse(R"({
    "regions": [{"region": "eu", "drained": true, "drain": {"local": true},
                 "endpoints": [{"address": "192.0.2.1", "health": "down", "admin": "force-up", "serving": true,
                                "probes": 4, "failures": 4, "latency_ms": 1.5}]}],
    "cluster": {"reachable": false, "degraded_since": 5, "watch": {"lag": 2}}})");
  MetricsInputs in{stats, status, 4, "1.2.3"};
  const std::string m = metricsText(in);
  CHECK_THAT(m, Catch::Contains("lodestar_queries_total 7\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_responses_total{rcode=\"NXDOMAIN\"} 1\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_steered_answers_total{region=\"eu\"} 4\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_fail_open_answers_total 2\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_reloads_total{result=\"failed\"} 3\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_config_generation 4\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_build_info{version=\"1.2.3\"} 1\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_region_drained{region=\"eu\"} 1\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_endpoint_up{region=\"eu\",endpoint=\"192.0.2.1\"} 0\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_endpoint_serving{region=\"eu\",endpoint=\"192.0.2.1\"} 1\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_endpoint_admin_state{region=\"eu\",endpoint=\"192.0.2.1\",state=\"force-up\"} 1\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_endpoint_probe_latency_seconds{region=\"eu\",endpoint=\"192.0.2.1\"} 0.0015\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_local_overrides 1\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_ready 1\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_cluster_etcd_reachable 0\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_cluster_degraded 1\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_cluster_revision_lag 2\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_cluster_config_mismatch 0\n"));
  // The cluster's status says a mismatch in words (cluster_node.cpp summary()): still a 1.
  json mismatched = status;
  mismatched["cluster"]["config_mismatch"] = "the nodes serve different zone files or geo databases: ns1 a, ns2 b";
  MetricsInputs drift{stats, mismatched, 4, "1.2.3"};
  CHECK_THAT(metricsText(drift), Catch::Contains("lodestar_cluster_config_mismatch 1\n"));
  // Alone: no cluster families at all.
  MetricsInputs alone{stats, json{{"regions", json::array()}}, 1, "1"};
  CHECK_THAT(metricsText(alone), !Catch::Contains("lodestar_cluster_"));
}

TEST_CASE("readiness waits for every endpoint's first probe and, clustered, for etcd once", "[metrics]") {
  json waiting = {{"regions", {{{"region", "eu"}, {"endpoints", {{{"address", "192.0.2.1"}, {"why", "not probed yet"}}}}}}}};
  CHECK_FALSE(readiness(waiting).ready);
  CHECK_THAT(readiness(waiting).why, Catch::Contains("192.0.2.1 (region eu)"));
  json probed = {{"regions", {{{"region", "eu"}, {"endpoints", {{{"address", "192.0.2.1"}, {"probes", 1}}}}}}}};
  CHECK(readiness(probed).ready);
  json noCheck = {{"regions", {{{"region", "eu"}, {"endpoints", {{{"address", "192.0.2.1"}, {"why", "no check"}}}}}}}};
  CHECK(readiness(noCheck).ready);
  probed["cluster"] = {{"ever_reached", false}};
  CHECK_FALSE(readiness(probed).ready);
  probed["cluster"] = {{"ever_reached", true}, {"reachable", false}};
  CHECK(readiness(probed).ready);  // lost later: it keeps serving, and stays ready
}

TEST_CASE("an address listed twice in a region (two pools, two checks) is one series", "[metrics]") {
  // Found in review: status keys endpoints by health cell and override, so one address can be
  // two entries; Prometheus refuses a series given twice.
  const json status = json::parse(R"({"regions": [{"region": "eu", "endpoints": [
      {"address": "192.0.2.1", "health": "up", "serving": true, "admin": "auto", "probes": 1},
      {"address": "192.0.2.1", "health": "down", "serving": false, "admin": "force-down", "probes": 2}]}]})");
  const std::string m = metricsText({json::object(), status, 1, "1"});
  size_t n = 0;
  for (size_t at = m.find("lodestar_endpoint_up{"); at != std::string::npos; at = m.find("lodestar_endpoint_up{", at + 1)) ++n;
  CHECK(n == 1);
  CHECK_THAT(m, Catch::Contains("lodestar_endpoint_up{region=\"eu\",endpoint=\"192.0.2.1\"} 0\n"));
  CHECK_THAT(m, Catch::Contains("lodestar_endpoint_serving{region=\"eu\",endpoint=\"192.0.2.1\"} 1\n"));
}
