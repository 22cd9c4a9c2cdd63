// Each steered record's regions, up or down as the answer path judges them: not drained, and
// enough endpoints of the record's family up (min_healthy; a CNAME region: its target up).
// Judged on the control loop whenever health or the overrides change, never per query. A
// change is one log line and one hook event (`record_region`) within the pair's TellBudget;
// past kToldEach in one judgement (a drain of a region that thousands of records use), the
// rest are told as one line and one event per region and direction, with their count. The
// metrics read the state as it is (lodestar_record_region_up).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dns/server/admin_rules.hpp"
#include "dns/server/admin_state.hpp"
#include "dns/server/tell_budget.hpp"
#include "health/hooks.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

class RegionWatch {
 public:
  using Events = std::function<void(const health::HookEvent&)>;
  static constexpr size_t kToldEach = 16;  // pairs told one by one per judgement

  explicit RegionWatch(Events events) : events_(std::move(events)) {}

  /// Judges every (record, region) of `view` under `state` (the overrides in effect) and health
  /// as it is now; tells what changed since the last call when the pair's budget allows (else
  /// at a later call: call it once a second too). A pair seen for the first time (at start, or
  /// new with a reload) is not a change; one the view no longer has is forgotten.
  void evaluate(const zones::View& view, const AdminState& state, int64_t now);
  /// The same after a reload that changed nothing but zones: `added` (new in `view`) and
  /// `removed` (in the view last judged, not in this one), with the overrides and every kept
  /// endpoint's health as at the last call and nothing waiting to be told (settled()): only
  /// those zones' pairs are judged, the kept ones stand as they were.
  void evaluateZones(const zones::View& view, const std::vector<const zones::Zone*>& added,
                     const std::vector<const zones::Zone*>& removed, const AdminState& state, int64_t now);

  struct Row {
    std::string record, region;
    bool up;
  };
  /// Every pair of the last view judged, by record then region.
  std::vector<Row> rows() const;
  /// Whether the last call told every change it found (none waits for a budget).
  bool settled() const noexcept { return untold_ == 0; }

 private:
  struct Pair {
    bool up = true;
    bool told = true;          // the state last told (or first seen)
    int64_t since = 0;
    uint64_t changes = 0;      // since the last line
    TellBudget budget;
  };
  using Pairs = std::map<std::pair<std::string, std::string>, Pair>;  // (record, region)
  // Judges one pair and notes a change; end() when the pool has no members there.
  Pairs::iterator judge(const zones::View& view, const zones::SteeredRecord& rec, zones::RegionId id,
                        const WhatIfHealth& health, int64_t now);
  // Tells the changes among `pairs` their budgets allow, past kToldEach as counts; counts untold_.
  void tellChanges(const std::vector<Pairs::iterator>& pairs, int64_t now);
  void tell(const std::pair<std::string, std::string>& key, Pair& p, int64_t now);
  void tellTogether(const std::string& region, bool up, uint64_t records, int64_t now);

  Events events_;
  Pairs pairs_;
  size_t untold_ = 0;  // pairs whose state the last call could not tell yet
};

}  // namespace lodestar::server
