// lodestarctl: the operator's tool; talks to the daemon's control socket.
#include <CLI/CLI.hpp>

#include <iostream>

#include "dns/server/config.hpp"
#include "dns/server/control_client.hpp"

namespace {

// Exit codes: 0 done, 1 the daemon refused or reported errors, 2 usage, 3 daemon unreachable.
constexpr int kFailed = 1, kUsage = 2, kUnreachable = 3;

std::string socketFrom(const std::string& config, const std::string& socket) {
  if (!socket.empty()) return socket;
  lodestar::zones::Diagnostics diags;
  auto c = lodestar::dns::loadServerConfig(config, diags);
  if (!c) {
    std::cerr << diags.report();
    return {};
  }
  if (c->controlSocket.empty()) std::cerr << config << ": no control_socket is configured\n";
  return c->controlSocket;
}

int print(const nlohmann::json& response, bool json) {
  bool ok = response.value("ok", false);
  if (json) {
    std::cout << response.dump(2) << "\n";
    return ok ? 0 : kFailed;
  }
  if (ok) {
    const auto& result = response["result"];
    if (result.contains("summary")) std::cout << result["summary"].get<std::string>();
    else std::cout << result.dump() << "\n";
    return 0;
  }
  std::cerr << "lodestarctl: " << response.value("error", std::string("failed")) << "\n";
  if (response.contains("errors"))
    for (const auto& e : response["errors"]) std::cerr << e.get<std::string>() << "\n";
  return kFailed;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lodestarctl: control a running lodestar (exit 0 ok, 1 failed, 2 usage, 3 daemon unreachable)"};
  std::string config = "/etc/lodestar/lodestar.yaml", socket;
  bool json = false;
  app.add_option("-c,--config", config, "the daemon's configuration (to find its control socket)");
  app.add_option("-s,--socket", socket, "the control socket, instead of reading it from the configuration");
  app.add_flag("--json", json, "print the daemon's JSON response");
  app.require_subcommand(1);
  auto* reload = app.add_subcommand("reload", "load the files on disk and apply them if they have no error");
  auto* check = app.add_subcommand("check", "validate the files on disk without applying them");
  auto* ping = app.add_subcommand("ping", "is the daemon answering?");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kUsage;
  }
  std::string path = socketFrom(config, socket);
  if (path.empty()) return kUsage;
  std::string command = reload->parsed() ? "reload" : check->parsed() ? "check" : ping->parsed() ? "ping" : "";
  std::string error;
  auto response = lodestar::dns::controlRequest(path, command, nlohmann::json::object(), error);
  if (!response) {
    std::cerr << "lodestarctl: " << error << "\n";
    return kUnreachable;
  }
  return print(*response, json);
}
