// Benchmark (not a test): geo decisions per second through the compiled decision tree versus
// the plain libmaxminddb lookup + classification, on the same database and addresses.
//   geo_decisions make-csv N out.csv   random City-shaped networks for lodestar-geodb
//   geo_decisions run db.mmdb          compile one geo policy, then time both paths
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "geo/area_map.hpp"
#include "geo/database.hpp"
#include "geo/decision_tree.hpp"

using namespace lodestar::geo;
using namespace lodestar::wire;
using Clock = std::chrono::steady_clock;

namespace {

const char* const kContinents[] = {"AF", "AS", "EU", "NA", "OC", "SA"};
const char* const kCountries[] = {"US", "CA", "MX", "BR", "AR", "DE", "FR", "GB", "IT", "ES", "PL", "SE", "JP",
                                  "CN", "IN", "KR", "SG", "AU", "NZ", "ZA", "NG", "EG", "KE", "TR", "RU"};

int makeCsv(long count, const char* path) {
  std::mt19937_64 rng(20261125);
  std::ofstream out(path);
  out << "network,continent,country,subdivision,latitude,longitude\n";
  std::set<std::pair<uint64_t, unsigned>> seen;
  long written = 0;
  while (written < count) {
    bool v6 = rng() % 5 == 0;
    char net[64];
    if (v6) {
      unsigned len = 32 + rng() % 17;  // /32../48 under 2000::/4
      uint64_t hi = (0x2000ull << 48) | (rng() & 0x0FFFFFFFFFFFull) << 4;
      hi &= ~0ull << (64 - len);
      if (!seen.insert({hi | 1, len}).second) continue;
      std::snprintf(net, sizeof net, "%x:%x:%x::/%u", unsigned(hi >> 48), unsigned(hi >> 32) & 0xFFFF,
                    unsigned(hi >> 16) & 0xFFFF, len);
    } else {
      unsigned len = 16 + rng() % 9;  // /16../24
      uint32_t a = static_cast<uint32_t>(rng()) & (~0u << (32 - len));
      if ((a >> 24) == 0 || (a >> 24) >= 224 || !seen.insert({a, len}).second) continue;
      std::snprintf(net, sizeof net, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255, len);
    }
    size_t c = rng() % 25;
    out << net << "," << kContinents[c % 6] << "," << kCountries[c] << ",," << (int(rng() % 170) - 85) << ","
        << (int(rng() % 350) - 175) << "\n";
    ++written;
  }
  std::printf("%s: %ld networks\n", path, written);
  return 0;
}

Address randomAddress(std::mt19937_64& rng, bool v6) {
  Address a;
  a.family = v6 ? Family::IPv6 : Family::IPv4;
  uint64_t x = rng(), y = rng();
  for (int i = 0; i < 8; ++i) a.bytes[i] = static_cast<uint8_t>(x >> (8 * i));
  for (int i = 0; i < 8; ++i) a.bytes[8 + i] = static_cast<uint8_t>(y >> (8 * i));
  if (v6) a.bytes[0] = static_cast<uint8_t>(0x20 | (a.bytes[0] & 0x0F));
  return a;
}

int run(const char* path) {
  std::string error;
  auto db = Database::open(path, error);
  if (!db) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  // A realistic geo map: a few countries, every continent, a default.
  AreaMap map;
  uint32_t next = 1;
  for (const char* key : {"US", "DE", "JP", "BR", "AU", "EU", "NA", "AS", "SA", "OC", "AF"}) map.add(key, next++, error);
  map.setDefault(0);
  auto classify = [&](const GeoFacts& f) { return map.match(f).value; };

  auto t0 = Clock::now();
  DecisionTree tree;
  if (!compileDecisionTree(db.get(), classify, 0, {}, tree, error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  double compileMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();

  std::mt19937_64 rng(1);
  const size_t kAddresses = 1 << 20;
  std::vector<Address> addresses;
  for (size_t i = 0; i < kAddresses; ++i) addresses.push_back(randomAddress(rng, i % 4 == 0));

  // Compiled tree: ten passes over a million addresses.
  uint64_t sink = 0;
  t0 = Clock::now();
  for (int pass = 0; pass < 10; ++pass)
    for (const auto& a : addresses) sink += tree.find(a).decision;
  double treeSec = std::chrono::duration<double>(Clock::now() - t0).count();
  double treeRate = 10.0 * kAddresses / treeSec;

  // libmaxminddb lookup + decode + classify, as a per-query lookup would have to.
  t0 = Clock::now();
  for (const auto& a : addresses) {
    auto l = db->lookup(a);
    sink += l.found ? classify(l.facts) : 0;
  }
  double mmdbSec = std::chrono::duration<double>(Clock::now() - t0).count();
  double mmdbRate = kAddresses / mmdbSec;

  std::printf("database          %s (%s)\n", path, db->description().c_str());
  std::printf("compile           %.1f ms, %zu tree nodes (%.1f MiB)\n", compileMs, tree.nodeCount(),
              tree.nodeCount() * 8.0 / (1 << 20));
  std::printf("compiled tree     %.1f M decisions/s (%.1f ns each)\n", treeRate / 1e6, 1e9 / treeRate);
  std::printf("libmaxminddb      %.2f M decisions/s (%.1f ns each)\n", mmdbRate / 1e6, 1e9 / mmdbRate);
  std::printf("ratio             %.1fx\n", treeRate / mmdbRate);
  std::printf("(checksum %llu)\n", static_cast<unsigned long long>(sink));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "make-csv") return makeCsv(std::atol(argv[2]), argv[3]);
  if (argc == 3 && std::string(argv[1]) == "run") return run(argv[2]);
  std::fprintf(stderr, "usage: geo_decisions make-csv N out.csv | run db.mmdb\n");
  return 2;
}
