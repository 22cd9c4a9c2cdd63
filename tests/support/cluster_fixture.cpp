#include "tests/support/cluster_fixture.hpp"

#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace lodestar::test {

namespace {
const std::map<std::string, std::vector<std::string>> kRegions = {
    {"us-east", {"127.0.1.1", "127.0.1.2"}},
    {"eu-west", {"127.0.2.1", "127.0.2.2"}},
    {"ap-northeast", {"127.0.3.1", "127.0.3.2"}}};

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
}  // namespace

ClusterFixture::ClusterFixture(ClusterNodeOptions options) : checkPort_(freePort()) {
  namespace fs = std::filesystem;
  for (const auto& [region, addresses] : kRegions) startRegion(region);
  const std::string site = LODESTAR_DEMO_DIR;
  std::string zone = std::regex_replace(readText(site + "/zones/gtm.example.test.yaml"), std::regex("port: 8080"),
                                        "port: " + std::to_string(checkPort_));
  if (!options.consensus.empty())
    zone = std::regex_replace(zone, std::regex("    recheck: 200ms"), "    recheck: 200ms\n    consensus: " + options.consensus);
  for (int i = 1; i <= 3; ++i) {
    const std::string n = "n" + std::to_string(i);
    dir_.write(n + "/zones/gtm.example.test.yaml",
               i == 3 && options.otherZoneOnNode3 ? zone + "  extra:\n    TXT: \"only on ns3\"\n" : zone);
    fs::copy_file(site + "/zones/gtm.example.test.zone", dir_.path() + "/" + n + "/zones/gtm.example.test.zone");
    const std::string& extra = i == 3 && !options.extraZoneFileOnNode3.empty() ? options.extraZoneFileOnNode3
                                                                                : options.extraZoneFile;
    if (!extra.empty())
      dir_.write(n + "/zones/extra.yaml", std::regex_replace(extra, std::regex("CHECK_PORT"), std::to_string(checkPort_)));
    fs::create_directories(dir_.path() + "/" + n + "/geo");
    fs::copy_file(site + "/geo/demo.mmdb", dir_.path() + "/" + n + "/geo/demo.mmdb");
    dir_.write(n + "/lodestar.yaml", "listen: [127.0.0.1:0]\nworkers: 1\nzones: [zones/]\ngeo: {database: geo/demo.mmdb}\n"
                                     "state_dir: state\ncontrol_socket: state/ctl.sock\n"
                                     "cluster:\n  etcd: " + etcd_.endpointsYaml() + "\n  node: ns" + std::to_string(i) +
                                     "\n  prefix: /test/\n  lease: 2s\n  grace: 3s\n" + options.clusterKeys);
  }
  for (int i = 0; i < 3; ++i) {
    const bool closed = i == 2 && !options.closedProbes.empty();
    // Only the test build of the daemon reads LODESTAR_TEST_CLOSED_PROBES (the shipped one
    // has no such hook); node 3 runs it when some of its probes must fail.
    if (closed) setenv("LODESTAR_TEST_CLOSED_PROBES", options.closedProbes.c_str(), 1);
    binaries_.push_back(closed ? LODESTAR_TEST_DAEMON_BINARY : "");
    nodes_.push_back(std::make_unique<DaemonProcess>(configOf(i), std::vector<std::string>{}, binaries_.back()));
    if (closed) unsetenv("LODESTAR_TEST_CLOSED_PROBES");
  }
}

std::string ClusterFixture::configOf(int i) const { return dir_.path() + "/n" + std::to_string(i + 1) + "/lodestar.yaml"; }

CommandResult ClusterFixture::ctl(int i, const std::string& args) const {
  return runCommand(std::string(LODESTARCTL_BINARY) + " -c " + configOf(i) + " " + args);
}

std::string ClusterFixture::regionFor(int i, const std::string& name) {
  auto bytes = node(i).udp(QueryBuilder().name(name).withEdns().ecs("198.51.100.0/24").bytes(), false,
                           std::chrono::milliseconds(500));
  if (!bytes) return "";
  auto a = parseAnswer(*bytes);
  if (!a || a->answer.empty()) return "";
  for (const auto& [region, addresses] : kRegions)
    if (a->answer[0].find(addresses[0].substr(0, 8)) != std::string::npos) return region;
  return "?";
}

void ClusterFixture::startRegion(const std::string& region) {
  backends_[region].reset();
  backends_[region] = std::make_unique<Backend>(kRegions.at(region), checkPort_);
}

void ClusterFixture::stopRegion(const std::string& region) { backends_[region].reset(); }

void ClusterFixture::restartNode(int i) {
  nodes_.at(static_cast<size_t>(i)).reset();
  nodes_.at(static_cast<size_t>(i)) =
      std::make_unique<DaemonProcess>(configOf(i), std::vector<std::string>{}, binaries_.at(static_cast<size_t>(i)));
}

void ClusterFixture::killNode(int i) {
  kill(node(i).pid(), SIGKILL);
  nodes_.at(static_cast<size_t>(i)).reset();
}

}  // namespace lodestar::test
