// Reading of the zone policy YAML: one way to say each thing, every key checked.
#include "zones/yaml_zone_loader.hpp"

#include "dns/wire/constants.hpp"

#include <ctime>

#include "zones/check_reader.hpp"
#include "zones/dnssec_reader.hpp"
#include "zones/pool_reader.hpp"
#include "zones/record_text.hpp"
#include "zones/steer_reader.hpp"
#include "dns/wire/name_text.hpp"
#include "dns/wire/rr_type.hpp"
#include "zones/yaml/yaml_support.hpp"
#include "zones/zone_builder.hpp"
#include "zones/zone_file_loader.hpp"

namespace lodestar::zones {

namespace {

constexpr size_t kManyStaticNames = 5000;  // above this, --check suggests an RFC 1035 include

std::string directoryOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

// TXT data: each YAML string is one record whose text is split into 255-byte strings, so
// operators never quote inside YAML.
std::string txtRdata(const std::string& text) {
  std::string out;
  size_t at = 0;
  do {
    size_t n = std::min<size_t>(255, text.size() - at);
    out += static_cast<char>(n);
    out.append(text, at, n);
    at += n;
  } while (at < text.size());
  return out;
}

void appendU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
}

class PolicyLoader {
 public:
  PolicyLoader(yaml::YamlReader& yaml, LoadContext& ctx) : yaml_(yaml), ctx_(ctx) {}

  std::unique_ptr<Zone> load(const yaml::Node& root) {
    if (!root.isDefined()) return nullptr;
    const size_t errorsBefore = yaml_.diags().errors().size();
    if (!yaml_.expectMap(root, "", {"zone", "ttl", "soa", "nameservers", "include", "checks", "regions", "pools", "records", "dnssec"}))
      return nullptr;
    if (!root["zone"]) {
      yaml_.error(root, "", "missing key 'zone' (the zone's apex name, e.g. gtm.example.com)");
      return nullptr;
    }
    auto apexText = yaml_.string(root["zone"], "zone");
    if (!apexText) return nullptr;
    std::string apexAbs = apexText->empty() || apexText->back() == '.' ? *apexText : *apexText + ".";
    auto apex = parseNameText(apexAbs, std::string(1, '\0'));
    if (!apex) {
      yaml_.error(root["zone"], "zone", "'" + *apexText + "' is not a valid domain name");
      return nullptr;
    }
    apex_ = wire::lowercaseWire(*apex);  // names match in any case; glue and serials look it up so
    ZoneBuilder builder(apex_, yaml_.at(root["zone"]));
    if (root["ttl"]) {
      if (auto ttl = yaml_.seconds(root["ttl"], "ttl", 0, wire::kMaxTtl)) ttl_ = static_cast<uint32_t>(*ttl);
    }
    if (root["soa"]) readSoa(root["soa"], builder);
    else yaml_.error(root, "", "missing key 'soa' (the zone's SOA fields)");
    if (root["nameservers"]) readNameservers(root["nameservers"], builder);
    else yaml_.error(root, "", "missing key 'nameservers' (the zone's NS set)");
    if (root["include"]) {
      if (auto file = yaml_.string(root["include"], "include")) {
        std::string path = (*file)[0] == '/' ? *file : directoryOf(yaml_.file()) + *file;
        loadZoneFile(path, ttl_, builder, yaml_.diags());
      }
    }
    CheckMap checks;
    if (root["checks"]) checks = readChecks(yaml_, root["checks"]);
    if (root["pools"]) pools_ = readPools(yaml_, root["pools"], checks, ctx_, builder);
    if (root["records"]) readRecords(root["records"], builder);
    if (root["dnssec"])
      if (auto policy = readDnssec(yaml_, root["dnssec"], directoryOf(yaml_.file()))) builder.setDnssec(std::move(*policy));
    if (yaml_.diags().errors().size() != errorsBefore) {
      builder.checkRecords(yaml_.diags());
      return nullptr;
    }
    return builder.build(yaml_.diags());
  }

