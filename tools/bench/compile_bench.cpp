// Benchmark (not a test): compiling Z zone policy files of S steered records each (geo and
// nearest policies, varied maps) against a geo database. Reports load time and memory, then
// the time of a reload after one file is edited (only it is compiled) and of one with nothing
// changed (nothing is compiled), each the median of five.
// Usage: compile_bench DB.mmdb [zones=1000] [steered=100]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>
#include <string>
#include <vector>

#include "geo/database.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;

namespace {
long maxRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: compile_bench DB.mmdb [zones] [steered]\n");
    return 2;
  }
  int zones = argc > 2 ? std::atoi(argv[2]) : 1000;
  int steered = argc > 3 ? std::atoi(argv[3]) : 100;
  auto dir = std::filesystem::temp_directory_path() / ("lodestar-compile-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const char* const regions[] = {"us-east", "us-west", "eu-west", "eu-central", "ap-northeast", "ap-south"};
  for (int z = 0; z < zones; ++z) {
    std::ofstream f(dir / ("zone" + std::to_string(z) + ".yaml"));
    f << "zone: z" << z << ".bench.test\nsoa: {serial: auto}\nnameservers: {ns1: 192.0.2.1, ns2: 192.0.2.2}\n";
    f << "regions:\n";
    for (int r = 0; r < 6; ++r) f << "  " << regions[r] << ": {latitude: " << (r * 11 - 30) << ", longitude: " << (r * 50 - 150) << "}\n";
    f << "checks:\n  hc: {kind: http, port: 8080, interval: 1s, timeout: 500ms}\npools:\n";
    for (int p = 0; p < 10; ++p) {
      f << "  p" << p << ":\n    check: hc\n    regions:\n";
      for (int r = 0; r < 6; ++r)
        f << "      " << regions[r] << ": [10." << z % 250 << "." << p * 6 + r << ".1, 10." << z % 250 << "." << p * 6 + r << ".2]\n";
    }
    f << "records:\n";
    for (int s = 0; s < steered; ++s) {
      f << "  host" << s << ":\n    steer:\n";
      if (s % 2) {
        f << "      policy: nearest\n      pool: p" << s % 10 << "\n";
      } else {
        // Ten different maps per zone, so not every policy compiles to one shared tree.
        int v = s / 2 % 10;
        f << "      policy: geo\n      pool: p" << s % 10 << "\n      map:\n"
          << "        NA: [" << regions[v % 2] << ", " << regions[2] << "]\n"
          << "        EU: [" << regions[2 + v % 2] << ", " << regions[0] << "]\n"
          << "        AS: [" << regions[4 + v % 2] << ", " << regions[1] << "]\n"
          << "        10." << v << ".0.0/16: [" << regions[v % 6] << "]\n"
          << "        default: [" << regions[0] << ", " << regions[2] << "]\n";
      }
    }
  }
  std::string error;
  std::shared_ptr<const geo::Database> db = geo::Database::open(argv[1], error);
  if (!db) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  long rssBefore = maxRssMiB();
  auto start = std::chrono::steady_clock::now();
  yaml::Diagnostics diags;
  health::Registry registry;
  auto view = zones::loadView({dir.string()}, db, diags, &registry);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!view) {
    std::filesystem::remove_all(dir);
    std::fprintf(stderr, "%s", diags.report().c_str());
    return 1;
  }
  // A reload beside the loaded view: `edit` appends a record to one file first.
  auto reload = [&](bool edit, int round, size_t& compiled) {
    if (edit) std::ofstream(dir / ("zone" + std::to_string(round * 7 % zones) + ".yaml"), std::ios::app)
                  << "  edit" << round << ": {A: 192.0.2." << round % 250 << "}\n";
    yaml::Diagnostics d;
    auto t = std::chrono::steady_clock::now();
    auto next = zones::loadViewAndAdmin({dir.string()}, db, d, &registry, view.get());
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
    if (!next.view) {
      std::fprintf(stderr, "%s", d.report().c_str());
      std::exit(1);
    }
    compiled = next.compiled;
    view = std::move(next.view);
    return s;
  };
  auto median = [&](bool edit, size_t& compiled) {
    std::vector<double> t;
    for (int round = 1; round <= 5; ++round) t.push_back(reload(edit, round, compiled));
    std::sort(t.begin(), t.end());
    return t[2];
  };
  size_t editCompiled = 0, sameCompiled = 0;
  const double oneEdited = median(true, editCompiled);
  const double nothingChanged = median(false, sameCompiled);
  std::filesystem::remove_all(dir);
  size_t steeredCount = 0, treeNodes = 0;
  std::set<const geo::DecisionTree*> trees;
  for (const auto& z : view->zones())
    for (const auto& s : z->steered()) {
      ++steeredCount;
      if (trees.insert(s->tree.get()).second) treeNodes += s->tree->nodeCount();
    }
  std::printf("database           %s (%s)\n", argv[1], db->description().c_str());
  std::printf("compiled           %zu zones, %zu steered records, %zu endpoints\n", view->zones().size(), steeredCount,
              registry.size());
  std::printf("distinct trees     %zu (%zu nodes, %.1f MiB)\n", trees.size(), treeNodes, treeNodes * 8.0 / (1 << 20));
  std::printf("time               %.2f s (%.0f steered records per second)\n", seconds, steeredCount / seconds);
  std::printf("peak memory        %ld MiB (before loading: %ld MiB)\n", maxRssMiB(), rssBefore);
  std::printf("reload, one edited %.1f ms (%zu file compiled)\n", oneEdited * 1000, editCompiled);
  std::printf("reload, unchanged  %.1f ms (%zu files compiled)\n", nothingChanged * 1000, sameCompiled);
  return 0;
}
