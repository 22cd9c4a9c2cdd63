// Operator overrides (drains and forced states), how they persist across restarts, and how
// they are applied to a view. The observed health is never touched: `auto` restores it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/wire/address.hpp"
#include "health/state/health_cell.hpp"
#include "zones/view.hpp"

namespace lodestar::server {

/// What a force names, parsed once from the operator's text: a whole region, one pool of a
/// region, or one endpoint address. Overrides are matched by these fields, never by strings
/// built per endpoint. Names, not view ids, so an override outlives a reload that renumbers.
struct ForceTarget {
  enum class Kind : uint8_t { Endpoint, Pool, Region };  // most specific first
  Kind kind = Kind::Region;
  std::string region, pool;  // Region: region; Pool: both; Endpoint: neither
  wire::Address address;     // Endpoint only

  static ForceTarget ofRegion(std::string region) { return {Kind::Region, std::move(region), {}, {}}; }
  static ForceTarget ofPool(std::string region, std::string pool) {
    return {Kind::Pool, std::move(region), std::move(pool), {}};
  }
  static ForceTarget ofEndpoint(const wire::Address& address) { return {Kind::Endpoint, {}, {}, address}; }
  /// "REGION", "REGION/POOL" or an address (as lodestarctl and the state file write them).
  static ForceTarget parse(const std::string& text);
  std::string text() const;
  bool operator<(const ForceTarget& o) const noexcept;
  bool operator==(const ForceTarget& o) const noexcept = default;
};

struct AdminState {
  struct Drain {
    std::string reason;
    uint32_t uid = 0;
    int64_t since = 0;  // unix time
  };
  std::map<std::string, Drain> drained;        // region name →
  std::map<ForceTarget, health::Forced> forced;  // Up or Down (Auto is the absence of an entry)
  std::map<ForceTarget, Drain> forceNotes;       // who forced a target, when and why (for status)
  /// Maintenance windows the daemon starts and ends itself: the region is drained in [start, end),
  /// unless the window is held.
  struct Window {
    std::string region, reason;
    uint32_t uid = 0;
    int64_t start = 0, end = 0;  // unix time
    bool force = false;          // made with --force: opens whatever it leaves without a region
    /// Due but held shut: opening it would leave records with no region (admin_rules.hpp,
    /// judgeWindows); it opens when that is safe.
    bool held = false;
    std::string heldWhy{};  // the groups it would leave: "pay.shop.test. (every client)"
    int64_t heldSince = 0;

    bool openAt(int64_t now) const noexcept { return !held && start <= now && now < end; }
    /// The same window (as scheduled), whatever became of it since.
    bool sameAs(const Window& o) const noexcept {
      return region == o.region && start == o.start && end == o.end && uid == o.uid && reason == o.reason;
    }
  };
  std::vector<Window> windows;

  /// The drains in effect at `now`: explicit ones plus open windows (not held ones).
  std::map<std::string, Drain> effectiveDrains(int64_t now) const;
  /// Drops windows that ended before `now`; true when any did.
  bool expireWindows(int64_t now);
  /// The next instant after `now` at which a window starts or ends (what drains may change
  /// then); 0 when no window has one.
  int64_t nextWindowEdge(int64_t now) const noexcept;

  /// What a second's passing did to the maintenance windows (the daemon calls this once a
  /// second): windows that opened or closed change the drains in effect.
  struct WindowStep {
    bool changed = false;              // the drains in effect differ from a second ago
    bool expired = false;              // windows ended and were dropped: the state must be saved
    std::vector<std::string> drained;  // the regions drained now (explicitly or by a window)
  };
  WindowStep stepWindows(int64_t now);

  nlohmann::json toJson() const;
  /// Every well-formed entry of `j`; each entry that is not is named in `dropped` with the
  /// reason. nullopt (with `error`) only when `j` is not an admin state at all.
  static std::optional<AdminState> fromJson(const nlohmann::json& j, std::vector<std::string>& dropped,
                                            std::string& error);
  /// The same from the document's text (an admin-state.json, or etcd's P/admin value).
  static std::optional<AdminState> parse(std::string_view text, std::vector<std::string>& dropped,
                                         std::string& error);
};

/// The wall clock in unix seconds, read exactly: windows turn on the second's edge, and
/// time() (the kernel's coarse clock) may still say the second before for a few ms after it.
int64_t unixNow() noexcept;

/// Writes `state_dir/admin-state.json` (or `fileName`) atomically: temp file, fsync, rename,
/// fsync the folder.
bool saveAdminState(const std::string& stateDir, const AdminState& state, std::string& error,
                    const char* fileName = nullptr);

/// What was read from state_dir at start.
struct LoadedAdminState {
  AdminState state;
  std::string message;                // for the log
  std::vector<std::string> dropped;   // entries that could not be used, each with its reason
  bool damaged = false;               // the file was not all good: kept aside, to be rewritten
};

/// Reads the persisted state. A missing file is no override. A damaged one keeps every
/// valid entry; the file is copied aside (admin-state.json.damaged-TIME) for a person.
LoadedAdminState loadAdminState(const std::string& stateDir);

/// The file as saveAdminState() writes `state`: to notice changes made behind our back.
std::string adminStateText(const AdminState& state);
/// The persisted file's bytes ("" when missing or unreadable).
std::string readAdminStateFile(const std::string& stateDir);
/// Copies the persisted file aside as admin-state.json.damaged-TIME; returns that path.
std::string keepDamagedAdminState(const std::string& stateDir);

/// Sets the view's region drains and every endpoint's forced state from `state` (the most
/// specific target wins: address > REGION/POOL > REGION), written into `cells`: the writable
/// handle of the table the view reads (the loader's LoadedView::admin). The view itself is
/// only read. Throws std::invalid_argument when `cells` is not the view's table.
void applyAdminState(const AdminState& state, const zones::View& view, zones::AdminCells& cells, int64_t now);
/// The override for an endpoint at `address` (nullptr for a CNAME region's target) of `pool`
/// in `region`: the most specific target wins (address > REGION/POOL > REGION).
struct AppliedForce {
  health::Forced state;  // Up or Down
  ForceTarget target;    // the override that applies
};
std::optional<AppliedForce> forceFor(const AdminState& state, const wire::Address* address, const std::string& region,
                                     const std::string& pool);

/// The forced state `state` gives each endpoint of the view (an address of one pool in one
/// region, or a CNAME region's target), for applying and for what-ifs.
void forEachForced(const AdminState& state, const zones::View& view,
                   const std::function<void(const zones::EndpointInView&, health::Forced)>& apply);

/// Does `target` name a region, a REGION/POOL or an endpoint address of the view? If not,
/// `error` says what exists.
bool knownTarget(const zones::View& view, const std::string& target, std::string& error);

/// Appends one JSON line to state_dir/audit.log.
void appendAudit(const std::string& stateDir, const nlohmann::json& entry);
/// The newest `limit` entries of state_dir/audit.log, newest first (a node alone's history).
nlohmann::json localHistory(const std::string& stateDir, size_t limit);

}  // namespace lodestar::server
