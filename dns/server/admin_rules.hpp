// What an admin change would do, decided by the answer path's own region choice
// (dns/engine/region_choice.hpp) over health as it would be: the safety rule that refuses a
// drain or force leaving clients without a usable region, and the dry-run's predictions.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/server/admin_state.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

/// Health with `state`'s drains and forced states in place of the live ones, and the
/// probes' observed health as it is now.
class WhatIfHealth {
 public:
  WhatIfHealth(const zones::View& view, const AdminState& state, int64_t now);
  bool drained(const zones::PoolMembers& m) const noexcept { return m.region < drained_.size() && drained_[m.region]; }
  health::Health endpoint(const zones::PoolMembers&, const zones::Endpoint& e) const noexcept {
    return read(*e.force, *e.cell);
  }
  health::Health alias(const zones::PoolMembers& m) const noexcept { return read(*m.cnameForce, *m.cnameCell); }

 private:
  health::Health read(const health::EndpointForce& force, const health::HealthCell& cell) const noexcept;
  std::vector<bool> drained_;
  std::unordered_map<const health::EndpointForce*, health::Forced> forced_;  // every endpoint of the view
};

/// The clients of one steered record that its policy gives one region order: a map key's
/// clients, the default's, or everyone (failover, weighted, all).
struct ClientGroup {
  const zones::SteeredRecord* record;
  uint32_t decision;  // index into record->orders
  std::string label;  // "clients of DE, EU", "every client", "clients nearest: eu-west, us-east"
};
/// The map keys that give a record's clients `decision` ("EU", "NA, default", "10.0.0.0/8"),
/// or "nearest: a, b, c" for an order by distance: the compiled policy's own account.
std::string decisionKeys(const zones::View& view, const zones::SteeredRecord& rec, uint32_t decision);

/// Every group some client address can fall in, for every steered record of the view.
std::vector<ClientGroup> clientGroups(const zones::View& view);
/// The same for one zone of the view.
std::vector<ClientGroup> clientGroups(const zones::View& view, const zones::Zone& zone);

/// Where a group's answers come from.
struct Outcome {
  std::vector<std::string> regions;  // answering regions (weighted, all: each one that may)
  bool failOpen = false;             // no usable region: regions[0] answers with all its endpoints
  bool spill = false;                // the first region is down and clients spread by /24 or /48
  bool operator==(const Outcome&) const = default;
};
/// For one address family (IPv4 answers unless the pool has only IPv6 endpoints).
Outcome outcomeOf(const ClientGroup& group, const zones::View& view, const WhatIfHealth& health);

/// The groups without a usable region (they fail open) under `state`, health as it is now.
std::vector<ClientGroup> strandedGroups(const zones::View& view, const AdminState& state, int64_t now);
/// The same over `groups`, the view's clientGroups() made once (they depend on the view only).
std::vector<ClientGroup> strandedGroups(const zones::View& view, const std::vector<ClientGroup>& groups,
                                        const AdminState& state, int64_t now);
/// The same with the health under the overrides worked out already (one WhatIfHealth for
/// many calls: making one reads every endpoint of the view).
std::vector<ClientGroup> strandedGroups(const zones::View& view, const std::vector<ClientGroup>& groups,
                                        const WhatIfHealth& health);

/// The groups that would be left without a usable region (they fail open) under `state`:
/// "pay.example.test. (every client)".
std::vector<std::string> groupsWithoutRegion(const zones::View& view, const AdminState& state, int64_t now);

/// The groups `after` leaves without a usable region at `at` that `before` does not.
std::vector<std::string> newlyStrandedAt(const zones::View& view, const AdminState& before, const AdminState& after,
                                         int64_t at);

/// Where a change first leaves clients without a region over time: the overrides in force
/// change only when a window opens or closes, so `from` and each window's start and end
/// within [from, until) are the instants checked (every scheduled window, open or not yet).
struct StrandedOverTime {
  int64_t at = 0;                   // the first instant (meaningful when `groups` is not empty)
  std::vector<std::string> groups;  // newly without a usable region then; empty: never
};
StrandedOverTime newlyStranded(const zones::View& view, const AdminState& before, const AdminState& after, int64_t from,
                               int64_t until);

/// What judging the windows did to one of them (its index in the state's windows).
struct WindowVerdict {
  enum class Kind : uint8_t { Opened, Held, Released };
  size_t index;
  Kind kind;
};
/// The windows due at `now`, judged under the same rule as a change: each one whose start is in
/// (since, now] opens unless that would leave groups without a usable region that the rest of
/// `state` does not (then it is held: held, heldWhy, heldSince set); each held one opens once
/// that is safe. Windows opening at the same instant are judged in order, each with the ones
/// before it. Forced windows always open. Returns the windows opened, held or released.
std::vector<WindowVerdict> judgeWindows(const zones::View& view, AdminState& state, int64_t since, int64_t now);

/// The dry-run: each group whose answering regions change from `before` to `after`.
nlohmann::json predictedMoves(const zones::View& view, const AdminState& before, const AdminState& after,
                              int64_t when);

/// The regions that would answer `who` (the ECS address or the source) for `record` under
/// `state`, with `entropy` as the weighted policy's draw: what tests compare answers with.
Outcome predictFor(const zones::View& view, const AdminState& state, int64_t now, const zones::SteeredRecord& record,
                   const wire::Address& who, bool v6, uint32_t entropy);
/// The same with the health under `state` worked out once (for many clients).
Outcome predictFor(const zones::View& view, const WhatIfHealth& health, const zones::SteeredRecord& record,
                   const wire::Address& who, bool v6, uint32_t entropy);

}  // namespace lodestar::server
