// lodestarctl: the operator's tool; parses its command line and sends the subcommand's request
// (commands.hpp) to the daemon's control socket, or runs a command that works here (its `run`).
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "dns/config/server_config.hpp"
#include "dns/control/client.hpp"
#include "lodestar/version.hpp"
#include "tools/lodestarctl/commands.hpp"

namespace {

// Exit codes: 0 done, 1 the daemon refused or reported errors, 2 usage, 3 daemon unreachable,
// 4 a cluster change committed but not applied on every expected node in time.
constexpr int kFailed = 1, kUsage = 2, kUnreachable = 3, kNotApplied = 4;

// A cluster change whose `acknowledged` says some expected node did not apply it.
bool notAppliedEverywhere(const nlohmann::json& response) {
  const auto result = response.find("result");
  if (result == response.end() || !result->is_object()) return false;
  const auto a = result->find("acknowledged");
  if (a == result->end() || !a->is_object()) return false;
  const auto complete = a->find("complete");
  return complete != a->end() && complete->is_boolean() && !complete->get<bool>();
}

// `quiet`: why there is no socket goes there instead of stderr (a local command can do without it).
std::string socketFrom(const std::string& config, const std::string& socket, std::string* quiet = nullptr) {
  if (!socket.empty()) return socket;
  lodestar::yaml::Diagnostics diags;
  auto c = lodestar::config::loadServerConfig(config, diags);
  if (!c) {
    if (quiet) *quiet = "cannot find the control socket: " + config + " cannot be read or has errors";
    else
      std::cerr << diags.report() << "lodestarctl: cannot find the control socket: " << config
                << " has the errors above (fix them, or give the socket with -s PATH)\n";
    return {};
  }
  if (c->controlSocket.empty()) {
    const std::string why = config + ": no control_socket is configured";
    if (quiet) *quiet = why;
    else std::cerr << why << "\n";
  }
  return c->controlSocket;
}

// The response: as JSON, an error on stderr, or the row's printer. Returns the exit code.
int print(const lodestarctl::Subcommand& row, const lodestarctl::Request& sent, const nlohmann::json& response, bool json) {
  const auto okField = response.find("ok");
  const bool ok = okField != response.end() && okField->is_boolean() && okField->get<bool>();
  // The cluster's etcd is unreachable: the same exit code as an unreachable daemon.
  const auto code = response.find("code");
  const int failed = code != response.end() && *code == "cluster_unreachable" ? kUnreachable : kFailed;
  if (json) {
    std::cout << response.dump(2) << "\n";
    return !ok ? failed : notAppliedEverywhere(response) ? kNotApplied : 0;
  }
  if (!ok) {
    // A dry run the command would fail: what it would do, then why it would not be done.
    if (const auto result = response.find("result");
        result != response.end() && result->is_object() && result->value("dry_run", false)) {
      try {
        row.print(sent, *result);
      } catch (const nlohmann::json::exception&) {
        // Moves in a shape this lodestarctl cannot read: the error below still says why.
      }
      std::cout.flush();
    }
    const auto error = response.find("error");
    std::cerr << "lodestarctl: " << (error != response.end() && error->is_string() ? error->get<std::string>() : "failed")
              << "\n";
    if (auto errors = response.find("errors"); errors != response.end() && errors->is_array())
      for (const auto& e : *errors) std::cerr << (e.is_string() ? e.get<std::string>() : e.dump()) << "\n";
    return failed;
  }
  // The printers read the reply by its documented shape; one that differs (a daemon of
  // another version, a value that passed through etcd) is an error, never an abort.
  try {
    const auto result = response.find("result");
    row.print(sent, result != response.end() ? *result : nlohmann::json::object());
  } catch (const std::exception& e) {  // nlohmann's type errors, or a printer's own (bad hex)
    std::cout.flush();
    std::cerr << "lodestarctl: lodestar's answer is not in the shape this lodestarctl reads (" << e.what()
              << "); --json shows it whole\n";
    return failed;
  }
  return notAppliedEverywhere(response) ? kNotApplied : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lodestarctl: control a running lodestar (exit 0 ok, 1 failed, 2 usage, 3 daemon or its cluster "
               "unreachable, 4 a cluster change committed but not applied on every expected node within cluster.ack_wait)"};
  std::string config = "/etc/lodestar/lodestar.yaml", socket;
  bool json = false;
  app.add_option("-c,--config", config, "the daemon's configuration, to find its control socket (default " + config + ")");
  app.add_option("-s,--socket", socket, "the control socket, instead of reading it from the configuration");
  app.add_flag("--json", json, "print the daemon's JSON response");
  app.set_version_flag("-V,--version", std::string("lodestarctl ") + lodestar::kVersion);
  app.require_subcommand(1);
  app.fallthrough();  // --json, -c and -s also after the command (`lodestarctl status --json`)
  std::vector<std::pair<const lodestarctl::Subcommand*, CLI::App*>> subs;
  std::vector<lodestarctl::BuildRequest> builds;
  for (const auto& row : lodestarctl::subcommands()) {
    CLI::App* sub = app.add_subcommand(row.name, row.help);
    subs.emplace_back(&row, sub);
    builds.push_back(row.setup(*sub));
  }
  // CLI11 reports a mistyped command as "A subcommand is required": name it instead.
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-c" || a == "--config" || a == "-s" || a == "--socket") {
      ++i;
      continue;
    }
    if (a.empty() || a[0] == '-') continue;
    bool known = false;
    std::string names;
    for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      known = known || sub->get_name() == a;
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::cerr << "lodestarctl: unknown command '" << a << "' (known: " << names << ")\n";
      return kUsage;
    }
    break;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kUsage;
  }
  size_t chosen = 0;
  while (chosen + 1 < subs.size() && !subs[chosen].second->parsed()) ++chosen;
  std::string error;
  auto sent = builds[chosen](error);
  if (!sent) {
    std::cerr << "lodestarctl: " << error << "\n";
    return kUsage;
  }
  if (const auto& run = subs[chosen].first->run) {
    // A local command: the daemon only when it asks, and its absence is no error here.
    const lodestarctl::AskDaemon ask = [&](const lodestarctl::Request& r, std::string& why) -> std::optional<nlohmann::json> {
      const std::string path = socketFrom(config, socket, &why);
      if (path.empty()) return std::nullopt;
      auto response = lodestar::control::request(path, r.command, r.args, why);
      if (!response) return std::nullopt;
      const auto ok = response->find("ok"), result = response->find("result");
      if (ok == response->end() || *ok != true || result == response->end()) {
        const auto e = response->find("error");
        why = e != response->end() && e->is_string() ? e->get<std::string>() : "the daemon refused " + r.command;
        return std::nullopt;
      }
      return *result;
    };
    return run(*sent, ask, json);
  }
  std::string path = socketFrom(config, socket);
  if (path.empty()) return kUsage;
  auto response = lodestar::control::request(path, sent->command, sent->args, error);
  if (!response) {
    std::cerr << "lodestarctl: " << error << "\n";
    return kUnreachable;
  }
  return print(*subs[chosen].first, *sent, *response, json);
}
