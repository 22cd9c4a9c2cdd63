// The admin commands' rules in one place; the daemon saves, applies, audits and logs.
#include "dns/server/admin_actions.hpp"

#include <algorithm>
#include <limits>

#include "dns/control/protocol.hpp"
#include "dns/server/admin_rules.hpp"
#include "dns/wire/duration.hpp"
#include "dns/wire/utc_time.hpp"

namespace lodestar::server {

namespace {

// When a refused change would first strand clients, for its message: "" for now, else the
// instant and the windows that open then ("this window" being the one asked for).
std::string strandedWhen(const AdminState& next, int64_t at, int64_t now, bool window) {
  if (at <= now) return "";
  std::string opening;
  unsigned opened = 0;
  for (size_t i = 0; i < next.windows.size(); ++i) {
    const auto& w = next.windows[i];
    if (w.start != at) continue;
    const bool asked = window && i + 1 == next.windows.size();
    opening += (opening.empty() ? "" : " and ") + (asked ? std::string("this window") : w.region + "'s maintenance window");
    ++opened;
  }
  if (opening.empty()) return " from " + wire::formatUtc(at);
  return " from " + wire::formatUtc(at) + ", when " + opening + (opened > 1 ? " open" : " opens");
}

}  // namespace

nlohmann::json dryRunRefused(nlohmann::json refusal, nlohmann::json dryRun) {
  std::string why = refusal.value("error", std::string());
  if (why.rfind("refused: ", 0) == 0) why.erase(0, 9);
  refusal["error"] = "dry run, nothing changed: the command would be refused: " + why;
  dryRun["dry_run"] = true;
  dryRun["refused"] = true;
  refusal["result"] = std::move(dryRun);
  return refusal;
}

std::string historyResult(const nlohmann::json& response) {
  if (response.value("ok", false)) return "ok";
  std::string why = response.value("error", std::string());
  if (why.rfind("refused: ", 0) == 0) why.erase(0, 9);
  return "refused: " + why;
}

AdminDecision decideAdmin(const zones::View& view, const AdminState& current, const std::string& command,
                          const nlohmann::json& args, uid_t uid, int64_t now) {
  auto done = [](nlohmann::json response, std::string audit = {}) {
    return AdminDecision{std::move(response), std::nullopt, std::move(audit), {}};
  };
  const std::string target = args.value("target", std::string());
  const std::string reason = args.value("reason", std::string());
  AdminState next = current;
  bool scheduled = false, changed = true;
  if (command == "drain" || command == "undrain") {
    if (!view.regionId(target)) {
      std::string known;
      for (const auto& r : view.regions()) known += (known.empty() ? "" : ", ") + r.name;
      return done(control::failure("unknown region '" + target + "' (known: " + (known.empty() ? "none" : known) + ")"),
                  "unknown region");
    }
    if (command == "drain" && (args.contains("start") || args.contains("end"))) {
      if (!args.contains("start") || !args.contains("end"))
        return done(control::failure("a maintenance window needs both its start (--at) and its length (--for)"));
      int64_t start = args["start"].get<int64_t>(), end = args["end"].get<int64_t>();
      if (end <= start || end <= now) return done(control::failure("the maintenance window ends before it starts, or is over already"));
      // Bounded before any arithmetic on it: a client may send any integer.
      const int64_t longest = wire::kLongestDuration.count() / 1000;
      if (start < 0 || start > now + longest || end - start > longest)
        return done(control::failure("a maintenance window starts at most " + wire::formatDuration(wire::kLongestDuration) +
                                     " ahead and lasts at most " + wire::formatDuration(wire::kLongestDuration)));
      const bool force = args.value("force", false);
      if (force) {
        // Re-issued with --force: it replaces the region's held windows that it overlaps.
        std::erase_if(next.windows, [&](const AdminState::Window& w) {
          return w.held && w.region == target && w.start < end && start < w.end;
        });
      }
      next.windows.push_back({target, reason, static_cast<uint32_t>(uid), start, end, force});
      scheduled = start > now;
    } else if (command == "drain") {
      changed = !next.drained.count(target);
      next.drained[target] = {reason, static_cast<uint32_t>(uid), now};
    } else {
      // undrain ends the drain and any window of the region, running or scheduled.
      changed = next.drained.erase(target) > 0;
      auto w = std::remove_if(next.windows.begin(), next.windows.end(),
                              [&](const AdminState::Window& x) { return x.region == target; });
      changed = changed || w != next.windows.end();
      next.windows.erase(w, next.windows.end());
    }
  } else {
    const std::string state = args.value("state", std::string());
    std::string error;
    if (!knownTarget(view, target, error)) return done(control::failure(error), "unknown target");
    const ForceTarget key = ForceTarget::parse(target);
    auto was = next.forced.find(key);
    if (state == "auto") {
      changed = next.forced.erase(key) > 0;
      next.forceNotes.erase(key);
    } else if (state == "up" || state == "down") {
      const health::Forced to = state == "up" ? health::Forced::Up : health::Forced::Down;
      changed = was == next.forced.end() || was->second != to;
      next.forced[key] = to;
      next.forceNotes[key] = {reason, static_cast<uint32_t>(uid), now};
    } else {
      return done(control::failure("state must be up, down or auto"));
    }
  }
  // Judged at every instant the change will hold, with every other window (scheduled ones
  // too): a window over its span, anything else from now on.
  const bool window = args.contains("start");
  const int64_t when = window ? std::max(args["start"].get<int64_t>(), now) : now;
  const int64_t until = window ? args["end"].get<int64_t>() : std::numeric_limits<int64_t>::max();
  const StrandedOverTime stranded = newlyStranded(view, current, next, when, until);
  nlohmann::json result = {{"target", target}, {"changed", changed}, {"left_without_region", stranded.groups}};
  if (!stranded.groups.empty() && stranded.at > now) result["left_without_region_from"] = stranded.at;
  if (window) result["window"] = {{"start", args["start"]}, {"end", args["end"]}};
  std::optional<nlohmann::json> refusal;
  if (!stranded.groups.empty() && !args.value("force", false) && command != "undrain") {
    std::string names;
    for (const auto& r : stranded.groups) names += (names.empty() ? "" : "; ") + r;
    refusal = control::failure("refused: this would leave " + names + " without a usable region" +
                               strandedWhen(next, stranded.at, now, window) +
                               " (use --force to do it anyway; those clients then get a fail-open answer)");
    (*refusal)["records"] = stranded.groups;
    if (stranded.at > now) (*refusal)["from"] = stranded.at;
  }
  if (args.value("dry_run", false)) {
    result["dry_run"] = true;
    result["moves"] = predictedMoves(view, current, next, when);
    // A dry run answers what the command would: its refusal too, with the same exit code.
    return done(refusal ? dryRunRefused(std::move(*refusal), std::move(result)) : control::success(result));
  }
  if (refusal) return done(std::move(*refusal), "refused");
  if (!changed) return done(control::success(result), "no change");
  std::string summary = command + " " + target + (args.contains("state") ? " " + args.value("state", std::string()) : "");
  if (args.contains("start"))
    summary += " scheduled from " + wire::formatUtc(args["start"].get<int64_t>()) + " to " +
               wire::formatUtc(args["end"].get<int64_t>());
  return AdminDecision{control::success(result), std::move(next), scheduled ? "scheduled" : "ok", std::move(summary)};
}

}  // namespace lodestar::server
