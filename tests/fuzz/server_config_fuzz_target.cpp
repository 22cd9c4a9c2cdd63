// Fuzz target: any bytes as the main configuration (lodestar.yaml). The reader never throws;
// a refusal says where (file:line:column, unless the file holds no document) and a config is accepted exactly when no error was
// reported; what it accepted holds what the daemon relies on.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dns/config/server_config.hpp"

using namespace lodestar;

namespace {

[[noreturn]] void broken(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "%s\ninput (%zu bytes):\n%.*s\n", what.c_str(), input.size(), static_cast<int>(input.size()),
               input.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // A folder that does not exist: relative paths in the config name nothing on this machine.
  const std::string file = "/nonexistent-fuzz/lodestar.yaml";
  yaml::Diagnostics diags;
  yaml::YamlReader yaml(file, diags);
  const yaml::Node root = yaml.parse(text);
  auto config = config::readServerConfig(yaml, root);
  const bool documentless = root.isNull() && root.line() == 0;  // nothing to point at
  if (config.has_value() != diags.ok())
    broken(config ? "a config was accepted with errors:\n" + diags.report() : "a config was refused and nothing said why",
           text);
  for (const auto& e : diags.errors())
    if (!documentless && (e.where.line < 1 || e.where.column < 1)) broken("an error without a line and column: " + e.toString(), text);
  if (!config) return 0;
  if (config->listen.empty()) broken("a config was accepted with nothing to listen on", text);
  for (const auto& l : config->listen) {
    auto again = config::parseListenAddress(l.text);
    if (!again || !(again->address == l.address) || again->port != l.port)
      broken("listen address '" + l.text + "' does not read back the same", text);
  }
  if (config->workers > 256 || config->tcpMaxConnections == 0 || config->tcpMessageTimeout.count() <= 0 ||
      config->udpMaxPayload < 512 || config->tcpPrefixV4 > 32 || config->tcpPrefixV6 > 128)
    broken("a config was accepted with a setting out of its range", text);
  if (config->cluster && (config->cluster->etcd.empty() || config->cluster->node.empty()))
    broken("a cluster was accepted without etcd endpoints or a node name", text);
  return 0;
}
