// explain: the same engine::answerQuery() the workers run, plus the steering decision spelled out.
#include "dns/server/explain.hpp"

#include <cstdio>

#include "dns/engine/answer.hpp"
#include "dns/engine/region_choice.hpp"
#include "dns/server/admin_rules.hpp"
#include "dns/wire/constants.hpp"
#include "dns/wire/query_encoder.hpp"
#include "dns/wire/rr_type.hpp"
#include "zones/record_text.hpp"
#include "dns/wire/name_text.hpp"

namespace lodestar::server {

namespace {

nlohmann::json factsJson(const geo::GeoFacts& f) {
  nlohmann::json j = {{"continent", f.continent}, {"country", f.country}, {"subdivision", f.subdivision}};
  if (f.hasLocation) j["location"] = {f.latitude, f.longitude};
  if (f.asn) j["asn"] = f.asn;
  return j;
}

std::string nodeName(const zones::Node& node) { return wire::nameToText(node.name); }

}  // namespace

nlohmann::json explain(const zones::View& view, const nlohmann::json& args) {
  std::string nameText = args.value("name", std::string());
  std::string typeText = args.value("type", std::string("A"));
  auto client = wire::Address::parse(args.value("client", std::string()));
  if (!client) return {{"error", "--client needs an IPv4 or IPv6 address"}};
  std::optional<wire::Prefix> ecs;
  if (args.contains("ecs") && !args["ecs"].get<std::string>().empty()) {
    ecs = wire::Prefix::parse(args["ecs"].get<std::string>());
    if (!ecs) return {{"error", "--ecs needs a prefix such as 198.51.100.0/24 (host bits zero)"}};
  }
  const uint16_t type = wire::rrTypeFromName(typeText).value_or(0);
  if (type == 0) return {{"error", "unknown type '" + typeText + "' (a mnemonic such as AAAA, or TYPE12345)"}};
  std::string absolute = !nameText.empty() && nameText.back() == '.' ? nameText : nameText + ".";
  auto wire = zones::parseNameText(absolute, std::string(1, '\0'));
  if (!wire) return {{"error", "'" + nameText + "' is not a domain name"}};
  // A name without its zone ("www"): relative to the zone where it exists, or the only zone.
  if (!nameText.empty() && nameText.back() != '.' && !view.findZone(wire::lowercaseWire(*wire))) {
    std::vector<std::string> candidates;
    for (const auto& z : view.zones()) {
      auto full = zones::parseNameText(nameText, z->apex());
      if (full && (view.zones().size() == 1 || z->find(wire::lowercaseWire(*full)))) candidates.push_back(*full);
    }
    if (candidates.size() != 1) {
      std::string zonesText;
      for (const auto& z : view.zones()) zonesText += (zonesText.empty() ? "" : ", ") + wire::nameToText(z->apex());
      return {{"error", "'" + nameText + "' is in none of our zones" +
                            (candidates.empty() ? "" : " (it exists in several)") +
                            "; give the full name, in one of: " + (zonesText.empty() ? "none" : zonesText)}};
    }
    wire = candidates.front();
  }

  // The answer exactly as a worker would give it.
  wire::QueryFields fields;
  fields.id = 0x4c53;
  fields.name = *wire;
  fields.type = type;
  fields.ecs = ecs;
  const std::vector<uint8_t> query = wire::encodeQuery(fields);
  std::vector<uint8_t> out(65535);
  engine::QueryStats stats;
  const engine::Pipeline pipeline(stats);
  engine::Client c{*client, engine::Transport::Tcp, 0};
  engine::AnswerContext a(query.data(), query.size(), c, out.data(), out.size());
  size_t n = engine::answerQuery(a, view, pipeline);
  std::string hex;
  char byte[3];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", out[i]);
    hex += byte;
  }
  nlohmann::json result = {{"answer", hex}, {"name", wire::nameToText(*wire)}, {"kind", engine::answerKindName(a.kind)}};

  // What the answer path decided, from its own context: the zone and node it found.
  const zones::Zone* zone = a.zone;
  const zones::Node* node = a.node;
  if (!zone) result["note"] = wire::nameToText(*wire) + " is in none of our zones (REFUSED)";
  // The steered name the answer reached (the qname's, or at the end of a CNAME chain).
  if (!a.steering.record) {
    result["steering"] = nullptr;
    if (node && node->steer)
      result["note"] = "steering answers A and AAAA only; " + typeText + " at " + nodeName(*node) + " is static data";
    return result;
  }
  const zones::SteeredRecord& s = *a.steering.record;
  const bool useEcs = ecs && ecs->length > 0;
  wire::Address who = useEcs ? ecs->address : *client;
  nlohmann::json steering = {{"record", s.name}, {"policy", zones::policyName(s.policy)}, {"pool", s.pool->name},
                             {"located_by", useEcs ? "ECS " + ecs->toString() : "source " + client->toString()}};
  if (const auto* db = view.database()) {
    auto l = db->lookup(who);
    steering["geo"] = l.found ? factsJson(l.facts) : nlohmann::json("not in the database");
    if (l.found) steering["geo_network_length"] = l.prefixLength;
  }
  // The key, the order and the scope as the compiled policy reports them: the tree walk the
  // answer path makes, and its region choice with the same health, so they cannot disagree.
  const auto decision = s.tree->find(who);
  if (s.policy == zones::PolicyKind::Geo || s.policy == zones::PolicyKind::Nearest)
    steering["map_key"] = decisionKeys(view, s, decision.decision);
  nlohmann::json chosen = nlohmann::json::array();
  for (unsigned i = 0; i < a.steering.regionCount; ++i) chosen.push_back(view.regions()[a.steering.regions[i]].name);
  if (s.policy != zones::PolicyKind::All) steering["chosen"] = chosen;
  steering["ecs_scope"] = a.ecsScope;
  nlohmann::json order = nlohmann::json::array();
  for (zones::RegionId r : (*s.orders)[decision.decision]) {
    const auto* m = s.pool->members(r);
    unsigned up4 = 0, up6 = 0;
    for (const auto& e : m->ipv4) up4 += e.up();
    for (const auto& e : m->ipv6) up6 += e.up();
    nlohmann::json region = {{"region", view.regions()[r].name}, {"drained", m->drained()}};
    if (!m->cname.empty()) region["cname"] = {{"target", wire::nameToText(m->cname)}, {"up", m->cnameHealth().up}};
    else region["up"] = {{"ipv4", std::to_string(up4) + "/" + std::to_string(m->ipv4.size())},
                         {"ipv6", std::to_string(up6) + "/" + std::to_string(m->ipv6.size())}};
    order.push_back(region);
  }
  steering["order"] = order;
  steering["min_healthy"] = s.minHealthy;
  // No region of the order was usable: the answer holds endpoints whatever their health.
  steering["fail_open"] = a.steering.failOpen;
  result["steering"] = steering;
  return result;
}

}  // namespace lodestar::server
