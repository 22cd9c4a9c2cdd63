// The admin commands' rules in one place; the daemon saves, applies, audits and logs.
#include "dns/server/admin_actions.hpp"

#include <algorithm>

#include "dns/control/protocol.hpp"
#include "dns/server/admin_rules.hpp"
#include "dns/wire/duration.hpp"
#include "dns/wire/utc_time.hpp"

namespace lodestar::server {

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
      next.windows.push_back({target, reason, static_cast<uint32_t>(uid), start, end});
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
  // A scheduled window is judged as it will be when it opens.
  const int64_t when = args.contains("start") ? args["start"].get<int64_t>() : now;
  auto stranded = groupsWithoutRegion(view, next, when);
  auto strandedBefore = groupsWithoutRegion(view, current, when);
  std::vector<std::string> newlyStranded;
  for (const auto& r : stranded)
    if (std::find(strandedBefore.begin(), strandedBefore.end(), r) == strandedBefore.end()) newlyStranded.push_back(r);
  nlohmann::json result = {{"target", target}, {"changed", changed}, {"left_without_region", newlyStranded}};
  if (args.contains("start")) result["window"] = {{"start", args["start"]}, {"end", args["end"]}};
  if (args.value("dry_run", false)) {
    result["dry_run"] = true;
    result["moves"] = predictedMoves(view, current, next, when);
    return done(control::success(result));
  }
  if (!newlyStranded.empty() && !args.value("force", false) && command != "undrain") {
    std::string names;
    for (const auto& r : newlyStranded) names += (names.empty() ? "" : "; ") + r;
    auto e = control::failure("refused: this would leave " + names +
                          " without a usable region (use --force to do it anyway; those clients then get a "
                          "fail-open answer)");
    e["records"] = newlyStranded;
    return done(e, "refused");
  }
  if (!changed) return done(control::success(result), "no change");
  std::string summary = command + " " + target + (args.contains("state") ? " " + args.value("state", std::string()) : "");
  if (args.contains("start"))
    summary += " scheduled from " + wire::formatUtc(args["start"].get<int64_t>()) + " to " +
               wire::formatUtc(args["end"].get<int64_t>());
  return AdminDecision{control::success(result), std::move(next), scheduled ? "scheduled" : "ok", std::move(summary)};
}

}  // namespace lodestar::server
