// Steering configuration: names become ids, maps become decision trees, at load time.
#include "zones/steering_loader.hpp"

#include <algorithm>

#include "geo/area_map.hpp"

namespace lodestar::zones {

namespace {

constexpr uint32_t kMaxTtl = 0x7FFFFFFF;

using Order = std::vector<RegionId>;

std::string orderSignature(const Order& o) {
  std::string s;
  for (RegionId r : o) s += std::to_string(r) + ",";
  return s;
}

// A list of region names, each known and with endpoints in the pool.
std::optional<Order> readOrder(YamlReader& yaml, const YAML::Node& node, const std::string& path, const Pool& pool,
                               SteeringContext& ctx) {
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

// Every region of the pool, as the file lists them: the default when a record names none.
Order poolOrder(const Pool& pool) { return pool.regions; }

class Interner {
 public:
  uint32_t intern(const Order& o) {
    auto [it, fresh] = ids_.try_emplace(o, static_cast<uint32_t>(orders_->size()));
    if (fresh) orders_->push_back(o);
    return it->second;
  }
  std::shared_ptr<std::vector<Order>> orders() const { return orders_; }

 private:
  std::map<Order, uint32_t> ids_;
  std::shared_ptr<std::vector<Order>> orders_ = std::make_shared<std::vector<Order>>();
};

bool compile(YamlReader& yaml, const YAML::Node& at, const std::string& path, SteeringContext& ctx,
             const std::string& signature, Interner& interner,
             const std::function<uint32_t(const geo::GeoFacts&)>& classify,
             const std::vector<geo::CustomNetwork>& custom, SteeredRecord& out) {
  if (const auto* hit = ctx.cached(signature)) {
    out.tree = hit->tree;
    out.orders = hit->orders;
    return true;
  }
  auto tree = std::make_shared<geo::DecisionTree>();
  std::string error;
  if (!geo::compileDecisionTree(ctx.database(), classify, 0, custom, *tree, error)) {
    yaml.error(at, path, error);
    return false;
  }
  out.tree = tree;
  out.orders = interner.orders();
  ctx.remember(signature, {out.tree, out.orders});
  return true;
}

}  // namespace

void readRegions(YamlReader& yaml, const YAML::Node& regions, SteeringContext& ctx) {
  if (!regions.IsMap()) {
    yaml.error(regions, "regions", "expected a mapping of region names to {latitude, longitude}");
    return;
  }
  for (auto it = regions.begin(); it != regions.end(); ++it) {
    std::string name = it->first.Scalar();
    std::string path = keyPath("regions", name);
    YAML::Node body = it->second;
    Region r;
    r.name = name;
    if (!body.IsNull()) {
      if (!yaml.expectMap(body, path, {"latitude", "longitude"})) continue;
      if (body["latitude"] || body["longitude"]) {
        if (!body["latitude"] || !body["longitude"]) {
          yaml.error(body, path, "give both latitude and longitude, or neither");
          continue;
        }
        auto lat = yaml.number(body["latitude"], keyPath(path, "latitude"), -90, 90);
        auto lon = yaml.number(body["longitude"], keyPath(path, "longitude"), -180, 180);
        if (!lat || !lon) continue;
        r.hasLocation = true;
        r.latitude = *lat;
        r.longitude = *lon;
      }
    }
    ctx.defineRegion(r, yaml.at(it->first), yaml.diags());
  }
}

std::map<std::string, const Pool*> readPools(YamlReader& yaml, const YAML::Node& pools, SteeringContext& ctx,
                                             ZoneBuilder& builder) {
  std::map<std::string, const Pool*> out;
  if (!pools.IsMap()) {
    yaml.error(pools, "pools", "expected a mapping of pool names to their endpoints per region");
    return out;
  }
  for (auto it = pools.begin(); it != pools.end(); ++it) {
    std::string name = it->first.Scalar();
    std::string path = keyPath("pools", name);
    YAML::Node body = it->second;
    if (!body.IsMap() || body.size() == 0) {
      yaml.error(body, path, "expected a mapping of region names to endpoint addresses");
      continue;
    }
    auto pool = std::make_unique<Pool>();
    pool->name = name;
    pool->byRegion.resize(ctx.regions().size());
    bool ok = true;
    for (auto r = body.begin(); r != body.end(); ++r) {
      std::string regionPath = keyPath(path, r->first.Scalar());
      auto id = ctx.region(r->first.Scalar());
      if (!id) {
        yaml.error(r->first, regionPath, "unknown region '" + r->first.Scalar() + "' (known: " + ctx.regionNames() + ")");
        ok = false;
        continue;
      }
      auto addresses = yaml.stringList(r->second, regionPath);
      if (!addresses) {
        ok = false;
        continue;
      }
      PoolMembers& m = pool->byRegion[*id];
      if (!m.empty()) {
        yaml.error(r->first, regionPath, "region listed twice in the pool");
        ok = false;
        continue;
      }
      pool->regions.push_back(*id);
      for (const auto& text : *addresses) {
        auto a = geo::Address::parse(text);
        if (!a) {
          yaml.error(r->second, regionPath, "'" + text + "' is not an IPv4 or IPv6 address");
          ok = false;
          continue;
        }
        auto& list = a->family == geo::Family::IPv4 ? m.ipv4 : m.ipv6;
        if (std::find(list.begin(), list.end(), *a) != list.end()) {
          yaml.error(r->second, regionPath, "address " + text + " is listed twice");
          ok = false;
          continue;
        }
        list.push_back(*a);
      }
      if (m.empty() && ok) {
        yaml.error(r->second, regionPath, "a region of a pool needs at least one address");
        ok = false;
      }
    }
    if (!ok) continue;
    if (out.count(name)) {
      yaml.error(it->first, path, "pool '" + name + "' is defined twice");
      continue;
    }
    out.emplace(name, builder.addPool(std::move(pool)));
  }
  return out;
}

std::optional<SteeredRecord> readSteer(YamlReader& yaml, const YAML::Node& steer, const std::string& path,
                                       const std::string& ownerText, const std::map<std::string, const Pool*>& pools,
                                       SteeringContext& ctx) {
  if (!yaml.expectMap(steer, path, {"policy", "pool", "ttl", "map"})) return std::nullopt;
  SteeredRecord rec;
  rec.name = ownerText;
  if (!steer["policy"]) {
    yaml.error(steer, path, "missing key 'policy' (geo or nearest)");
    return std::nullopt;
  }
  auto policy = yaml.string(steer["policy"], keyPath(path, "policy"));
  if (!policy) return std::nullopt;
  if (*policy == "geo") rec.policy = PolicyKind::Geo;
  else if (*policy == "nearest") rec.policy = PolicyKind::Nearest;
  else {
    yaml.error(steer["policy"], keyPath(path, "policy"), "unknown policy '" + *policy + "' (geo or nearest)");
    return std::nullopt;
  }
  if (!steer["pool"]) {
    yaml.error(steer, path, "missing key 'pool' (the endpoints to steer between)");
    return std::nullopt;
  }
  auto poolName = yaml.string(steer["pool"], keyPath(path, "pool"));
  if (!poolName) return std::nullopt;
  auto pool = pools.find(*poolName);
  if (pool == pools.end()) {
    std::string known;
    for (const auto& [n, p] : pools) known += (known.empty() ? "" : ", ") + n;
    yaml.error(steer["pool"], keyPath(path, "pool"),
               "unknown pool '" + *poolName + "' (defined in this file: " + (known.empty() ? "none" : known) + ")");
    return std::nullopt;
  }
  rec.pool = pool->second;
  if (steer["ttl"]) {
    auto ttl = yaml.integer(steer["ttl"], keyPath(path, "ttl"), 0, kMaxTtl);
    if (!ttl) return std::nullopt;
    rec.ttl = static_cast<uint32_t>(*ttl);
  }
  if (rec.policy == PolicyKind::Geo && (!steer["map"] || !steer["map"].IsMap())) {
    yaml.error(steer, path, "a geo policy needs 'map': area or network → list of regions, and a default");
    return std::nullopt;
  }

  // The map: networks and areas → region orders. Decision 0 is the default: clients the
  // database does not place (and, for nearest, those without coordinates).
  Interner interner;
  Order fallback = poolOrder(*rec.pool);
  std::string mapPath = keyPath(path, "map");
  YAML::Node map = steer["map"];
  if (map && !map.IsMap()) {
    yaml.error(map, mapPath, "expected a mapping of areas or networks to lists of regions");
    return std::nullopt;
  }
  if (map && map["default"]) {
    auto o = readOrder(yaml, map["default"], keyPath(mapPath, "default"), *rec.pool, ctx);
    if (!o) return std::nullopt;
    fallback = *o;
  } else if (rec.policy == PolicyKind::Geo) {
    yaml.error(map, mapPath, "a geo map needs a 'default' order for clients no other key matches");
    return std::nullopt;
  }
  interner.intern(fallback);
  std::string signature = std::string(policyName(rec.policy)) + "|pool-regions:" + orderSignature(poolOrder(*rec.pool)) +
                          "|default:" + orderSignature(fallback);
  auto areas = std::make_shared<geo::AreaMap>();
  std::vector<geo::CustomNetwork> custom;
  bool ok = true;
  for (auto it = map.begin(); map && it != map.end(); ++it) {
    std::string key = it->first.Scalar();
    if (key == "default") continue;
    std::string keyP = keyPath(mapPath, key);
    auto order = readOrder(yaml, it->second, keyP, *rec.pool, ctx);
    if (!order) {
      ok = false;
      continue;
    }
    uint32_t decision = interner.intern(*order);
    signature += "|" + key + "=" + orderSignature(*order);
    if (key.find('/') != std::string::npos) {
      auto net = geo::Prefix::parse(key);
      if (!net) {
        yaml.error(it->first, keyP, "'" + key + "' is not a network such as 192.0.2.0/24 (host bits must be zero)");
        ok = false;
        continue;
      }
      custom.push_back({*net, decision});
      continue;
    }
    std::string error;
    if (!areas->add(key, decision, error)) {
      yaml.error(it->first, keyP, error);
      ok = false;
    }
  }
  if (!ok) return std::nullopt;

  if (rec.policy == PolicyKind::Geo) {
    auto classify = [areas](const geo::GeoFacts& f) { return areas->match(f).value; };
    if (!compile(yaml, steer, path, ctx, signature, interner, classify, custom, rec)) return std::nullopt;
    return rec;
  }

  // nearest: a map key that matches wins; otherwise regions by great-circle distance from
  // the client's coordinates; without coordinates, the default.
  Order candidates = poolOrder(*rec.pool);
  for (RegionId r : candidates) {
    if (!ctx.regions()[r].hasLocation) {
      yaml.error(steer["policy"], keyPath(path, "policy"),
                 "nearest needs coordinates for region '" + ctx.regions()[r].name + "' (regions." +
                     ctx.regions()[r].name + ".latitude / longitude)");
      return std::nullopt;
    }
  }
  std::vector<Region> regions = ctx.regions();
  auto classify = [candidates, regions, areas, &interner](const geo::GeoFacts& f) -> uint32_t {
    auto m = areas->match(f);
    if (m.key != "default") return m.value;
    if (!f.hasLocation) return 0;
    std::vector<std::pair<double, RegionId>> byDistance;
    for (RegionId r : candidates)
      byDistance.push_back({geo::distanceKm(f.latitude, f.longitude, regions[r].latitude, regions[r].longitude), r});
    // Ties keep the pool's order, so the answer never depends on sort internals.
    std::stable_sort(byDistance.begin(), byDistance.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    Order o;
    for (const auto& [d, r] : byDistance) o.push_back(r);
    return interner.intern(o);
  };
  for (RegionId r : candidates)
    signature += "|" + std::to_string(regions[r].latitude) + "," + std::to_string(regions[r].longitude);
  if (!compile(yaml, steer, path, ctx, signature, interner, classify, custom, rec)) return std::nullopt;
  return rec;
}

}  // namespace lodestar::zones
