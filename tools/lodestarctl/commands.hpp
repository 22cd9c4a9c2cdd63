// lodestarctl's subcommands as one table: a subcommand is a row {name, setup, printer}, and
// adding one touches only that table (and the daemon's, dns/server/daemon.cpp, unless it runs here).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace lodestarctl {

/// What is sent to the daemon.
struct Request {
  std::string command;
  nlohmann::json args = nlohmann::json::object();
  std::string show = {};  // what of the result its printer shows (`dnssec ds` or `keys`): never sent
};

/// A local command's way to ask the daemon: the result of `sent`, or nullopt with why.
using AskDaemon = std::function<std::optional<nlohmann::json>(const Request& sent, std::string& why)>;

/// Once the command line is parsed: the request, or nullopt with a usage error in `error`.
using BuildRequest = std::function<std::optional<Request>(std::string& error)>;

struct Subcommand {
  std::string name;
  std::string help;
  /// Adds the subcommand's arguments and options to `sub`; returns how to build its request.
  std::function<BuildRequest(CLI::App& sub)> setup;
  /// Prints a successful result.
  std::function<void(const Request& sent, const nlohmann::json& result)> print;
  /// Set for a command that does its work here (check-delegation asks DNS servers itself):
  /// runs it with `--json` and returns the exit code; the daemon is asked only through `ask`.
  std::function<int(const Request& sent, const AskDaemon& ask, bool json)> run = nullptr;
};

/// Every subcommand, in the order `--help` lists them.
const std::vector<Subcommand>& subcommands();

}  // namespace lodestarctl
