// Probe scheduling. An entry that is removed while its probe is in flight is kept alive by
// the probe's callback and simply ignored when the result arrives.
#include "health/scheduler.hpp"

#include <set>

namespace lodestar::health {

const char* observedName(Observed o) noexcept {
  switch (o) {
    case Observed::Up: return "up";
    case Observed::InDoubt: return "in-doubt";
    case Observed::Down: return "down";
  }
  return "?";
}

std::optional<Observed> parseObserved(std::string_view name) noexcept {
  for (auto o : {Observed::Up, Observed::InDoubt, Observed::Down})
    if (name == observedName(o)) return o;
  return std::nullopt;
}

struct Scheduler::Entry {
  ProbeTarget target;
  StateMachine fsm;
  loop::EventLoop::TimerId timer = 0;
  loop::EventLoop::Clock::time_point planned;
  bool inFlight = false;
  bool removed = false;
  std::string lastReason = "not probed yet";
  std::chrono::system_clock::time_point since = std::chrono::system_clock::now();
  uint64_t probes = 0, failures = 0, changes = 0, localFailures = 0;
  std::chrono::microseconds latency{0};  // of the last probe that reached the endpoint

  explicit Entry(ProbeTarget t) : target(std::move(t)), fsm(target.check->rise, target.check->fall, target.check->damping) {
    // A cell that outlived a reload keeps what it knew.
    Observed known = target.cell->observed.load();
    if (known == Observed::Down) {
      for (unsigned i = 0; i < target.check->fall; ++i) fsm.record(false);
    }
  }
};

Scheduler::Scheduler(loop::EventLoop& loop, Prober& prober, OnChange onChange)
    : loop_(loop), prober_(prober), onChange_(std::move(onChange)) {}

Scheduler::~Scheduler() {
  for (auto& [cell, e] : entries_) {
    e->removed = true;
    if (e->timer) loop_.cancel(e->timer);
  }
}

void Scheduler::setTargets(std::vector<ProbeTarget> targets) {
  std::map<HealthCell*, std::shared_ptr<Entry>> next;
  // Where each cell is used, each (region, pool) once: thousands of zones naming one pool
  // make one short line per health change, not one use per zone.
  std::map<HealthCell*, std::set<std::string>> uses;
  for (auto& t : targets) {
    HealthCell* key = t.cell.get();
    if (!uses[key].insert(t.where).second) continue;
    if (next.count(key)) {
      if (uses[key].size() <= kUsesShown) next[key]->target.where += "; " + t.where;
      continue;
    }
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      it->second->target.where = t.where;
      next.emplace(key, it->second);
      entries_.erase(it);
      continue;
    }
    auto e = std::make_shared<Entry>(std::move(t));
    next.emplace(key, e);
    schedule(*e, std::chrono::milliseconds(0));  // the first probe runs at once
  }
  for (auto& [key, e] : next)
    if (uses[key].size() > kUsesShown)
      e->target.where += " and " + std::to_string(uses[key].size() - kUsesShown) + " more";
  for (auto& [cell, e] : entries_) {
    e->removed = true;
    if (e->timer) loop_.cancel(e->timer);
  }
  entries_ = std::move(next);
}

void Scheduler::schedule(Entry& e, std::chrono::milliseconds delay) {
  if (e.timer) loop_.cancel(e.timer);
  e.planned = loop::EventLoop::Clock::now() + delay;
  e.timer = loop_.after(delay, [this, &e] {
    e.timer = 0;
    probe(e);
  });
}

void Scheduler::probe(Entry& e) {
  if (e.inFlight || e.removed) return;
  if (inFlight_ >= maxInFlight_) {
    waiting_.push_back(entries_.at(e.target.cell.get()));
    return;
  }
  ++inFlight_;
  e.inFlight = true;
  ++e.probes;
  ++started_;
  if (recordLateness_) {
    auto late = std::chrono::duration_cast<std::chrono::microseconds>(loop::EventLoop::Clock::now() - e.planned).count();
    lateness_.push_back(static_cast<uint32_t>(late < 0 ? 0 : late));
  }
  auto keep = entries_.at(e.target.cell.get());
  prober_.start(*e.target.check, e.target.address, [this, keep](const ProbeResult& r) {
    keep->inFlight = false;
    --inFlight_;
    if (!keep->removed) onResult(*keep, r);
    // A slot is free: the longest-waiting probe goes next.
    while (inFlight_ < maxInFlight_ && !waiting_.empty()) {
      auto next = waiting_.front().lock();
      waiting_.pop_front();
      if (next && !next->removed) probe(*next);
    }
  });
}

void Scheduler::onResult(Entry& e, const ProbeResult& r) {
  if (r.local) {
    // Nothing was learnt about the endpoint: its state stays, and it is asked again soon.
    ++e.localFailures;
    ++localFailures_;
    e.lastReason = r.reason;
    if (onLocalFailure_) onLocalFailure_(e.target.address, e.target.check->name, r.reason);
    return schedule(e, e.target.check->recheck);
  }
  if (!r.success) ++e.failures;
  e.latency = r.latency;
  Observed before = e.fsm.state();
  e.lastReason = r.reason;
  const auto now = loop::EventLoop::Clock::now();
  if (e.fsm.record(r.success, now)) {
    if (!e.target.shared) e.target.cell->observed.store(e.fsm.state(), std::memory_order_relaxed);
    e.since = std::chrono::system_clock::now();
    ++e.changes;
    ++changes_;
    ProbeResult said = r;
    if (e.fsm.justHeld()) {
      const auto& d = e.target.check->damping;
      said.reason += " (flapping: " + std::to_string(d.falls) + " falls within " +
                     std::to_string(d.window.count() / 1000) + " s; held down for " +
                     std::to_string(d.hold.count() / 1000) + " s whatever the probes say)";
    }
    if (onChange_) onChange_({e.target.address, e.target.where, e.target.check->name, before, e.fsm.state(), said, e.target.check});
  }
  // A result that disagrees with the state is confirmed quickly, not an interval later
  // (but not while flap damping holds the endpoint down: nothing could change).
  if (e.fsm.wantsRecheck() && now >= e.fsm.heldUntil()) return schedule(e, e.target.check->recheck);
  // 90–100% of the interval: spread out, and never later than the withdrawal bound assumes.
  // After the first probe (which every endpoint runs at once), anywhere in the interval, so
  // a thousand endpoints added together do not stay in one burst.
  auto interval = e.target.check->interval;
  long low = e.probes == 1 ? interval.count() / 10 : interval.count() * 9 / 10;
  std::uniform_int_distribution<long> spread(low, interval.count());
  schedule(e, std::chrono::milliseconds(spread(jitter_)));
}

std::vector<Scheduler::Status> Scheduler::status() const {
  std::vector<Status> out;
  for (const auto& [cell, e] : entries_) {
    Status st{e->target.address, e->target.where, e->target.check->name, e->fsm.state(), e->lastReason, e->since,
              e->probes, e->failures, e->changes, e->localFailures, std::nullopt, e->latency};
    const auto left = e->fsm.heldUntil() - loop::EventLoop::Clock::now();
    if (left > loop::EventLoop::Clock::duration::zero())
      st.heldUntil = std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(left);
    out.push_back(st);
  }
  return out;
}

}  // namespace lodestar::health
