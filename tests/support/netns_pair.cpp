#include "tests/support/netns_pair.hpp"

#include <unistd.h>

#include <stdexcept>
#include <tuple>

#include "tests/support/command.hpp"

namespace lodestar::test {

namespace {
void must(const std::string& command) {
  auto r = runCommand(command);
  if (r.status != 0) throw std::runtime_error(command + " failed: " + r.output);
}
}  // namespace

bool NetnsPair::possible() { return geteuid() == 0 && runCommand("command -v ip").status == 0; }

NetnsPair::NetnsPair() {
  const std::string id = std::to_string(getpid());
  const std::string net = std::to_string(getpid() % 250 + 1);
  serverNs = "lodestar-" + id + "-s", clientNs = "lodestar-" + id + "-c";
  serverIf = "lx" + id + "s", clientIf = "lx" + id + "c";  // at most 15 characters
  server4 = "10.213." + net + ".1", client4 = "10.213." + net + ".2";
  server6 = "fd00:213:" + net + "::1", client6 = "fd00:213:" + net + "::2";
  must("ip netns add " + serverNs);
  must("ip netns add " + clientNs);
  must("ip link add " + serverIf + " netns " + serverNs + " type veth peer name " + clientIf + " netns " + clientNs);
  for (const auto& [ns, dev, a4, a6] : {std::tuple{serverNs, serverIf, server4, server6}, std::tuple{clientNs, clientIf, client4, client6}}) {
    must("ip -n " + ns + " addr add " + a4 + "/24 dev " + dev);
    must("ip -n " + ns + " addr add " + a6 + "/64 dev " + dev + " nodad");
    must("ip -n " + ns + " link set " + dev + " up");
    must("ip -n " + ns + " link set lo up");
  }
}

NetnsPair::~NetnsPair() {
  runCommand("ip netns del " + serverNs);
  runCommand("ip netns del " + clientNs);
}

std::vector<std::string> NetnsPair::inServer() const {
  return {"/usr/bin/nsenter", "--net=/run/netns/" + serverNs};
}

std::string NetnsPair::inClient(const std::string& command) const {
  return runCommand("ip netns exec " + clientNs + " sh -c '" + command + "'").output;
}

std::string NetnsPair::serverLink() const { return runCommand("ip -n " + serverNs + " link show dev " + serverIf).output; }

}  // namespace lodestar::test
