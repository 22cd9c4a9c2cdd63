// Persistence and application of operator overrides.
#include "dns/server/admin_state.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "dns/control/history_entry.hpp"
#include "dns/control/json_fields.hpp"

namespace lodestar::server {

namespace {
const char* kFile = "admin-state.json";

bool writeAll(int fd, const std::string& data) {
  size_t at = 0;
  while (at < data.size()) {
    ssize_t n = write(fd, data.data() + at, data.size() - at);
    if (n <= 0) return false;
    at += static_cast<size_t>(n);
  }
  return true;
}
}  // namespace

std::map<std::string, AdminState::Drain> AdminState::effectiveDrains(int64_t now) const {
  auto out = drained;
  for (const auto& w : windows)
    if (w.openAt(now)) out.emplace(w.region, Drain{"maintenance window: " + w.reason, w.uid, w.start});
  return out;
}

bool AdminState::expireWindows(int64_t now) {
  size_t before = windows.size();
  windows.erase(std::remove_if(windows.begin(), windows.end(), [now](const Window& w) { return w.end <= now; }),
                windows.end());
  return windows.size() != before;
}

int64_t AdminState::nextWindowEdge(int64_t now) const noexcept {
  int64_t next = 0;
  for (const auto& w : windows)
    for (int64_t edge : {w.start, w.end})
      if (edge > now && (next == 0 || edge < next)) next = edge;
  return next;
}

int64_t unixNow() noexcept {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  return static_cast<int64_t>(t.tv_sec);
}

AdminState::WindowStep AdminState::stepWindows(int64_t now) {
  WindowStep step;
  auto before = effectiveDrains(now - 1);
  step.expired = expireWindows(now);
  auto after = effectiveDrains(now);
  step.changed = step.expired || before.size() != after.size();
  for (const auto& [region, d] : after) {
    step.changed = step.changed || !before.count(region);
    step.drained.push_back(region);
  }
  return step;
}

nlohmann::json AdminState::toJson() const {
  nlohmann::json j = {{"version", 1},
                      {"drained", nlohmann::json::object()},
                      {"forced", nlohmann::json::object()},
                      {"windows", nlohmann::json::array()}};
  for (const auto& [region, d] : drained) j["drained"][region] = {{"reason", d.reason}, {"uid", d.uid}, {"since", d.since}};
  for (const auto& [target, state] : forced) j["forced"][target.text()] = state == health::Forced::Up ? "up" : "down";
  for (const auto& [target, n] : forceNotes)
    if (forced.count(target))
      j["force_notes"][target.text()] = {{"reason", n.reason}, {"uid", n.uid}, {"since", n.since}};
  for (const auto& w : windows) {
    nlohmann::json window = {{"region", w.region}, {"reason", w.reason}, {"uid", w.uid}, {"start", w.start}, {"end", w.end}};
    if (w.force) window["force"] = true;
    if (w.held) window["held"] = {{"because", w.heldWhy}, {"since", w.heldSince}};
    j["windows"].push_back(std::move(window));
  }
  return j;
}

std::optional<AdminState> AdminState::fromJson(const nlohmann::json& j, std::vector<std::string>& dropped,
                                               std::string& error) {
  if (!j.is_object()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  // A newer daemon's file: read what this one understands, keep the rest aside.
  int64_t version = 0;
  if (!control::JsonFields(j).integer("version", version, true).ok() || version < 1) {
    error = "no version number";
    return std::nullopt;
  }
  if (version > 1)
    dropped.push_back("the file is version " + std::to_string(version) + ", newer than this daemon's 1: entries it "
                      "does not understand are skipped");
  AdminState s;
  auto section = [&](const char* key, bool array) -> const nlohmann::json* {
    if (!j.contains(key)) return nullptr;
    const auto& v = j[key];
    if (array ? v.is_array() : v.is_object()) return &v;
    dropped.push_back(std::string(key) + ": not a " + (array ? "list" : "mapping") + "; all of it skipped");
    return nullptr;
  };
  // Who, when and why (a drain, a force note): each field by type, the reason required.
  auto note = [](const nlohmann::json& v, Drain& d) {
    control::JsonFields f(v);
    f.text("reason", d.reason, true).unsigned32("uid", d.uid).integer("since", d.since);
    return f.error();
  };
  if (const auto* drained = section("drained", false))
    for (const auto& [region, d] : drained->items()) {
      Drain drain;
      if (auto why = note(d, drain); !why.empty()) {
        dropped.push_back("drain of " + region + ": malformed (" + why + ")");
        continue;
      }
      s.drained[region] = std::move(drain);
    }
  if (const auto* forced = section("forced", false))
    for (const auto& [target, state] : forced->items()) {
      if (!state.is_string() || (state != "up" && state != "down")) {
        dropped.push_back("forced state of " + target + ": " + state.dump() + " is not \"up\" or \"down\"");
        continue;
      }
      s.forced[ForceTarget::parse(target)] = state == "up" ? health::Forced::Up : health::Forced::Down;
    }
  if (const auto* notes = section("force_notes", false))
    for (const auto& [target, n] : notes->items()) {
      Drain forceNote;
      if (auto why = note(n, forceNote); !why.empty()) {
        dropped.push_back("force note of " + target + ": malformed (" + why + ")");
        continue;
      }
      s.forceNotes[ForceTarget::parse(target)] = std::move(forceNote);
    }
  if (const auto* windows = section("windows", true))
    for (const auto& w : *windows) {
      Window window;
      control::JsonFields f(w);
      f.text("region", window.region, true)
          .integer("start", window.start, true)
          .integer("end", window.end, true)
          .text("reason", window.reason)
          .unsigned32("uid", window.uid)
          .flag("force", window.force);
      if (const auto* held = f.object("held")) {
        window.held = true;
        control::JsonFields h(*held, "held");
        h.text("because", window.heldWhy).integer("since", window.heldSince);
        if (!h.ok()) f.fail(h.error());
      }
      if (!f.ok()) {
        dropped.push_back("maintenance window: malformed (" + f.error() + ")");
        continue;
      }
      s.windows.push_back(std::move(window));
    }
  return s;
}

std::optional<AdminState> AdminState::parse(std::string_view text, std::vector<std::string>& dropped,
                                            std::string& error) {
  auto j = control::parseObject(text, error);
  return j ? fromJson(*j, dropped, error) : std::nullopt;
}

std::string adminStateText(const AdminState& state) { return state.toJson().dump(2) + "\n"; }

bool saveAdminState(const std::string& stateDir, const AdminState& state, std::string& error, const char* fileName) {
  std::error_code ec;
  std::filesystem::create_directories(stateDir, ec);
  std::string path = stateDir + "/" + (fileName ? fileName : kFile);
  std::string temp = path + ".tmp";
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    error = "cannot write " + temp + ": " + std::strerror(errno);
    return false;
  }
  bool ok = writeAll(fd, adminStateText(state)) && fsync(fd) == 0;
  close(fd);
  if (!ok || rename(temp.c_str(), path.c_str()) != 0) {
    error = "cannot save " + path + ": " + std::strerror(errno);
    unlink(temp.c_str());  // a full disk leaves no half-written file behind; the old one stands
    return false;
  }
  // The rename itself must reach the disk before we say it is saved.
  int dir = open(stateDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return true;
}

std::string readAdminStateFile(const std::string& stateDir) {
  std::ifstream in(stateDir + "/" + kFile, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string keepDamagedAdminState(const std::string& stateDir) {
  std::string path = stateDir + "/" + kFile;
  std::string aside = path + ".damaged-" + std::to_string(std::time(nullptr));
  std::error_code ec;
  std::filesystem::copy_file(path, aside, std::filesystem::copy_options::overwrite_existing, ec);
  return ec ? "(could not be copied: " + ec.message() + ")" : aside;
}

LoadedAdminState loadAdminState(const std::string& stateDir) {
  LoadedAdminState out;
  std::string path = stateDir + "/" + kFile;
  if (access(path.c_str(), F_OK) != 0) return out;
  std::string error;
  std::optional<AdminState> s = AdminState::parse(readAdminStateFile(stateDir), out.dropped, error);
  if (!s) out.dropped.insert(out.dropped.begin(), "the whole file: " + error);
  if (s) out.state = std::move(*s);
  out.damaged = !out.dropped.empty();
  out.message = "restored " + std::to_string(out.state.drained.size()) + " drain(s), " +
                std::to_string(out.state.forced.size()) + " forced state(s) and " +
                std::to_string(out.state.windows.size()) + " maintenance window(s) from " + path;
  if (out.damaged) {
    // Never guess at a damaged entry: keep the file for a person to read, use the rest.
    out.message += "; " + std::to_string(out.dropped.size()) + " problem(s), the file is kept as " +
                   keepDamagedAdminState(stateDir) + ":";
    for (const auto& d : out.dropped) out.message += " [" + d + "]";
  }
  return out;
}

ForceTarget ForceTarget::parse(const std::string& text) {
  if (auto a = wire::Address::parse(text)) return ofEndpoint(*a);
  if (auto slash = text.find('/'); slash != std::string::npos) return ofPool(text.substr(0, slash), text.substr(slash + 1));
  return ofRegion(text);
}

std::string ForceTarget::text() const {
  switch (kind) {
    case Kind::Endpoint: return address.toString();
    case Kind::Pool: return region + "/" + pool;
    case Kind::Region: break;
  }
  return region;
}

bool ForceTarget::operator<(const ForceTarget& o) const noexcept {
  return std::tie(kind, region, pool, address.family, address.bytes) <
         std::tie(o.kind, o.region, o.pool, o.address.family, o.address.bytes);
}

std::optional<AppliedForce> forceFor(const AdminState& state, const wire::Address* address, const std::string& region,
                                     const std::string& pool) {
  if (state.forced.empty()) return std::nullopt;
  auto find = [&](const ForceTarget& t) -> std::optional<AppliedForce> {
    auto it = state.forced.find(t);
    if (it == state.forced.end()) return std::nullopt;
    return AppliedForce{it->second, it->first};
  };
  if (address)
    if (auto f = find(ForceTarget::ofEndpoint(*address))) return f;
  if (auto f = find(ForceTarget::ofPool(region, pool))) return f;
  return find(ForceTarget::ofRegion(region));
}

void forEachForced(const AdminState& state, const zones::View& view,
                   const std::function<void(const zones::EndpointInView&, health::Forced)>& apply) {
  zones::forEachEndpoint(view, [&](const zones::EndpointInView& at) {
    auto force = forceFor(state, at.endpoint ? &at.endpoint->address : nullptr, view.regions()[at.region].name,
                          at.pool.name);
    apply(at, force ? force->state : health::Forced::Auto);
  });
}

void applyAdminState(const AdminState& state, const zones::View& view, zones::AdminCells& cells, int64_t now) {
  // Only through the table the view was built with: another one would leave it unchanged.
  if (view.adminCells() != &cells) throw std::invalid_argument("applyAdminState: not this view's admin table");
  auto drains = state.effectiveDrains(now);
  for (size_t r = 0; r < view.regions().size(); ++r)
    cells.region(static_cast<zones::RegionId>(r))
        .drained.store(drains.count(view.regions()[r].name) > 0, std::memory_order_relaxed);
  forEachForced(state, view, [&cells](const zones::EndpointInView& at, health::Forced f) {
    if (at.id != zones::kNoEndpoint) cells.force(at.id).forced.store(f);
  });
}

bool knownTarget(const zones::View& view, const std::string& target, std::string& error) {
  std::string regions;
  for (const auto& r : view.regions()) {
    if (r.name == target) return true;
    regions += (regions.empty() ? "" : ", ") + r.name;
  }
  const ForceTarget t = ForceTarget::parse(target);
  bool found = false;
  zones::forEachEndpoint(view, [&](const zones::EndpointInView& at) {
    found = found || (t.kind == ForceTarget::Kind::Pool && t.region == view.regions()[at.region].name && t.pool == at.pool.name) ||
            (t.kind == ForceTarget::Kind::Endpoint && at.endpoint && at.endpoint->address == t.address);
  });
  if (found) return true;
  error = "unknown target '" + target + "' (a region: " + (regions.empty() ? "none defined" : regions) +
          "; or REGION/POOL; or an endpoint address)";
  return false;
}

void appendAudit(const std::string& stateDir, const nlohmann::json& entry) {
  std::ofstream out(stateDir + "/audit.log", std::ios::app);
  out << entry.dump() << "\n";
}

nlohmann::json localHistory(const std::string& stateDir, size_t limit) {
  std::ifstream in(stateDir + "/audit.log");
  std::vector<nlohmann::json> all;
  for (std::string line; std::getline(in, line);) {
    std::string error;  // a line that is not an entry (a torn write, a hand edit) is left out
    if (auto e = control::parseHistoryEntry(line, error)) all.push_back(e->toJson());
  }
  nlohmann::json out = nlohmann::json::array();
  for (auto it = all.rbegin(); it != all.rend() && out.size() < limit; ++it) out.push_back(*it);
  return out;
}

}  // namespace lodestar::server
