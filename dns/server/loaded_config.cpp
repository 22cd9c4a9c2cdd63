// Loads config, database and zones in that order; any error stops before anything is used.
#include "dns/server/loaded_config.hpp"

#include <algorithm>
#include <ctime>

#include "dns/dnssec/zone_signer.hpp"

#include "dns/wire/content_digest.hpp"
#include "dns/wire/duration.hpp"
#include "zones/view_loader.hpp"

namespace lodestar::server {

namespace {

std::optional<LoadedConfig> load(const std::string& configPath, const zones::View* previous,
                                 yaml::Diagnostics& diags, health::Registry* registry) {
  auto config = lodestar::config::loadServerConfig(configPath, diags);
  if (!config) return std::nullopt;
  std::shared_ptr<const geo::Database> db;
  if (!config->geoDatabase.empty()) {
    std::string error;
    db = geo::Database::open(config->geoDatabase, error);
    if (!db) {
      diags.error(config->geoDatabaseWhere, "geo.database: " + error);
      return std::nullopt;
    }
  }
  auto loaded = zones::loadViewAndAdmin(config->zonePaths, db, diags, registry, previous);
  if (!loaded.view) return std::nullopt;
  // Zones with a `dnssec:` policy are signed before any worker sees them (kept zones were).
  if (!dnssec::signView(*loaded.view, static_cast<uint32_t>(std::time(nullptr)), diags)) return std::nullopt;
  // What this node serves, comparable across nodes: the zone files' bytes (wherever they
  // live) and the geo database's, not the main configuration (each node names itself there).
  std::vector<uint64_t> files;
  for (const auto& [path, digest] : diags.sources())
    if (path != configPath) files.push_back(digest);
  std::sort(files.begin(), files.end());
  wire::ContentDigest content;
  for (uint64_t f : files) content.add(f);
  if (db) content.add(db->digest());
  return LoadedConfig{std::move(*config), std::move(loaded.view), std::move(loaded.admin), content.hex(),
                      loaded.compiled, loaded.kept};
}

}  // namespace

std::optional<LoadedConfig> loadConfiguration(const std::string& configPath, const zones::View* previous,
                                              yaml::Diagnostics& diags, health::Registry* registry) {
  // Loading must never throw past here: a start fails with a message, a reload keeps serving.
  try {
    return load(configPath, previous, diags, registry);
  } catch (const std::exception& e) {
    diags.error({configPath, 0, 0}, std::string("cannot load the configuration: ") + e.what());
  }
  return std::nullopt;
}

namespace {
std::string headline(const zones::View& view) {
  size_t names = 0;
  for (const auto& z : view.zones()) names += z->nodeCount();
  std::string out = std::to_string(view.zones().size()) + " zone(s), " + std::to_string(names) + " name(s)";
  if (const auto* db = view.database()) out += ", geo database " + db->path() + " (" + db->description() + ")";
  return out + "\n";
}
}  // namespace

std::string describeView(const zones::View& view) {
  std::string out = headline(view);
  for (const auto& zone : view.zones()) {
    for (const auto& s : zone->steered()) {
      out += "  " + s->name + " steered by " + zones::policyName(s->policy) + " over pool " + s->pool->name +
             ", TTL " + std::to_string(s->ttl) + "s, " + std::to_string(s->tree->nodeCount()) + " tree nodes, " +
             std::to_string(s->orders->size()) + " region orders\n";
      if (const auto& check = s->pool->check) {
        auto w = check->worstCaseWithdrawal();
        using wire::formatDuration;
        out += "    withdrawal of a hung endpoint <= " + formatDuration(w) + " (check " + check->name + ": interval " +
               formatDuration(check->interval) + ", timeout " + formatDuration(check->timeout) + ", fall " +
               std::to_string(check->fall) + ", recheck " + formatDuration(check->recheck) + ") against TTL " +
               formatDuration(std::chrono::seconds(s->ttl)) + "\n";
        if (w > std::chrono::seconds(s->ttl))
          out += "    warning: withdrawal can take longer than one TTL; caches may hold a failed region's answer\n";
      } else {
        out += "    not health-checked: endpoints count as up unless forced down\n";
      }
    }
  }
  return out;
}

std::string describeCompiled(const LoadedConfig& loaded) {
  return std::to_string(loaded.compiled) + " zone policy file(s) compiled, " + std::to_string(loaded.kept) +
         " unchanged and kept";
}

std::string describeReload(const LoadedConfig& loaded) {
  std::string out = headline(*loaded.view);
  out += describeCompiled(loaded) + "\n";
  constexpr size_t kNamed = 20;
  size_t slow = 0;
  std::string named;
  for (const auto& zone : loaded.view->zones())
    for (const auto& s : zone->steered()) {
      const auto& check = s->pool->check;
      if (!check || check->worstCaseWithdrawal() <= std::chrono::seconds(s->ttl)) continue;
      if (++slow <= kNamed)
        named += "  " + s->name + ": withdrawal of a hung endpoint <= " +
                 wire::formatDuration(check->worstCaseWithdrawal()) + " against TTL " +
                 wire::formatDuration(std::chrono::seconds(s->ttl)) + "\n";
    }
  if (slow > 0) {
    out += "warning: " + std::to_string(slow) + " steered record(s) can keep a failed region's answer in caches "
           "(withdrawal longer than one TTL):\n" + named;
    if (slow > kNamed) out += "  and " + std::to_string(slow - kNamed) + " more ('lodestar --check' lists them all)\n";
  }
  return out;
}

}  // namespace lodestar::server
