// lodestarctl's printers: a successful result of each control command, for people.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "tools/lodestarctl/commands.hpp"

namespace lodestarctl {

/// A whole number of the daemon's reply. A value of another type, or a number that an int64
/// does not hold (1e300 would make the conversion undefined), throws nlohmann::json's
/// type_error, which lodestarctl reports as a reply not in the shape it reads.
int64_t integer(const nlohmann::json& value);
/// The same for a field of `object`; `fallback` when the field is absent.
int64_t integer(const nlohmann::json& object, const char* key, int64_t fallback = 0);

/// `status`: regions, pools and endpoints; `clusterAsked`: say so when the node runs alone.
void printStatus(const nlohmann::json& result, bool clusterAsked);
/// `explain`: the steering laid out, then the answer decoded by ldns.
void printExplain(const nlohmann::json& result);
/// `dnssec ds` (`show` "ds": the DS lines to paste at the parent) or `dnssec keys`.
void printDnssec(const std::string& show, const nlohmann::json& result);
/// The signed zones' lines of `status`, or of `dnssec keys`.
void printSignedZones(const nlohmann::json& zones);
/// `export`: the records as RFC 1035 text (rendered by ldns), steered ones marked.
void printExport(const Request& sent, const nlohmann::json& result);
/// `check-delegation`: asks the parent and the zone's servers, prints the findings (or JSON);
/// returns the exit code (0 fine, 1 problems, 3 no parent server answers).
int runCheckDelegation(const Request& sent, const AskDaemon& ask, bool json);
/// `stats`: the counters.
void printStats(const nlohmann::json& result);
/// One line for `status`: the AF_XDP path on, or OFF and why.
void printXdpLine(const nlohmann::json& xdp);
/// `drill`: where each area's clients went, which regions took them, how fast answers changed.
void printDrill(const nlohmann::json& result);
/// `history`: the admin actions, newest first.
void printHistory(const nlohmann::json& result);
/// `reload`, `check`, `ping`, `drain`, `undrain`, `force`: a summary, a dry run, a window, or
/// what changed; `command` is the protocol's command (drain, undrain, force, ...).
void printOutcome(const std::string& command, const nlohmann::json& result);

}  // namespace lodestarctl
