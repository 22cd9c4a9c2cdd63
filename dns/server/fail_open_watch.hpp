// Loud fail-open: which steered records have a group of clients with no usable region, judged
// on the control loop whenever health or the overrides change (never per query), with the
// safety rule's own judgement (admin_rules.hpp strandedGroups). Entering and leaving is one
// log line and one hook event per record, within the record's TellBudget (a flapping record
// says how many changes it did not tell).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/server/admin_rules.hpp"
#include "dns/server/admin_state.hpp"
#include "dns/server/tell_budget.hpp"
#include "health/hooks.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

class FailOpenWatch {
 public:
  using Events = std::function<void(const health::HookEvent&)>;

  explicit FailOpenWatch(Events events) : events_(std::move(events)) {}

  /// Compares each steered record's groups without a usable region under `state` (the
  /// overrides in effect) and health as it is now with the last call; tells what changed
  /// when the record's budget allows (else at a later call: call it once a second too).
  /// `generation` names the view (ViewPublisher::generation()): its client groups are
  /// worked out once per view, not at every call.
  void evaluate(const zones::View& view, uint64_t generation, const AdminState& state, int64_t now);
  /// The same after a reload that changed nothing but zones: `added` (new in `view`) and
  /// `removed` (in the view last judged, not in this one), with the overrides and every kept
  /// endpoint's health as at the last call and nothing waiting to be told (settled()): only
  /// the records of those zones are judged, and the kept ones stand as they were.
  void evaluateZones(const zones::View& view, uint64_t generation, const std::vector<const zones::Zone*>& added,
                     const std::vector<const zones::Zone*>& removed, const AdminState& state, int64_t now);

  /// For status: the records failing open now, [{record, clients: [..], since}], by name.
  nlohmann::json records() const;
  /// Records failing open now (a gauge) and times a record entered fail-open (a counter).
  uint64_t failingOpen() const noexcept;
  uint64_t entered() const noexcept { return entered_; }
  /// Whether the last call told every change it found (none waits for a budget): then a call
  /// with the same view, overrides and health would tell nothing.
  bool settled() const noexcept { return untold_ == 0; }

 private:
  struct Record {
    std::vector<std::string> groups;  // the groups failing open now; empty: serving
    int64_t since = 0;                // when it entered (or left) that state
    bool told = false;                // the state last told: failing open
    uint64_t changes = 0;             // entered or left since the last line
    TellBudget budget;
  };
  void tell(const std::string& name, Record& r, int64_t now);
  // The client groups of each zone of `view`, worked out for the zones not seen before only.
  void regroup(const zones::View& view, uint64_t generation);
  // Records `judged` (every record when null) fail open for the groups in `failing`, the others
  // of them serve; then tells what it may.
  void apply(std::map<std::string, std::vector<std::string>> failing, const std::set<std::string>* judged,
             int64_t now);

  Events events_;
  uint64_t groupsOf_ = 0;  // the view generation `groups_` belongs to (0: none yet)
  struct ZoneGroups {
    std::shared_ptr<const zones::Zone> zone;  // held: its records are what the groups point at
    std::vector<ClientGroup> groups;          // clientGroups() of it
  };
  std::unordered_map<const zones::Zone*, ZoneGroups> groups_;
  std::map<std::string, Record> records_;  // by record name: a reload keeps them
  uint64_t entered_ = 0;
  size_t untold_ = 0;  // records whose state the last call could not tell yet
};

}  // namespace lodestar::server
