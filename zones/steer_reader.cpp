// A record's `steer:` block: its options read into a SteeredRecord, its policy into the key the tree compiles from.
#include "zones/steer_reader.hpp"

#include "dns/wire/constants.hpp"

#include <algorithm>

#include "geo/area_map.hpp"
#include "zones/policy_compiler.hpp"
#include "zones/policy_key.hpp"

namespace lodestar::zones {

namespace {

using Order = std::vector<RegionId>;

// A list of region names, each known and with endpoints in the pool.
std::optional<Order> readOrder(yaml::YamlReader& yaml, const yaml::Node& node, const std::string& path, const Pool& pool,
                               LoadContext& ctx) {
  auto names = yaml.stringList(node, path);
  if (!names) return std::nullopt;
  if (names->empty()) {
    yaml.error(node, path, "an empty region list; name at least one region");
    return std::nullopt;
  }
  Order order;
  for (const auto& n : *names) {
    auto id = ctx.region(n);
    if (!id) {
      yaml.error(node, path, "unknown region '" + n + "' (known: " + ctx.regionNames() + ")");
      return std::nullopt;
    }
    if (!pool.members(*id)) {
      yaml.error(node, path, "region '" + n + "' has no endpoints in pool '" + pool.name + "'");
      return std::nullopt;
    }
    if (std::find(order.begin(), order.end(), *id) != order.end()) {
      yaml.error(node, path, "region '" + n + "' is listed twice");
      return std::nullopt;
    }
    order.push_back(*id);
  }
  return order;
}

// The options every policy shares, and those that belong to some only.
bool readOptions(yaml::YamlReader& yaml, const yaml::Node& steer, const std::string& path, SteeredRecord& rec) {
  auto number = [&](const char* key, uint64_t lo, uint64_t hi, auto& out) {
    if (!steer[key]) return true;
    auto v = yaml.integer(steer[key], yaml::keyPath(path, key), lo, hi);
    if (v) out = static_cast<std::remove_reference_t<decltype(out)>>(*v);
    return v.has_value();
  };
  auto ttl = [&](const char* key, uint32_t& out) {
    if (!steer[key]) return true;
    auto v = yaml.seconds(steer[key], yaml::keyPath(path, key), 0, wire::kMaxTtl);
    if (v) out = static_cast<uint32_t>(*v);
    return v.has_value();
  };
  bool ok = ttl("ttl", rec.ttl);
  rec.ttlDegraded = rec.ttl;
  ok = ttl("ttl_degraded", rec.ttlDegraded) && ok;
  if (ok && rec.ttlDegraded > rec.ttl) {
    yaml.error(steer["ttl_degraded"], yaml::keyPath(path, "ttl_degraded"),
               "ttl_degraded (" + std::to_string(rec.ttlDegraded) + ") is longer than ttl (" + std::to_string(rec.ttl) + ")");
    ok = false;
  }
  ok = number("min_healthy", 1, 1000, rec.minHealthy) && ok;
  ok = number("max_regions", 1, 8, rec.maxRegions) && ok;
  ok = number("spill", 1, 8, rec.spill) && ok;
  ok = number("max_answers", 1, 64, rec.maxAnswers) && ok;
  if (steer["all_down"]) {
    auto v = yaml.string(steer["all_down"], yaml::keyPath(path, "all_down"));
    if (v && *v == "fail_open") rec.allDown = AllDown::FailOpen;
    else if (v && *v == "nodata") rec.allDown = AllDown::NoData;
    else {
      if (v) yaml.error(steer["all_down"], yaml::keyPath(path, "all_down"), "expected fail_open or nodata, got '" + *v + "'");
      ok = false;
    }
  }
  // Options that mean nothing for this policy are mistakes, not silently ignored.
  auto only = [&](const char* key, std::initializer_list<PolicyKind> kinds) {
    if (!steer[key]) return;
    for (auto k : kinds)
      if (k == rec.policy) return;
    yaml.error(steer[key], yaml::keyPath(path, key), std::string("'") + key + "' does not apply to the " +
                                                    policyName(rec.policy) + " policy");
    ok = false;
  };
  using K = PolicyKind;
  only("map", {K::Geo, K::Nearest});
  only("spill", {K::Geo, K::Nearest});
  only("max_regions", {K::Geo, K::Nearest, K::Failover});
  only("order", {K::Failover});
  only("weights", {K::Weighted});
  only("max_answers", {K::All});
  if (rec.spill && rec.maxRegions > 1) {
    yaml.error(steer["spill"], yaml::keyPath(path, "spill"), "spill and max_regions > 1 do not combine");
    ok = false;
  }
  return ok;
}

// Every region of the pool must be able to meet min_healthy, or it could never be up.
bool checkMinHealthy(yaml::YamlReader& yaml, const yaml::Node& steer, const std::string& path, const SteeredRecord& rec,
                     LoadContext& ctx) {
  for (RegionId r : rec.pool->regions) {
    const PoolMembers& m = rec.pool->byRegion[r];
    size_t largest = m.cname.empty() ? std::max(m.ipv4.size(), m.ipv6.size()) : 1;
    if (largest < rec.minHealthy) {
      yaml.error(steer["min_healthy"], yaml::keyPath(path, "min_healthy"),
                 "min_healthy " + std::to_string(rec.minHealthy) + " but region '" + ctx.regions()[r].name +
                     "' of pool '" + rec.pool->name + "' has only " + std::to_string(largest) + " endpoint(s) per family");
      return false;
    }
  }
  return true;
}

bool readPolicyKind(yaml::YamlReader& yaml, const yaml::Node& steer, const std::string& path, SteeredRecord& rec) {
  if (!steer["policy"]) {
    yaml.error(steer, path, "missing key 'policy' (geo, nearest, failover, weighted or all)");
    return false;
  }
  auto policy = yaml.string(steer["policy"], yaml::keyPath(path, "policy"));
  if (!policy) return false;
  // The names are policyName()'s: one spelling for reading and printing.
  for (PolicyKind k : {PolicyKind::Geo, PolicyKind::Nearest, PolicyKind::Failover, PolicyKind::Weighted, PolicyKind::All})
    if (*policy == policyName(k)) {
      rec.policy = k;
      return true;
    }
  yaml.error(steer["policy"], yaml::keyPath(path, "policy"),
             "unknown policy '" + *policy + "' (geo, nearest, failover, weighted or all)");
  return false;
}

bool readPoolName(yaml::YamlReader& yaml, const yaml::Node& steer, const std::string& path,
                  const std::map<std::string, const Pool*>& pools, SteeredRecord& rec) {
  if (!steer["pool"]) {
    yaml.error(steer, path, "missing key 'pool' (the endpoints to steer between)");
    return false;
  }
  auto poolName = yaml.string(steer["pool"], yaml::keyPath(path, "pool"));
  if (!poolName) return false;
  auto pool = pools.find(*poolName);
  if (pool == pools.end()) {
    std::string known;
    for (const auto& [n, p] : pools) known += (known.empty() ? "" : ", ") + n;
    yaml.error(steer["pool"], yaml::keyPath(path, "pool"),
               "unknown pool '" + *poolName + "' (defined in this file: " + (known.empty() ? "none" : known) + ")");
    return false;
  }
  rec.pool = pool->second;
  return true;
}

// weighted: each region's share, by default its capacity in the pool.
bool readWeights(yaml::YamlReader& yaml, const yaml::Node& steer, const std::string& path, LoadContext& ctx,
                 SteeredRecord& rec) {
  rec.regionWeights.assign(ctx.regions().size(), 0);
  for (RegionId r : rec.pool->regions) rec.regionWeights[r] = rec.pool->byRegion[r].capacity;
  yaml::Node weights = steer["weights"];
  if (!weights) return true;
  std::string wPath = yaml::keyPath(path, "weights");
  if (!weights.isMap()) {
    yaml.error(weights, wPath, "expected a mapping of region names to weights");
    return false;
  }
  std::fill(rec.regionWeights.begin(), rec.regionWeights.end(), 0);
  for (auto it = weights.begin(); it != weights.end(); ++it) {
    std::string rPath = yaml::keyPath(wPath, it->first.scalar());
    auto id = ctx.region(it->first.scalar());
    if (!id || !rec.pool->members(*id)) {
      yaml.error(it->first, rPath, "region '" + it->first.scalar() + "' has no endpoints in pool '" + rec.pool->name + "'");
      return false;
    }
    auto w = yaml.integer(it->second, rPath, 1, 1'000'000);
    if (!w) {
      yaml.error(it->second, rPath, "weights are whole numbers of 1 or more");
      return false;
    }
    rec.regionWeights[*id] = static_cast<uint32_t>(*w);
  }
  return true;
}

// Where the map's area keys are written: an area (not a network) needs the geo database to
// match anything, and a key no network of it matches earns a warning.
struct AreaKeys {
  std::optional<yaml::Node> first;
  std::vector<std::pair<std::string, yaml::Node>> all;
};

// The map: networks and areas → region orders, and the default for clients the database
// does not place (and, for nearest, those without coordinates). Every key is checked here,
// so the compiler gets a valid one.
bool readMap(yaml::YamlReader& yaml, const yaml::Node& steer, const std::string& path, const SteeredRecord& rec,
             LoadContext& ctx, PolicyKey& key, AreaKeys& areaKeys) {
  std::string mapPath = yaml::keyPath(path, "map");
  yaml::Node map = steer["map"];
  if (map && !map.isMap()) {
    yaml.error(map, mapPath, "expected a mapping of areas or networks to lists of regions");
    return false;
  }
  if (map && map["default"]) {
    auto o = readOrder(yaml, map["default"], yaml::keyPath(mapPath, "default"), *rec.pool, ctx);
    if (!o) return false;
    key.fallback = *o;
  } else if (rec.policy == PolicyKind::Geo) {
    yaml.error(map, mapPath, "a geo map needs a 'default' order for clients no other key matches");
    return false;
  }
  bool ok = !map || yaml.uniqueKeys(map, mapPath);
  geo::AreaMap areas;  // checks each area key as the compiler will add it: spelling, duplicates
  for (auto it = map.begin(); map && it != map.end(); ++it) {
    std::string entry = it->first.scalar();
    if (entry == "default") continue;
    std::string entryPath = yaml::keyPath(mapPath, entry);
    auto order = readOrder(yaml, it->second, entryPath, *rec.pool, ctx);
    if (!order) {
      ok = false;
      continue;
    }
    key.map.push_back({entry, *order});
    if (entry.find('/') != std::string::npos) {
      if (!wire::Prefix::parse(entry)) {
        yaml.error(it->first, entryPath, "'" + entry + "' is not a network such as 192.0.2.0/24 (host bits must be zero)");
        ok = false;
      }
      continue;
    }
    std::string error;
    if (!areas.add(entry, 0, error)) {
      yaml.error(it->first, entryPath, error);
      ok = false;
    }
    if (!areaKeys.first) areaKeys.first.emplace(it->first);
    areaKeys.all.emplace_back(entry, it->first);
  }
  return ok;
}

// Area keys and distances need the geo database; without one every client would get the
// default order, silently.
bool lacksDatabase(yaml::YamlReader& yaml, const yaml::Node& steer, const std::string& path, const SteeredRecord& rec,
                   const LoadContext& ctx, const AreaKeys& areaKeys) {
  if (ctx.database() || (!areaKeys.first && rec.policy != PolicyKind::Nearest)) return false;
  const auto& first = areaKeys.first;
  yaml::Node where = first ? *first : steer["policy"];
  yaml.error(where, first ? yaml::keyPath(yaml::keyPath(path, "map"), first->scalar()) : yaml::keyPath(path, "policy"),
             std::string(first ? "an area key" : "policy nearest") +
                 " needs a geo database to place clients, and the main configuration has no geo.database: "
                 "every client would get the default order");
  return true;
}

// nearest measures distances to every region of the pool.
bool readCoordinates(yaml::YamlReader& yaml, const yaml::Node& steer, const std::string& path, const SteeredRecord& rec,
                     const LoadContext& ctx, PolicyKey& key) {
  for (RegionId r : rec.pool->regions) {
    const Region& region = ctx.regions()[r];
    if (!region.hasLocation) {
      yaml.error(steer["policy"], yaml::keyPath(path, "policy"),
                 "nearest needs coordinates for region '" + region.name + "' (regions." + region.name +
                     ".latitude / longitude)");
      return false;
    }
    key.coordinates.push_back({region.latitude, region.longitude});
  }
  return true;
}

// A key no network of the database matched (US-XX, or a country the database does not
// hold) can never be used. Warned once, when the tree compiles.
void warnUnmatched(yaml::YamlReader& yaml, const std::string& path, const LoadContext& ctx, const AreaKeys& areaKeys,
                   const CompiledPolicy& compiled) {
  if (!compiled.fresh) return;  // an identical policy came (and warned) earlier in this load
  for (const auto& [key, node] : areaKeys.all) {
    std::string plain = key.rfind("country:", 0) == 0 && !geo::isContinentCode(key.substr(8)) ? key.substr(8) : key;
    if (!compiled.matchedAreas || !compiled.matchedAreas->count(plain))
      yaml.warning(node, yaml::keyPath(yaml::keyPath(path, "map"), key),
                   "no network of the geo database " + ctx.database()->path() + " matches '" + key +
                       "': no client gets this order");
  }
}

}  // namespace

std::optional<SteeredRecord> readSteer(yaml::YamlReader& yaml, const yaml::Node& steer, const std::string& path,
                                       const std::string& ownerText, const std::map<std::string, const Pool*>& pools,
                                       LoadContext& ctx) {
  if (!yaml.expectMap(steer, path,
                      {"policy", "pool", "ttl", "ttl_degraded", "min_healthy", "all_down", "max_regions", "spill",
                       "max_answers", "map", "order", "weights"}))
    return std::nullopt;
  SteeredRecord rec;
  rec.name = ownerText;
  if (!readPolicyKind(yaml, steer, path, rec) || !readPoolName(yaml, steer, path, pools, rec)) return std::nullopt;
  if (!readOptions(yaml, steer, path, rec)) return std::nullopt;
  if (!checkMinHealthy(yaml, steer, path, rec, ctx)) return std::nullopt;
  if (rec.policy == PolicyKind::Geo && (!steer["map"] || !steer["map"].isMap())) {
    yaml.error(steer, path, "a geo policy needs 'map': area or network → list of regions, and a default");
    return std::nullopt;
  }

  // The key holds all the tree is compiled from; the record keeps what is read per answer.
  PolicyKey key;
  key.kind = rec.policy;
  key.fallback = rec.pool->regions;  // every region of the pool, unless the record names an order
  if (rec.policy == PolicyKind::Failover && steer["order"]) {
    auto o = readOrder(yaml, steer["order"], yaml::keyPath(path, "order"), *rec.pool, ctx);
    if (!o) return std::nullopt;
    key.fallback = *o;
  }
  if (rec.policy == PolicyKind::Weighted && !readWeights(yaml, steer, path, ctx, rec)) return std::nullopt;
  AreaKeys areaKeys;
  if (rec.policy == PolicyKind::Geo || rec.policy == PolicyKind::Nearest) {
    key.poolRegions = rec.pool->regions;
    if (!readMap(yaml, steer, path, rec, ctx, key, areaKeys)) return std::nullopt;
    if (rec.policy == PolicyKind::Nearest && !readCoordinates(yaml, steer, path, rec, ctx, key)) return std::nullopt;
    if (lacksDatabase(yaml, steer, path, rec, ctx, areaKeys)) return std::nullopt;
  }

  CompiledPolicy compiled;
  std::string error;
  if (!compilePolicy(key, ctx, compiled, error)) {
    yaml.error(steer, path, error);
    return std::nullopt;
  }
  rec.tree = compiled.tree;
  rec.orders = compiled.orders;
  rec.areas = compiled.areas;
  rec.customNetworks = std::move(compiled.customNetworks);
  warnUnmatched(yaml, path, ctx, areaKeys, compiled);
  return rec;
}

}  // namespace lodestar::zones
