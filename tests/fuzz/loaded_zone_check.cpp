// The zone loaders' fuzz oracle: positions on every error, and answers from what loaded.
#include "tests/fuzz/loaded_zone_check.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "dns/wire/query_encoder.hpp"
#include "tests/support/answer_invariants.hpp"
#include "tests/support/engine_call.hpp"
#include "tests/support/geo_fixture.hpp"
#include "tests/support/steered_view.hpp"
#include "zones/view.hpp"

namespace lodestar::fuzz {

void broken(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "%s\ninput (%zu bytes):\n%.*s\n", what.c_str(), input.size(), static_cast<int>(input.size()),
               input.data());
  std::abort();
}

namespace {

// A, AAAA, NS, CNAME, SOA, MX, TXT, SRV, ANY, and a type no zone holds.
constexpr uint16_t kTypes[] = {1, 28, 2, 5, 6, 15, 16, 33, 255, 99};
constexpr size_t kMaxNames = 16;

}  // namespace

std::shared_ptr<const geo::Database> testDatabase() {
  static std::shared_ptr<const geo::Database> db = [] {
    test::TempDir scratch;  // the open database keeps its mapping once the file is gone
    return std::shared_ptr<const geo::Database>(test::buildDatabase(scratch, test::readCsv("geo/test-networks.csv")));
  }();
  return db;
}

uint64_t inputHash(const uint8_t* data, size_t size) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ULL;
  return h;
}

void checkDiagnostics(const yaml::Diagnostics& diags, const std::string& file, bool accepted, std::string_view input,
                      bool documentless) {
  if (accepted != diags.ok())
    broken(accepted ? "a zone was accepted with errors:\n" + diags.report() : "a load failed and said nothing", input);
  for (const auto& e : diags.errors())
    if (!documentless && e.where.file == file && (e.where.line < 1 || e.where.column < 1))
      broken("an error without a line and column: " + e.toString(), input);
}

void checkZoneAnswers(std::unique_ptr<zones::Zone> zone, zones::LoadContext& ctx, uint64_t seed, std::string_view input) {
  std::vector<std::string> names;
  zone->forEachNode([&](const zones::Node& n) {
    names.emplace_back(n.name);
    // A wildcard answers for names that do not exist: one of them too (when it fits).
    if (zones::isWildcard(n.name) && n.name.size() + 4 <= 255)
      names.push_back(std::string("\x05synth", 6) + std::string(n.name.substr(2)));
  });
  zones::View view;
  view.add(std::move(zone));
  view.indexNames();
  view.setRegions(ctx.regions(), ctx.sharedAdminCells());
  view.setDatabase(ctx.sharedDatabase());
  std::mt19937_64 rng(seed);
  test::drawStates(view, *ctx.sharedAdminCells(), rng);
  // A sample of the names when there are many: each costs twenty answers parsed by ldns, and
  // the fuzzer gains more from more inputs than from every name of one.
  if (names.size() > kMaxNames) {
    std::shuffle(names.begin(), names.end(), rng);
    names.resize(kMaxNames);
  }
  static uint8_t out[65535];
  engine::QueryStats stats;
  uint16_t id = 0;
  for (const auto& name : names) {
    for (uint16_t type : kTypes) {
      wire::QueryFields q;
      q.id = ++id;
      q.flags = 0x0100;
      q.name = name;
      q.type = type;
      q.edns = rng() % 2;
      if (rng() % 3 == 0) q.ecs = wire::Prefix::parse(rng() % 2 ? "10.1.0.0/16" : "2001:db8:2::/48");
      const auto query = wire::encodeQuery(q);
      const char* source = test::kClientAddresses[rng() % std::size(test::kClientAddresses)];
      for (auto transport : {engine::Transport::Udp, engine::Transport::Tcp}) {
        engine::Client client{*wire::Address::parse(source), transport, static_cast<uint32_t>(rng()), nullptr};
        size_t n = test::answerInto(view, query.data(), query.size(), client, out, sizeof out, stats);
        const bool udp = transport == engine::Transport::Udp;
        if (std::string rule = test::answerViolation(query.data(), query.size(), out, n, udp); !rule.empty())
          broken("an answer from the loaded zone broke a rule over " + std::string(udp ? "UDP" : "TCP") + " (type " +
                     std::to_string(type) + "): " + rule,
                 input);
      }
    }
  }
}

}  // namespace lodestar::fuzz