 private:
  std::optional<std::string> name(const yaml::Node& node, std::string_view path) {
    auto text = yaml_.string(node, path);
    if (!text) return std::nullopt;
    auto wire = parseNameText(*text, apex_);
    if (!wire) yaml_.error(node, path, "'" + *text + "' is not a valid domain name");
    return wire;
  }

  void readSoa(const yaml::Node& soa, ZoneBuilder& builder) {
    if (!yaml_.expectMap(soa, "soa", {"mname", "rname", "serial", "refresh", "retry", "expire", "minimum", "ttl"}))
      return;
    std::string rdata;
    auto field = [&](const char* key, const char* fallback) -> std::optional<std::string> {
      if (soa[key]) return name(soa[key], yaml::keyPath("soa", key));
      return parseNameText(fallback, apex_);
    };
    auto mname = field("mname", "ns1");
    auto rname = field("rname", "hostmaster");
    if (!mname || !rname) return;
    rdata = *mname + *rname;
    struct {
      const char* key;
      uint32_t fallback;
    } numbers[] = {{"serial", 1}, {"refresh", 3600}, {"retry", 600}, {"expire", 1209600}, {"minimum", 60}};
    for (const auto& n : numbers) {
      uint32_t v = n.fallback;
      if (std::string(n.key) == "serial" && soa[n.key] && soa[n.key].isScalar() && soa[n.key].scalar() == "auto") {
        // Time-based, and always above the serial being replaced (RFC 1982 arithmetic aside).
        v = static_cast<uint32_t>(std::time(nullptr));
        if (auto prev = ctx_.previousSerial(apex_); prev && *prev >= v) v = *prev + 1;
        appendU32(rdata, v);
        continue;
      }
      if (soa[n.key]) {
        // The serial is a number; refresh, retry, expire and minimum are durations.
        auto parsed = std::string(n.key) == "serial" ? yaml_.integer(soa[n.key], yaml::keyPath("soa", n.key), 0, 0xFFFFFFFFu)
                                                     : yaml_.seconds(soa[n.key], yaml::keyPath("soa", n.key), 0, 0xFFFFFFFFu);
        if (!parsed) return;
        v = static_cast<uint32_t>(*parsed);
      }
      appendU32(rdata, v);
    }
    uint32_t ttl = ttl_;
    if (soa["ttl"]) {
      auto parsed = yaml_.seconds(soa["ttl"], "soa.ttl", 0, wire::kMaxTtl);
      if (!parsed) return;
      ttl = static_cast<uint32_t>(*parsed);
    }
    builder.add(apex_, wire::rrtype::SOA, ttl, rdata, yaml_.at(soa), yaml_.diags());
  }

  void readNameservers(const yaml::Node& ns, ZoneBuilder& builder) {
    if (!ns.isMap() || ns.size() == 0) {
      yaml_.error(ns, "nameservers", "expected a mapping of nameserver names to their glue addresses");
      return;
    }
    yaml_.uniqueKeys(ns, "nameservers");
    for (auto it = ns.begin(); it != ns.end(); ++it) {
      std::string path = yaml::keyPath("nameservers", it->first.scalar());
      auto host = name(it->first, path);
      if (!host) continue;
      addText(builder, "@", "NS", wire::nameToText(*host), ttl_, yaml_.at(it->first), path);
      if (it->second.isNull()) continue;
      auto addresses = yaml_.stringList(it->second, path);
      if (!addresses) continue;
      if (!wire::isSubdomain(wire::lowercaseWire(*host), apex_)) {
        yaml_.error(it->second, path, "glue addresses are only for nameservers inside the zone");
        continue;
      }
      for (const auto& a : *addresses)
        addText(builder, wire::nameToText(*host), a.find(':') == std::string::npos ? "A" : "AAAA", a, ttl_,
                yaml_.at(it->second), path);
    }
  }

