// Regions and pools: names become ids, addresses become endpoints holding their health cells.
#include "zones/pool_reader.hpp"

#include "dns/wire/name_text.hpp"
#include "zones/record_text.hpp"

namespace lodestar::zones {

void readRegions(yaml::YamlReader& yaml, const yaml::Node& regions, LoadContext& ctx) {
  if (!regions.isMap()) {
    yaml.error(regions, "regions", "expected a mapping of region names to {latitude, longitude}");
    return;
  }
  yaml.uniqueKeys(regions, "regions");
  for (auto it = regions.begin(); it != regions.end(); ++it) {
    std::string name = it->first.scalar();
    std::string path = yaml::keyPath("regions", name);
    yaml::Node body = it->second;
    Region r;
    r.name = name;
    if (!body.isNull()) {
      if (!yaml.expectMap(body, path, {"latitude", "longitude"})) continue;
      if (body["latitude"] || body["longitude"]) {
        if (!body["latitude"] || !body["longitude"]) {
          yaml.error(body, path, "give both latitude and longitude, or neither");
          continue;
        }
        auto lat = yaml.number(body["latitude"], yaml::keyPath(path, "latitude"), -90, 90);
        auto lon = yaml.number(body["longitude"], yaml::keyPath(path, "longitude"), -180, 180);
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
bool readPoolRegion(yaml::YamlReader& yaml, const yaml::Node& node, const std::string& path,
                    const health::CheckSpec* check, LoadContext& ctx, PoolMembers& m) {
  yaml::Node list = node;
  if (node.isMap()) {
    if (!yaml.expectMap(node, path, {"addresses", "cname", "capacity"})) return false;
    if (node["cname"]) {
      // A CNAME region: its clients are sent to another name (a CDN, another provider).
      if (node["addresses"]) {
        yaml.error(node["cname"], yaml::keyPath(path, "cname"), "a region gives addresses or a cname, not both");
        return false;
      }
      auto text = yaml.string(node["cname"], yaml::keyPath(path, "cname"));
      if (!text) return false;
      std::string absolute = text->empty() || text->back() == '.' ? *text : *text + ".";
      auto wire = parseNameText(absolute, std::string(1, '\0'));
      if (!wire) {
        yaml.error(node["cname"], yaml::keyPath(path, "cname"), "'" + *text + "' is not a domain name");
        return false;
      }
      m.cname = *wire;
      m.cnameCell = ctx.healthCell(check, "cname:" + wire::nameToText(*wire));
      ctx.addEndpoint(m.cnameForce, m.cnameId);
      if (node["capacity"]) {
        auto c = yaml.integer(node["capacity"], yaml::keyPath(path, "capacity"), 1, 1'000'000);
        if (!c) return false;
        m.capacity = static_cast<uint32_t>(*c);
      }
      return true;
    }
    if (node["capacity"]) {
      auto c = yaml.integer(node["capacity"], yaml::keyPath(path, "capacity"), 1, 1'000'000);
      if (!c) return false;
      m.capacity = static_cast<uint32_t>(*c);
    }
    if (!node["addresses"]) {
      yaml.error(node, path, "missing key 'addresses'");
      return false;
    }
    list = node["addresses"];
  }
  // One address alone is a list of one.
  std::vector<yaml::Node> items;
  if (list.isScalar()) items.push_back(list);
  if (list.isSequence())
    for (const auto& item : list) items.push_back(item);
  if (items.empty()) {
    yaml.error(list, path, "expected a list of endpoint addresses");
    return false;
  }
  bool ok = true;
  for (const auto& item : items) {
    Endpoint e;
    std::string text;
    if (item.isMap()) {
      if (!yaml.expectMap(item, path, {"address", "weight"}) || !item["address"]) {
        yaml.error(item, path, "an endpoint is an address or {address: A, weight: W}");
        ok = false;
        continue;
      }
      text = item["address"].scalar();
      if (item["weight"]) {
        auto w = yaml.integer(item["weight"], yaml::keyPath(path, "weight"), 1, 1'000'000);
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
    e.cell = ctx.healthCell(check, *a);
    ctx.addEndpoint(e.force, e.id);
    family.push_back(std::move(e));
  }
  return ok;
}

}  // namespace

std::map<std::string, const Pool*> readPools(yaml::YamlReader& yaml, const yaml::Node& pools, const CheckMap& checks,
                                             LoadContext& ctx, ZoneBuilder& builder) {
  std::map<std::string, const Pool*> out;
  if (!pools.isMap()) {
    yaml.error(pools, "pools", "expected a mapping of pool names to {check, regions}");
    return out;
  }
  yaml.uniqueKeys(pools, "pools");
  for (auto it = pools.begin(); it != pools.end(); ++it) {
    std::string name = it->first.scalar();
    std::string path = yaml::keyPath("pools", name);
    yaml::Node body = it->second;
    if (!yaml.expectMap(body, path, {"check", "regions"})) continue;
    auto pool = std::make_unique<Pool>();
    pool->name = name;
    pool->byRegion.resize(ctx.regions().size());
    if (body["check"]) {
      auto check = yaml.string(body["check"], yaml::keyPath(path, "check"));
      if (!check) continue;
      auto found = checks.find(*check);
      if (found == checks.end()) {
        std::string known;
        for (const auto& [n, c] : checks) known += (known.empty() ? "" : ", ") + n;
        yaml.error(body["check"], yaml::keyPath(path, "check"),
                   "unknown check '" + *check + "' (defined in this file: " + (known.empty() ? "none" : known) + ")");
        continue;
      }
      pool->check = found->second;
    }
    yaml::Node regions = body["regions"];
    std::string regionsPath = yaml::keyPath(path, "regions");
    if (!regions || !regions.isMap() || regions.size() == 0) {
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
      std::string regionPath = yaml::keyPath(regionsPath, r->first.scalar());
      auto id = ctx.region(r->first.scalar());
      if (!id) {
        yaml.error(r->first, regionPath, "unknown region '" + r->first.scalar() + "' (known: " + ctx.regionNames() + ")");
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

}  // namespace lodestar::zones
