// drain, undrain and force as decisions: validate the request, work out the next admin state,
// refuse what would leave clients without a usable region (admin_rules.hpp), answer dry-runs.
// Nothing is saved or applied here; the daemon does that with the decision.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "dns/server/admin_state.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

struct AdminDecision {
  nlohmann::json response;         // the reply: an error, a refusal, a dry-run, or the result once applied
  std::optional<AdminState> next;  // the state to save and apply; empty when nothing is to change
  std::string audit;               // the audit log's result ("refused", "ok", "scheduled", ...); empty: none
  std::string summary;             // for the log line once applied: "drain eu-west scheduled from ... to ..."
};

/// A dry run's answer when the command itself would be refused: `refusal` (its code, records
/// and reason kept) saying "dry run, nothing changed: the command would be refused: WHY", with
/// the dry run's result (moves, left_without_region) as its `result` and `refused: true`.
nlohmann::json dryRunRefused(nlohmann::json refusal, nlohmann::json dryRun);

/// The history's `result` for a failed reply: "refused: WHY" (the error without a leading "refused: ").
std::string historyResult(const nlohmann::json& response);

/// `command` is drain, undrain or force; `args` as the control protocol gives them (types
/// checked already); `now` in unix seconds.
AdminDecision decideAdmin(const zones::View& view, const AdminState& current, const std::string& command,
                          const nlohmann::json& args, uid_t uid, int64_t now);

}  // namespace lodestar::server
