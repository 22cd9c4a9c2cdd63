#include "zones/dnssec_reader.hpp"

#include "zones/yaml/file_read.hpp"

namespace lodestar::zones {

std::optional<DnssecPolicy> readDnssec(yaml::YamlReader& yaml, const yaml::Node& node, const std::string& directory) {
  if (!yaml.expectMap(node, "dnssec", {"keys", "signature-lifetime", "refresh", "jitter", "denial", "cds"}))
    return std::nullopt;
  const size_t errorsBefore = yaml.diags().errors().size();
  DnssecPolicy policy;
  policy.where = yaml.at(node);
  if (!node["keys"]) {
    yaml.error(node, "dnssec", "missing key 'keys' (the key pairs that sign the zone, e.g. [Kgtm.example.test.+013+40000])");
  } else if (auto files = yaml.stringList(node["keys"], "dnssec.keys")) {
    for (size_t i = 0; i < files->size(); ++i) {
      const std::string& f = (*files)[i];
      const yaml::Node& at = node["keys"].isSequence() ? node["keys"].item(i) : node["keys"];
      policy.keys.push_back({f.empty() || f[0] == '/' ? f : directory + f, yaml.at(at)});
      // The key's files are sources of the zone: a key replaced under the same name, or its
      // times changed, compiles the zone again; the nodes of a cluster compare their digests
      // (a digest, never the private key itself, leaves the node).
      std::string base = policy.keys.back().path, error;
      for (std::string_view suffix : {".key", ".private"})
        if (base.size() > suffix.size() && base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0)
          base.resize(base.size() - suffix.size());
      for (const char* suffix : {".key", ".private"})  // .private holds the timing fields
        if (auto text = yaml::readWholeFile(base + suffix, 64 * 1024, error)) yaml.diags().noteSource(base + suffix, *text);
    }
  }
  constexpr uint64_t kYear = 366ull * 86400;
  if (node["signature-lifetime"])
    if (auto v = yaml.seconds(node["signature-lifetime"], "dnssec.signature-lifetime", 3 * 3600, kYear))
      policy.lifetime = static_cast<uint32_t>(*v);
  if (node["refresh"])
    if (auto v = yaml.seconds(node["refresh"], "dnssec.refresh", 3600, kYear)) policy.refresh = static_cast<uint32_t>(*v);
  if (node["jitter"])
    if (auto v = yaml.seconds(node["jitter"], "dnssec.jitter", 0, kYear)) policy.jitter = static_cast<uint32_t>(*v);
  if (node["denial"])
    if (auto v = yaml.string(node["denial"], "dnssec.denial")) {
      if (*v == "compact") policy.denial = DnssecPolicy::Denial::Compact;
      else if (*v == "white-lies") policy.denial = DnssecPolicy::Denial::WhiteLies;
      else yaml.error(node["denial"], "dnssec.denial", "'" + *v + "' is not a denial; expected compact (RFC 9824) or white-lies (RFC 4470)");
    }
  if (node["cds"])
    if (auto v = yaml.boolean(node["cds"], "dnssec.cds")) policy.publishCds = *v;
  // A signature made again only when it has expired is one resolvers see expire: refresh
  // and jitter must leave time before the end.
  if (yaml.diags().errors().size() == errorsBefore && policy.refresh + policy.jitter + policy.inceptionOffset >= policy.lifetime)
    yaml.error(node, "dnssec", "refresh (" + std::to_string(policy.refresh) + " s) plus jitter (" + std::to_string(policy.jitter) +
                                   " s) must be well below signature-lifetime (" + std::to_string(policy.lifetime) +
                                   " s): signatures are made again once less than refresh is left");
  if (yaml.diags().errors().size() != errorsBefore) return std::nullopt;
  return policy;
}

}  // namespace lodestar::zones
