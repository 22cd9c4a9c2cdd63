#include "dns/server/drill_command.hpp"

#include <chrono>
#include <memory>

#include "dns/control/protocol.hpp"
#include "dns/server/drill.hpp"
#include "dns/wire/duration.hpp"

namespace lodestar::server {

namespace {

using Clock = std::chrono::steady_clock;

// Asks the answer path until every probe is answered as predicted, or kAskFor has passed.
struct Asking : std::enable_shared_from_this<Asking> {
  loop::EventLoop& loop;
  DrillCommand::CurrentView view;
  std::vector<DrillProbe> probes;
  Clock::time_point started;
  nlohmann::json report;
  ControlServer::Reply reply;

  Asking(loop::EventLoop& l, DrillCommand::CurrentView v, std::vector<DrillProbe> p, Clock::time_point s,
         nlohmann::json rep, ControlServer::Reply done)
      : loop(l), view(std::move(v)), probes(std::move(p)), started(s), report(std::move(rep)), reply(std::move(done)) {}

  void ask() {
    const ProbeCheck check = askProbes(view(), probes);
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    if (check.moved == probes.size() || elapsed >= DrillCommand::kAskFor) {
      report["answers_checked"] = check.answers;
      report["answers_moved"] = check.moved;
      if (check.moved == probes.size()) report["answers_changed_ms"] = elapsed.count();
      else report["answers_changed_ms"] = nullptr;  // the printer says which are not as predicted
      return reply(control::success(report));
    }
    loop.after(DrillCommand::kAskEvery, [self = shared_from_this()] { self->ask(); });
  }
};

}  // namespace

void DrillCommand::run(const nlohmann::json& args, uid_t uid, const ControlServer::Reply& reply) {
  const std::string region = args.value("target", std::string());
  const int64_t seconds = args.value("seconds", int64_t(0));
  const int64_t longest = wire::kLongestDuration.count() / 1000;
  if (seconds < 1 || seconds > longest)
    return reply(control::failure("a drill lasts from 1 second to " + wire::formatDuration(wire::kLongestDuration)));
  const int64_t sample = args.value("sample", kDefaultSample);
  if (sample < 1 || sample > kMostSample)
    return reply(control::failure("--sample is 1 to " + std::to_string(kMostSample) + " addresses per area"));
  const zones::View& view = view_();
  if (!view.regionId(region)) {
    std::string known;
    for (const auto& r : view.regions()) known += (known.empty() ? "" : ", ") + r.name;
    return reply(control::failure("unknown region '" + region + "' (known: " + (known.empty() ? "none" : known) + ")"));
  }
  const bool dryRun = args.value("dry_run", false);
  const AdminState effective = effective_();
  // A drill of a region that is down already would rehearse nothing, and undrain (the way to
  // end a drill early) would also end the operator's own drain or window of it.
  int64_t now = unixNow();
  if (const auto drains = effective.effectiveDrains(now); drains.count(region))
    return reply(control::failure(region + " is drained already" +
                                  (drains.at(region).reason.empty() ? "" : " (" + drains.at(region).reason + ")") +
                                  ": a drill would change nothing; undrain it first, or drill another region"));
  DrillPlan plan = planDrill(view, effective, now, region, static_cast<size_t>(sample));
  // The window and the answers' timing start after the planning, which may take a while.
  now = unixNow();
  const auto started = Clock::now();
  plan.report["dry_run"] = dryRun;
  plan.report["start"] = now;
  plan.report["end"] = now + seconds;

  const std::string reason = args.value("reason", std::string());
  nlohmann::json drain = {{"target", region},
                          {"start", now},
                          {"end", now + seconds},
                          {"reason", "drill" + (reason.empty() ? std::string() : ": " + reason)},
                          {"force", args.value("force", false)},
                          {"dry_run", dryRun},
                          {"local", args.value("local", false)}};
  auto shared = std::make_shared<DrillPlan>(std::move(plan));
  // The callback outlives this object (a row of the daemon's table makes one per request).
  execute_("drain", drain, uid,
           [&loop = loop_, view = view_, shared, dryRun, started, reply](const nlohmann::json& response) {
    nlohmann::json report = std::move(shared->report);
    report["drain"] = response.contains("result") ? response["result"] : nlohmann::json::object();
    if (!response.value("ok", false)) {
      // Refused (the safety rule, etcd unreachable) or failed: nothing changed; the
      // prediction still says what it would have done.
      nlohmann::json out = response;
      out["result"] = report;
      return reply(out);
    }
    if (dryRun) return reply(control::success(report));
    std::make_shared<Asking>(loop, view, std::move(shared->probes), started, std::move(report), reply)->ask();
  });
}

}  // namespace lodestar::server
