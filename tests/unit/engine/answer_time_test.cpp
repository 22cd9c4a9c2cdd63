// The answer path's time histogram: one query in Pipeline::kTimeEvery is timed, into buckets
// that double from 500 ns, and the metrics show them cumulative as Prometheus reads them.
#include <catch2/catch.hpp>

#include "dns/engine/answer.hpp"
#include "dns/server/metrics.hpp"
#include "dns/server/slot_tally.hpp"
#include "dns/server/stats_snapshot.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/test_view.hpp"

using namespace lodestar;

TEST_CASE("answer time: each time falls in the first bucket that holds it", "[engine][stats]") {
  engine::QueryStats s;
  for (uint64_t ns : std::initializer_list<uint64_t>{0, 1, 500, 501, 1000, 1001, 2000, 2001, 4000, 1'024'000, 1'024'001, 9'000'000'000}) s.countTime(ns);
  auto at = [&](size_t i) { return s.answerTime[i].value(); };
  CHECK(at(0) == 3);  // 0, 1, 500
  CHECK(at(1) == 2);  // 501, 1000
  CHECK(at(2) == 2);  // 1001, 2000
  CHECK(at(3) == 2);  // 2001, 4000
  CHECK(at(11) == 1);  // 1.024 ms: the last bounded bucket (500 ns << 11)
  CHECK(at(12) == 2);  // longer, up to 9 s
  uint64_t n = 0;
  for (const auto& c : s.answerTime) n += c.value();
  CHECK(n == 12);
  CHECK(s.answerTimeSumNs.value() == 0 + 1 + 500 + 501 + 1000 + 1001 + 2000 + 2001 + 4000 + 1'024'000 + 1'024'001 +
                                         9'000'000'000ULL);
}

TEST_CASE("answer time: one query in kTimeEvery is timed, and the histogram reads back cumulative", "[engine][stats]") {
  const zones::View& view = test::e2eView();
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  static uint8_t out[65535];
  const test::Bytes q = test::QueryBuilder().name("www.example.test.").bytes();
  const engine::Client client{*wire::Address::parse("127.0.0.1")};
  const uint32_t asked = 3 * engine::Pipeline::kTimeEvery + 5;
  for (uint32_t i = 0; i < asked; ++i) {
    engine::AnswerContext a(q.data(), q.size(), client, out, sizeof out);
    REQUIRE(engine::answerQuery(a, view, pipeline) > 0);
  }
  CHECK(stats.received.value() == asked);
  uint64_t timed = 0;
  for (const auto& c : stats.answerTime) timed += c.value();
  CHECK(timed == 3);
  CHECK(stats.answerTimeSumNs.value() > 0);

  engine::StatsTotals t;
  t.add(stats, engine::QueryPath::Udp);
  server::Tallies tallies;
  const server::SlotNames names = server::slotNames(view);
  const nlohmann::json snapshot = server::statsSnapshot({t, tallies, names}), status = nlohmann::json::object();
  server::MetricsInputs in{snapshot, status, 1, "test"};
  const std::string text = server::metricsText(in);
  INFO(text);
  CHECK(test::metricValue(text, "lodestar_answer_duration_seconds_bucket{le=\"+Inf\"}") == 3);
  CHECK(test::metricValue(text, "lodestar_answer_duration_seconds_count") == 3);
  CHECK(test::metricValue(text, "lodestar_answer_duration_seconds_bucket{le=\"5e-07\"}") >= 0);
  CHECK(test::metricValue(text, "lodestar_answer_duration_seconds_bucket{le=\"0.001024\"}") <= 3);
  CHECK(test::metricValue(text, "lodestar_answer_duration_seconds_sum") > 0);
}

TEST_CASE("without the metrics' detail a query counts as before: no zone, record or time", "[engine][stats]") {
  const zones::View& view = test::e2eView();
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  pipeline.setDetailed(false);
  static uint8_t out[65535];
  const test::Bytes q = test::QueryBuilder().name("www.example.test.").bytes();
  const engine::Client client{*wire::Address::parse("127.0.0.1")};
  for (uint32_t i = 0; i < 2 * engine::Pipeline::kTimeEvery; ++i) {
    engine::AnswerContext a(q.data(), q.size(), client, out, sizeof out);
    REQUIRE(engine::answerQuery(a, view, pipeline) > 0);
  }
  CHECK(stats.received.value() == 2 * engine::Pipeline::kTimeEvery);
  CHECK(stats.byRcode[0].value() == 2 * engine::Pipeline::kTimeEvery);
  uint64_t zoned = 0, timed = 0;
  for (const auto& c : stats.byZone) zoned += c.value();
  for (const auto& c : stats.answerTime) timed += c.value();
  CHECK(zoned == 0);
  CHECK(timed == 0);
}
