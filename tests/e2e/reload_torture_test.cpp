// Reload torture: under a steady client, zone files, the main configuration and the geo
// database are removed, truncated, filled with garbage, looped and restored, with a reload
// after each step. The daemon must answer every query, always from one whole configuration.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"

using namespace lodestar::test;
namespace fs = std::filesystem;

namespace {

// Version v of the zone: its YAML names a CNAME target that only version v's include has,
// so an answer mixing two versions of the two files shows as a CNAME without its address.
std::string yamlZone(int v) {
  return "zone: torture.test\nsoa: {serial: " + std::to_string(v) +
         "}\nnameservers: {ns1: 192.0.2.53}\ninclude: data.zone\n"
         "regions:\n  eu: {latitude: 53, longitude: -6}\n  us: {latitude: 39, longitude: -77}\n"
         "pools:\n  web:\n    regions:\n      eu: [192.0.2.10]\n      us: [192.0.2.20]\n"
         "records:\n  www:\n    steer: {policy: geo, pool: web, map: {EU: [eu, us], default: [us, eu]}}\n"
         "  alias: {CNAME: t" + std::to_string(v) + ".torture.test.}\n";
}
std::string data(int v) {
  return "t" + std::to_string(v) + " A 198.51.100." + std::to_string(v) + "\nstatic TXT \"v" + std::to_string(v) + "\"\n";
}

struct Expected {
  QueryBuilder query;
  std::vector<std::vector<std::string>> answers;  // one per version
};

}  // namespace

TEST_CASE("reload torture: files broken and restored under load, never a lost or mixed answer",
          "[e2e][reload][torture][regression]") {
  TempDir dir;
  const std::string cfgText = "listen: [127.0.0.1:0]\nworkers: 2\nzones: [zones/]\ngeo: {database: geo.mmdb}\n"
                              "state_dir: state\ncontrol_socket: state/ctl.sock\n";
  const std::string cfg = dir.write("lodestar.yaml", cfgText);
  const std::string zone = dir.path() + "/zones/torture.yaml", include = dir.path() + "/zones/data.zone";
  const std::string db = dir.path() + "/geo.mmdb";
  fs::copy_file(std::string(LODESTAR_DEMO_DIR) + "/geo/demo.mmdb", db);
  dir.write("zones/torture.yaml", yamlZone(1));
  dir.write("zones/data.zone", data(1));
  DaemonProcess d(cfg);

  std::vector<Expected> expected = {
      {QueryBuilder().name("www.torture.test.").ecs("198.51.100.0/24"), {}},
      {QueryBuilder().name("alias.torture.test."), {}},
      {QueryBuilder().name("static.torture.test.").type("TXT"), {}}};
  for (int v = 1; v <= 2; ++v) {
    std::string vs = std::to_string(v);
    expected[0].answers.push_back({"www.torture.test. 30 A 192.0.2.10"});
    expected[1].answers.push_back({"alias.torture.test. 3600 CNAME t" + vs + ".torture.test.",
                                   "t" + vs + ".torture.test. 3600 A 198.51.100." + vs});
    expected[2].answers.push_back({"static.torture.test. 3600 TXT \"v" + vs + "\""});
  }
  // Steered answers carry the record's TTL; find it from the first answer.
  auto first = d.ask(expected[0].query);
  REQUIRE(first.answer.size() == 1);
  expected[0].answers = {first.answer, first.answer};
  REQUIRE(d.ask(expected[1].query).answer == expected[1].answers[0]);

  std::atomic<bool> done{false};
  std::atomic<uint64_t> queries{0}, lost{0}, wrong{0};
  std::mutex firstWrongLock;
  std::string firstWrong;
  std::thread client([&] {
    for (size_t i = 0; !done.load(); ++i) {
      const Expected& e = expected[i % expected.size()];
      auto bytes = d.udp(e.query.bytes(), false, std::chrono::milliseconds(1000));
      ++queries;
      if (!bytes) {
        ++lost;
        continue;
      }
      auto a = parseAnswer(*bytes);
      bool good = a && a->rcode == 0;
      if (good) good = a->answer == e.answers[0] || a->answer == e.answers[1];
      if (!good) {
        ++wrong;
        std::lock_guard<std::mutex> g(firstWrongLock);
        if (firstWrong.empty() && a) for (const auto& rr : a->answer) firstWrong += rr + "\n";
        if (firstWrong.empty()) firstWrong = a ? "rcode " + std::to_string(a->rcode) : "unparseable";
      }
    }
  });

  auto reload = [&] { return runCommand(std::string(LODESTARCTL_BINARY) + " -s " + dir.path() + "/state/ctl.sock reload"); };
  uint64_t reloads = 0, refused = 0, applied = 0;
  auto expectRefused = [&](const std::string& step) {
    auto r = reload();
    ++reloads;
    INFO(step << ": " << r.output);
    CHECK(r.status == 1);
    refused += r.status == 1;
  };
  auto expectApplied = [&](const std::string& step) {
    auto r = reload();
    ++reloads;
    INFO(step << ": " << r.output);
    CHECK(r.status == 0);
    applied += r.status == 0;
  };
  // Each way of breaking a file, then the file back as it was.
  auto tortureFile = [&](const std::string& path, const std::string& good, const std::string& what) {
    fs::remove(path);
    expectRefused(what + " removed");
    fs::resize_file(dir.write(fs::relative(path, dir.path()).string(), good), 0);
    if (path != include) expectRefused(what + " truncated");  // an empty RFC 1035 file is a valid empty file
    dir.write(fs::relative(path, dir.path()).string(), "\x01\x02garbage: [unclosed\n\xff\xfe" + good.substr(0, good.size() / 2));
    expectRefused(what + " garbage");
    fs::remove(path);
    fs::create_symlink(path, path);
    expectRefused(what + " symlink loop");
    fs::remove(path);
    fs::create_directory(path);
    expectRefused(what + " a folder");
    fs::remove(path);
    dir.write(fs::relative(path, dir.path()).string(), good);
  };

  std::string dbBytes = runCommand("cat " + db).output;
  int version = 1;
  const int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    tortureFile(zone, yamlZone(version), "zone policy");
    tortureFile(include, data(version), "include");
    tortureFile(cfg, cfgText, "main configuration");
    tortureFile(db, dbBytes, "geo database");
    expectApplied("restored");
    // A real change of both files at once: applied whole.
    version = version == 1 ? 2 : 1;
    dir.write("zones/data.zone", data(version));
    dir.write("zones/torture.yaml", yamlZone(version));
    if (round % 2 == 0) {
      expectApplied("version " + std::to_string(version));
    } else {
      kill(d.pid(), SIGHUP);  // the other way in, too
      ++reloads;
      for (int i = 0; i < 100 && d.ask(expected[1].query).answer != expected[1].answers[version - 1]; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(d.ask(expected[1].query).answer == expected[1].answers[version - 1]);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  done = true;
  client.join();
  INFO(d.log().substr(0, 4000));
  INFO("first wrong answer: " << firstWrong);
  std::cout << "reload torture: " << reloads << " reloads (" << refused << " refused, " << applied
            << " applied by lodestarctl, " << kRounds / 2 << " by SIGHUP), " << queries << " queries, " << lost
            << " lost, " << wrong << " wrong\n";
  CHECK(d.alive());
  CHECK(queries > 500);
  CHECK(lost == 0);
  CHECK(wrong == 0);
  CHECK(d.ask(expected[1].query).answer == expected[1].answers[version - 1]);
  CHECK(d.ask(expected[2].query).answer == expected[2].answers[version - 1]);
  CHECK(d.stop() == 0);
}