  void readRecords(const yaml::Node& records, ZoneBuilder& builder) {
    if (!records.isMap()) {
      yaml_.error(records, "records", "expected a mapping of owner names to their data");
      return;
    }
    yaml_.uniqueKeys(records, "records");
    // 100,000 static names load in 0.29 s and 44 MB from YAML, 0.06 s and 23 MB from an
    // RFC 1035 file (2026-12-06): say so before a file grows into the size limit.
    size_t staticNames = 0;
    for (auto it = records.begin(); it != records.end(); ++it)
      staticNames += it->second.isMap() && !it->second["steer"];
    if (staticNames > kManyStaticNames)
      yaml_.warning(records, "records",
                    std::to_string(staticNames) + " static names in YAML: large static data loads several times "
                    "faster and in a fraction of the memory from an RFC 1035 zone file named by 'include:' "
                    "(docs/zone-policy.md)");
    for (auto it = records.begin(); it != records.end(); ++it) {
      std::string path = yaml::keyPath("records", it->first.scalar());
      auto owner = name(it->first, path);
      if (!owner) continue;
      yaml::Node data = it->second;
      if (!data.isMap()) {
        yaml_.error(data, path, "expected a mapping of record types (A, MX, ...) to their data");
        continue;
      }
      yaml_.uniqueKeys(data, path);
      if (data["steer"]) {
        auto steer = readSteer(yaml_, data["steer"], yaml::keyPath(path, "steer"), wire::nameToText(*owner), pools_, ctx_);
        if (steer) builder.addSteered(*owner, std::move(*steer), yaml_.at(data["steer"]), yaml_.diags());
      }
      uint32_t ttl = ttl_;
      if (data["ttl"]) {
        auto parsed = yaml_.seconds(data["ttl"], yaml::keyPath(path, "ttl"), 0, wire::kMaxTtl);
        if (!parsed) continue;
        ttl = static_cast<uint32_t>(*parsed);
      }
      for (auto field = data.begin(); field != data.end(); ++field) {
        std::string key = field->first.scalar();
        if (key == "ttl" || key == "steer") continue;
        std::string fieldPath = yaml::keyPath(path, key);
        const uint16_t type = wire::rrTypeFromName(key).value_or(0);
        if (type == 0 || key != wire::rrTypeName(type)) {
          yaml_.error(field->first, fieldPath, "unknown record type or key (types are upper case: A, AAAA, MX, ...)");
          continue;
        }
        if (type == wire::rrtype::SOA) {
          yaml_.error(field->first, fieldPath, "the SOA is given under the top-level 'soa' key");
          continue;
        }
        auto values = yaml_.stringList(field->second, fieldPath);
        if (!values) continue;
        for (const auto& v : *values) {
          if (type == wire::rrtype::TXT) {
            builder.add(*owner, wire::rrtype::TXT, ttl, txtRdata(v), yaml_.at(field->second), yaml_.diags());
          } else {
            addText(builder, wire::nameToText(*owner), key, v, ttl, yaml_.at(field->second), fieldPath);
          }
        }
      }
    }
  }

  // One record from presentation-format RDATA, parsed by ldns.
  void addText(ZoneBuilder& builder, const std::string& owner, const std::string& type, const std::string& value,
               uint32_t ttl, const yaml::SourceLocation& where, const std::string& path) {
    std::string error;
    auto rr = parseRecordText(owner + " " + std::to_string(ttl) + " IN " + type + " " + value, ttl, apex_, error);
    if (!rr) {
      yaml_.diags().error(where, path + ": bad " + type + " data '" + value + "': " + error);
      return;
    }
    builder.add(rr->owner, rr->type, rr->ttl, std::move(rr->rdata), where, yaml_.diags());
  }

  yaml::YamlReader& yaml_;
  LoadContext& ctx_;
  std::map<std::string, const Pool*> pools_;
  std::string apex_;
  uint32_t ttl_ = 3600;
};

}  // namespace

std::unique_ptr<Zone> compileYamlZone(yaml::YamlReader& yaml, const yaml::Node& root, LoadContext& ctx) {
  return PolicyLoader(yaml, ctx).load(root);
}

std::unique_ptr<Zone> loadYamlZone(const std::string& path, yaml::Diagnostics& diags) {
  yaml::YamlReader yaml(path, diags);
  yaml::Node root = yaml.load();
  LoadContext ctx(nullptr, nullptr);
  if (root.isMap() && root["regions"]) readRegions(yaml, root["regions"], ctx);
  ctx.freezeRegions();
  return compileYamlZone(yaml, root, ctx);
}

}  // namespace lodestar::zones
