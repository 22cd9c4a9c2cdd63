// Steering configuration: names become ids, maps become decision trees, at load time.
#include "zones/steer_reader.hpp"

#include "dns/wire/constants.hpp"

#include <algorithm>
#include <set>

#include "geo/area_map.hpp"
#include "zones/record_text.hpp"
#include "dns/wire/name_text.hpp"

namespace lodestar::zones {

namespace {


using Order = std::vector<RegionId>;

std::string orderSignature(const Order& o) {
  std::string s;
  for (RegionId r : o) s += std::to_string(r) + ",";
  return s;
}

// A list of region names, each known and with endpoints in the pool.
std::optional<Order> readOrder(YamlReader& yaml, const YAML::Node& node, const std::string& path, const Pool& pool,
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

// The policy's tree and orders, compiled once per signature. `db` is null for policies
// where the client's location plays no part.
bool compile(YamlReader& yaml, const YAML::Node& at, const std::string& path, LoadContext& ctx,
             const geo::Database* db, const std::string& signature, Interner& interner,
             const std::function<uint32_t(const geo::GeoFacts&)>& classify,
             const std::vector<geo::CustomNetwork>& custom, SteeredRecord& out) {
  if (const auto* hit = ctx.cached(signature)) {
    out.tree = hit->tree;
    out.orders = hit->orders;
    return true;
  }
  auto tree = std::make_shared<geo::DecisionTree>();
  std::string error;
  if (!geo::compileDecisionTree(db, classify, 0, custom, *tree, error)) {
    yaml.error(at, path, error);
    return false;
  }
  out.tree = tree;
  out.orders = interner.orders();
  ctx.remember(signature, {out.tree, out.orders});
  return true;
}

}  // namespace

void readRegions(YamlReader& yaml, const YAML::Node& regions, LoadContext& ctx) {
  if (!regions.IsMap()) {
    yaml.error(regions, "regions", "expected a mapping of region names to {latitude, longitude}");
    return;
  }
  yaml.uniqueKeys(regions, "regions");
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

namespace {

// One region of a pool: a list of endpoints, or {addresses: [...], capacity: N}. An endpoint
// is an address, or {address: A, weight: W}.
bool readPoolRegion(YamlReader& yaml, const YAML::Node& node, const std::string& path,
                    const health::CheckSpec* check, LoadContext& ctx, PoolMembers& m) {
  YAML::Node list = node;
  if (node.IsMap()) {
    if (!yaml.expectMap(node, path, {"addresses", "cname", "capacity"})) return false;
    if (node["cname"]) {
      // A CNAME region: its clients are sent to another name (a CDN, another provider).
      if (node["addresses"]) {
        yaml.error(node["cname"], keyPath(path, "cname"), "a region gives addresses or a cname, not both");
        return false;
      }
      auto text = yaml.string(node["cname"], keyPath(path, "cname"));
      if (!text) return false;
      std::string absolute = text->back() == '.' ? *text : *text + ".";
      auto wire = parseNameText(absolute, std::string(1, '\0'));
      if (!wire) {
        yaml.error(node["cname"], keyPath(path, "cname"), "'" + *text + "' is not a domain name");
        return false;
      }
      m.cname = *wire;
      m.cnameState = ctx.endpointState(check, "cname:" + wire::nameToText(*wire));
      if (node["capacity"]) {
        auto c = yaml.integer(node["capacity"], keyPath(path, "capacity"), 1, 1'000'000);
        if (!c) return false;
        m.capacity = static_cast<uint32_t>(*c);
      }
      return true;
    }
    if (node["capacity"]) {
      auto c = yaml.integer(node["capacity"], keyPath(path, "capacity"), 1, 1'000'000);
      if (!c) return false;
      m.capacity = static_cast<uint32_t>(*c);
    }
    list = node["addresses"];
    if (!list) {
      yaml.error(node, path, "missing key 'addresses'");
      return false;
    }
  }
  if (list.IsScalar()) {
    YAML::Node seq(YAML::NodeType::Sequence);
    seq.push_back(list);
    list = seq;
  }
  if (!list.IsSequence() || list.size() == 0) {
    yaml.error(list, path, "expected a list of endpoint addresses");
    return false;
  }
  bool ok = true;
  for (const auto& item : list) {
    Endpoint e;
    std::string text;
    if (item.IsMap()) {
      if (!yaml.expectMap(item, path, {"address", "weight"}) || !item["address"]) {
        yaml.error(item, path, "an endpoint is an address or {address: A, weight: W}");
        ok = false;
        continue;
      }
      text = item["address"].Scalar();
      if (item["weight"]) {
        auto w = yaml.integer(item["weight"], keyPath(path, "weight"), 1, 1'000'000);
        if (!w) {
          ok = false;
          continue;
        }
        e.weight = static_cast<uint32_t>(*w);
        m.endpointWeights = m.endpointWeights || e.weight != 1;
      }
    } else if (auto t = yaml.string(item, path)) {
      text = *t;
    } else {
      ok = false;
      continue;
    }
    auto a = wire::Address::parse(text);
    if (!a) {
      yaml.error(item, path, "'" + text + "' is not an IPv4 or IPv6 address");
      ok = false;
      continue;
    }
    e.address = *a;
    auto& family = a->family == wire::Family::IPv4 ? m.ipv4 : m.ipv6;
    bool dup = false;
    for (const auto& other : family) dup = dup || other.address == *a;
    if (dup) {
      yaml.error(item, path, "address " + text + " is listed twice");
      ok = false;
      continue;
    }
    e.state = ctx.endpointState(check, *a);
    family.push_back(std::move(e));
  }
  return ok;
}

}  // namespace

std::map<std::string, const Pool*> readPools(YamlReader& yaml, const YAML::Node& pools, const CheckMap& checks,
                                             LoadContext& ctx, ZoneBuilder& builder) {
  std::map<std::string, const Pool*> out;
  if (!pools.IsMap()) {
    yaml.error(pools, "pools", "expected a mapping of pool names to {check, regions}");
    return out;
  }
  yaml.uniqueKeys(pools, "pools");
  for (auto it = pools.begin(); it != pools.end(); ++it) {
    std::string name = it->first.Scalar();
    std::string path = keyPath("pools", name);
    YAML::Node body = it->second;
    if (!yaml.expectMap(body, path, {"check", "regions"})) continue;
    auto pool = std::make_unique<Pool>();
    pool->name = name;
    pool->byRegion.resize(ctx.regions().size());
    if (body["check"]) {
      auto check = yaml.string(body["check"], keyPath(path, "check"));
      if (!check) continue;
      auto found = checks.find(*check);
      if (found == checks.end()) {
        std::string known;
        for (const auto& [n, c] : checks) known += (known.empty() ? "" : ", ") + n;
        yaml.error(body["check"], keyPath(path, "check"),
                   "unknown check '" + *check + "' (defined in this file: " + (known.empty() ? "none" : known) + ")");
        continue;
      }
      pool->check = found->second;
    }
    YAML::Node regions = body["regions"];
    std::string regionsPath = keyPath(path, "regions");
    if (!regions || !regions.IsMap() || regions.size() == 0) {
      yaml.error(regions ? regions : body, regionsPath, "expected a mapping of region names to endpoint addresses");
      continue;
    }
    bool ok = yaml.uniqueKeys(regions, regionsPath);
    if (regions.size() > kMaxPoolRegions) {
      yaml.error(regions, regionsPath,
                 "a pool lists at most " + std::to_string(kMaxPoolRegions) + " regions (this one " +
                     std::to_string(regions.size()) + ")");
      continue;
    }
    for (auto r = regions.begin(); r != regions.end(); ++r) {
      std::string regionPath = keyPath(regionsPath, r->first.Scalar());
      auto id = ctx.region(r->first.Scalar());
      if (!id) {
        yaml.error(r->first, regionPath, "unknown region '" + r->first.Scalar() + "' (known: " + ctx.regionNames() + ")");
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
      m.admin = ctx.regionAdmin(*id);
      m.region = *id;
      ok = readPoolRegion(yaml, r->second, regionPath, pool->check.get(), ctx, m) && ok;
    }
    if (!ok) continue;
    for (RegionId r : pool->regions) {
      const PoolMembers& m = pool->byRegion[r];
      pool->answersFamily[0] = pool->answersFamily[0] || !m.ipv4.empty() || !m.cname.empty();
      pool->answersFamily[1] = pool->answersFamily[1] || !m.ipv6.empty() || !m.cname.empty();
    }
    if (out.count(name)) {
      yaml.error(it->first, path, "pool '" + name + "' is defined twice");
      continue;
    }
    out.emplace(name, builder.addPool(std::move(pool)));
  }
  return out;
}

namespace {

// The options every policy shares, and those that belong to some only.
bool readOptions(YamlReader& yaml, const YAML::Node& steer, const std::string& path, SteeredRecord& rec) {
  auto number = [&](const char* key, uint64_t lo, uint64_t hi, auto& out) {
    if (!steer[key]) return true;
    auto v = yaml.integer(steer[key], keyPath(path, key), lo, hi);
    if (v) out = static_cast<std::remove_reference_t<decltype(out)>>(*v);
    return v.has_value();
  };
  auto ttl = [&](const char* key, uint32_t& out) {
    if (!steer[key]) return true;
    auto v = yaml.seconds(steer[key], keyPath(path, key), 0, wire::kMaxTtl);
    if (v) out = static_cast<uint32_t>(*v);
    return v.has_value();
  };
  bool ok = ttl("ttl", rec.ttl);
  rec.ttlDegraded = rec.ttl;
  ok = ttl("ttl_degraded", rec.ttlDegraded) && ok;
  if (ok && rec.ttlDegraded > rec.ttl) {
    yaml.error(steer["ttl_degraded"], keyPath(path, "ttl_degraded"),
               "ttl_degraded (" + std::to_string(rec.ttlDegraded) + ") is longer than ttl (" + std::to_string(rec.ttl) + ")");
    ok = false;
  }
  ok = number("min_healthy", 1, 1000, rec.minHealthy) && ok;
  ok = number("max_regions", 1, 8, rec.maxRegions) && ok;
  ok = number("spill", 1, 8, rec.spill) && ok;
  ok = number("max_answers", 1, 64, rec.maxAnswers) && ok;
  if (steer["all_down"]) {
    auto v = yaml.string(steer["all_down"], keyPath(path, "all_down"));
    if (v && *v == "fail_open") rec.allDown = AllDown::FailOpen;
    else if (v && *v == "nodata") rec.allDown = AllDown::NoData;
    else {
      if (v) yaml.error(steer["all_down"], keyPath(path, "all_down"), "expected fail_open or nodata, got '" + *v + "'");
      ok = false;
    }
  }
  // Options that mean nothing for this policy are mistakes, not silently ignored.
  auto only = [&](const char* key, std::initializer_list<PolicyKind> kinds) {
    if (!steer[key]) return;
    for (auto k : kinds)
      if (k == rec.policy) return;
    yaml.error(steer[key], keyPath(path, key), std::string("'") + key + "' does not apply to the " +
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
    yaml.error(steer["spill"], keyPath(path, "spill"), "spill and max_regions > 1 do not combine");
    ok = false;
  }
  return ok;
}

// Every region of the pool must be able to meet min_healthy, or it could never be up.
bool checkMinHealthy(YamlReader& yaml, const YAML::Node& steer, const std::string& path, const SteeredRecord& rec,
                     LoadContext& ctx) {
  for (RegionId r : rec.pool->regions) {
    const PoolMembers& m = rec.pool->byRegion[r];
    size_t largest = m.cname.empty() ? std::max(m.ipv4.size(), m.ipv6.size()) : 1;
    if (largest < rec.minHealthy) {
      yaml.error(steer["min_healthy"], keyPath(path, "min_healthy"),
                 "min_healthy " + std::to_string(rec.minHealthy) + " but region '" + ctx.regions()[r].name +
                     "' of pool '" + rec.pool->name + "' has only " + std::to_string(largest) + " endpoint(s) per family");
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<SteeredRecord> readSteer(YamlReader& yaml, const YAML::Node& steer, const std::string& path,
                                       const std::string& ownerText, const std::map<std::string, const Pool*>& pools,
                                       LoadContext& ctx) {
  if (!yaml.expectMap(steer, path,
                      {"policy", "pool", "ttl", "ttl_degraded", "min_healthy", "all_down", "max_regions", "spill",
                       "max_answers", "map", "order", "weights"}))
    return std::nullopt;
  SteeredRecord rec;
  rec.name = ownerText;
  if (!steer["policy"]) {
    yaml.error(steer, path, "missing key 'policy' (geo, nearest, failover, weighted or all)");
    return std::nullopt;
  }
  auto policy = yaml.string(steer["policy"], keyPath(path, "policy"));
  if (!policy) return std::nullopt;
  const std::pair<const char*, PolicyKind> kinds[] = {{"geo", PolicyKind::Geo},
                                                      {"nearest", PolicyKind::Nearest},
                                                      {"failover", PolicyKind::Failover},
                                                      {"weighted", PolicyKind::Weighted},
                                                      {"all", PolicyKind::All}};
  bool known = false;
  for (const auto& [n, k] : kinds)
    if (*policy == n) {
      rec.policy = k;
      known = true;
    }
  if (!known) {
    yaml.error(steer["policy"], keyPath(path, "policy"),
               "unknown policy '" + *policy + "' (geo, nearest, failover, weighted or all)");
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
  if (!readOptions(yaml, steer, path, rec)) return std::nullopt;
  if (!checkMinHealthy(yaml, steer, path, rec, ctx)) return std::nullopt;
  if (rec.policy == PolicyKind::Geo && (!steer["map"] || !steer["map"].IsMap())) {
    yaml.error(steer, path, "a geo policy needs 'map': area or network → list of regions, and a default");
    return std::nullopt;
  }

  Interner interner;
  Order fallback = poolOrder(*rec.pool);
  if (rec.policy == PolicyKind::Failover && steer["order"]) {
    auto o = readOrder(yaml, steer["order"], keyPath(path, "order"), *rec.pool, ctx);
    if (!o) return std::nullopt;
    fallback = *o;
  }
  if (rec.policy == PolicyKind::Weighted) {
    rec.regionWeights.assign(ctx.regions().size(), 0);
    for (RegionId r : rec.pool->regions) rec.regionWeights[r] = rec.pool->byRegion[r].capacity;
    if (YAML::Node weights = steer["weights"]) {
      std::string wPath = keyPath(path, "weights");
      if (!weights.IsMap()) {
        yaml.error(weights, wPath, "expected a mapping of region names to weights");
        return std::nullopt;
      }
      std::fill(rec.regionWeights.begin(), rec.regionWeights.end(), 0);
      for (auto it = weights.begin(); it != weights.end(); ++it) {
        std::string rPath = keyPath(wPath, it->first.Scalar());
        auto id = ctx.region(it->first.Scalar());
        if (!id || !rec.pool->members(*id)) {
          yaml.error(it->first, rPath, "region '" + it->first.Scalar() + "' has no endpoints in pool '" + rec.pool->name + "'");
          return std::nullopt;
        }
        auto w = yaml.integer(it->second, rPath, 1, 1'000'000);
        if (!w) {
          yaml.error(it->second, rPath, "weights are whole numbers of 1 or more");
          return std::nullopt;
        }
        rec.regionWeights[*id] = static_cast<uint32_t>(*w);
      }
    }
  }
  if (rec.policy == PolicyKind::Failover || rec.policy == PolicyKind::Weighted || rec.policy == PolicyKind::All) {
    // No client location matters: one decision for everyone, scope 0.
    interner.intern(fallback);
    std::string signature = std::string(policyName(rec.policy)) + "|" + orderSignature(fallback);
    auto everyone = [](const geo::GeoFacts&) { return 0u; };
    if (!compile(yaml, steer, path, ctx, nullptr, signature, interner, everyone, {}, rec)) return std::nullopt;
    return rec;
  }

  // The map: networks and areas → region orders. Decision 0 is the default: clients the
  // database does not place (and, for nearest, those without coordinates).
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
  bool ok = !map || yaml.uniqueKeys(map, mapPath);
  std::optional<YAML::Node> firstAreaKey;  // an area (not a network) needs the geo database to match anything
  std::vector<std::pair<std::string, YAML::Node>> areaKeys;  // to warn about keys no network matches
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
      auto net = wire::Prefix::parse(key);
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
    if (!firstAreaKey) firstAreaKey.emplace(it->first);
    areaKeys.emplace_back(key, it->first);
  }
  if (!ok) return std::nullopt;
  rec.areas = areas;
  rec.customNetworks = custom;

  // Area keys and distances need the geo database; without one every client would get the
  // default order, silently.
  auto withoutDatabase = [&] {
    if (ctx.database() || (!firstAreaKey && rec.policy != PolicyKind::Nearest)) return false;
    YAML::Node where = firstAreaKey ? *firstAreaKey : steer["policy"];
    yaml.error(where, firstAreaKey ? keyPath(mapPath, firstAreaKey->Scalar()) : keyPath(path, "policy"),
               std::string(firstAreaKey ? "an area key" : "policy nearest") +
                   " needs a geo database to place clients, and the main configuration has no geo.database: "
                   "every client would get the default order");
    return true;
  };
  // The keys some network of the database matched, while the tree compiles: a key no
  // network matches (US-XX, or a country the database does not hold) can never be used.
  auto matched = std::make_shared<std::set<std::string>>();
  auto warnUnmatched = [&](bool compiled) {
    if (!compiled) return;  // an identical policy compiled (and warned) before
    for (const auto& [key, node] : areaKeys) {
      std::string plain = key.rfind("country:", 0) == 0 && !geo::isContinentCode(key.substr(8)) ? key.substr(8) : key;
      if (!matched->count(plain))
        yaml.warning(node, keyPath(mapPath, key),
                     "no network of the geo database " + ctx.database()->path() + " matches '" + key +
                         "': no client gets this order");
    }
  };
  if (rec.policy == PolicyKind::Geo) {
    if (withoutDatabase()) return std::nullopt;
    auto classify = [areas, matched](const geo::GeoFacts& f) {
      auto m = areas->match(f);
      matched->insert(m.key);
      return m.value;
    };
    const bool fresh = !ctx.cached(signature);
    if (!compile(yaml, steer, path, ctx, ctx.database(), signature, interner, classify, custom, rec)) return std::nullopt;
    warnUnmatched(fresh);
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
  if (withoutDatabase()) return std::nullopt;
  std::vector<Region> regions = ctx.regions();
  auto classify = [candidates, regions, areas, matched, &interner](const geo::GeoFacts& f) -> uint32_t {
    auto m = areas->match(f);
    matched->insert(m.key);
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
  const bool fresh = !ctx.cached(signature);
  if (!compile(yaml, steer, path, ctx, ctx.database(), signature, interner, classify, custom, rec)) return std::nullopt;
  warnUnmatched(fresh);
  return rec;
}

}  // namespace lodestar::zones
