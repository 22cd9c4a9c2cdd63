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

namespace lodestar::dns {

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
    if (now >= w.start && now < w.end) out.emplace(w.region, Drain{"maintenance window: " + w.reason, w.uid, w.start});
  return out;
}

bool AdminState::expireWindows(int64_t now) {
  size_t before = windows.size();
  windows.erase(std::remove_if(windows.begin(), windows.end(), [now](const Window& w) { return w.end <= now; }),
                windows.end());
  return windows.size() != before;
}

nlohmann::json AdminState::toJson() const {
  nlohmann::json j = {{"version", 1},
                      {"drained", nlohmann::json::object()},
                      {"forced", nlohmann::json::object()},
                      {"windows", nlohmann::json::array()}};
  for (const auto& [region, d] : drained) j["drained"][region] = {{"reason", d.reason}, {"uid", d.uid}, {"since", d.since}};
  for (const auto& [target, state] : forced) j["forced"][target] = state;
  for (const auto& w : windows)
    j["windows"].push_back({{"region", w.region}, {"reason", w.reason}, {"uid", w.uid}, {"start", w.start}, {"end", w.end}});
  return j;
}

std::optional<AdminState> AdminState::fromJson(const nlohmann::json& j, std::string& error) {
  AdminState s;
  if (!j.is_object() || j.value("version", 0) != 1 || !j.contains("drained") || !j["drained"].is_object() ||
      !j.contains("forced") || !j["forced"].is_object()) {
    error = "not a version 1 admin state";
    return std::nullopt;
  }
  for (const auto& [region, d] : j["drained"].items()) {
    if (!d.is_object() || !d.contains("reason") || !d["reason"].is_string()) {
      error = "bad drain entry for " + region;
      return std::nullopt;
    }
    s.drained[region] = {d["reason"].get<std::string>(), d.value("uid", 0u), d.value("since", int64_t(0))};
  }
  for (const auto& [target, state] : j["forced"].items()) {
    if (!state.is_string() || (state != "up" && state != "down")) {
      error = "bad forced state for " + target;
      return std::nullopt;
    }
    s.forced[target] = state.get<std::string>();
  }
  if (j.contains("windows")) {
    if (!j["windows"].is_array()) {
      error = "windows is not a list";
      return std::nullopt;
    }
    for (const auto& w : j["windows"]) {
      if (!w.is_object() || !w.contains("region") || !w["region"].is_string() || !w.contains("start") ||
          !w.contains("end") || !w["start"].is_number_integer() || !w["end"].is_number_integer()) {
        error = "bad maintenance window";
        return std::nullopt;
      }
      s.windows.push_back({w["region"].get<std::string>(), w.value("reason", std::string()), w.value("uid", 0u),
                           w["start"].get<int64_t>(), w["end"].get<int64_t>()});
    }
  }
  return s;
}

bool saveAdminState(const std::string& stateDir, const AdminState& state, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(stateDir, ec);
  std::string path = stateDir + "/" + kFile;
  std::string temp = path + ".tmp";
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    error = "cannot write " + temp + ": " + std::strerror(errno);
    return false;
  }
  bool ok = writeAll(fd, state.toJson().dump(2) + "\n") && fsync(fd) == 0;
  close(fd);
  if (!ok || rename(temp.c_str(), path.c_str()) != 0) {
    error = "cannot save " + path + ": " + std::strerror(errno);
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

AdminState loadAdminState(const std::string& stateDir, std::string& message) {
  std::string path = stateDir + "/" + kFile;
  std::ifstream in(path);
  if (!in) return {};
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str(), nullptr, false);
  std::string error = "not JSON";
  if (!j.is_discarded()) {
    if (auto s = AdminState::fromJson(j, error)) {
      message = "restored " + std::to_string(s->drained.size()) + " drain(s) and " + std::to_string(s->forced.size()) +
                " forced state(s) from " + path;
      return *s;
    }
  }
  // Never guess at a damaged file: keep it for a person to read, and start with none.
  std::string aside = path + ".corrupt-" + std::to_string(std::time(nullptr));
  std::rename(path.c_str(), aside.c_str());
  message = path + " is corrupt (" + error + "); moved to " + aside + "; starting with no override";
  return {};
}

void applyAdminState(const AdminState& state, const zones::View& view, int64_t now) {
  auto drains = state.effectiveDrains(now);
  for (size_t r = 0; r < view.regions().size(); ++r)
    view.regionAdmin(static_cast<zones::RegionId>(r))
        .drained.store(drains.count(view.regions()[r].name) > 0, std::memory_order_relaxed);
  auto forcedFor = [&](const std::vector<std::string>& targets) {
    for (const auto& t : targets) {
      auto it = state.forced.find(t);
      if (it != state.forced.end()) return it->second == "up" ? health::Forced::Up : health::Forced::Down;
    }
    return health::Forced::Auto;
  };
  for (const auto& zone : view.zones())
    for (const auto& pool : zone->pools())
      for (zones::RegionId r : pool->regions) {
        const std::string& region = view.regions()[r].name;
        const auto& m = pool->byRegion[r];
        for (const auto* list : {&m.ipv4, &m.ipv6})
          for (const auto& e : *list)
            e.state->forced.store(forcedFor({e.address.toString(), region + "/" + pool->name, region}));
        if (m.cnameState) m.cnameState->forced.store(forcedFor({region + "/" + pool->name, region}));
      }
}

bool knownTarget(const zones::View& view, const std::string& target, std::string& error) {
  std::string regions;
  for (const auto& r : view.regions()) {
    if (r.name == target) return true;
    regions += (regions.empty() ? "" : ", ") + r.name;
  }
  for (const auto& zone : view.zones())
    for (const auto& pool : zone->pools())
      for (zones::RegionId r : pool->regions) {
        if (target == view.regions()[r].name + "/" + pool->name) return true;
        for (const auto* list : {&pool->byRegion[r].ipv4, &pool->byRegion[r].ipv6})
          for (const auto& e : *list)
            if (e.address.toString() == target) return true;
      }
  error = "unknown target '" + target + "' (a region: " + (regions.empty() ? "none defined" : regions) +
          "; or REGION/POOL; or an endpoint address)";
  return false;
}

std::vector<std::string> recordsWithoutRegion(const zones::View& view, const AdminState& state, int64_t now) {
  auto drains = state.effectiveDrains(now);
  std::vector<std::string> out;
  for (const auto& zone : view.zones())
    for (const auto& rec : zone->steered()) {
      bool any = false;
      for (zones::RegionId r : rec->pool->regions) {
        if (drains.count(view.regions()[r].name)) continue;
        const auto& m = rec->pool->byRegion[r];
        if (!m.cname.empty()) any = any || m.cnameState->up();
        for (const auto* list : {&m.ipv4, &m.ipv6})
          for (const auto& e : *list) any = any || e.up();
      }
      if (!any) out.push_back(rec->name);
    }
  return out;
}

void appendAudit(const std::string& stateDir, const nlohmann::json& entry) {
  std::ofstream out(stateDir + "/audit.log", std::ios::app);
  out << entry.dump() << "\n";
}

}  // namespace lodestar::dns
