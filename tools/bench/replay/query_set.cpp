#include "tools/bench/replay/query_set.hpp"

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "dns/wire/address.hpp"
#include "dns/wire/query_encoder.hpp"
#include "dns/wire/rr_type.hpp"
#include "geo/network_csv.hpp"

namespace lodestar::bench {

namespace {

uint16_t typeCode(const std::string& t) {
  if (auto type = wire::rrTypeFromName(t)) return *type;
  throw std::runtime_error("unknown type " + t + " (a mnemonic such as AAAA, or TYPE12345)");
}

std::vector<uint8_t> encode(const std::string& name, uint16_t type, const std::optional<wire::Prefix>& ecs,
                            bool dnssecOk, const std::vector<uint8_t>& cookie) {
  std::string wireName;
  std::string_view rest = name;
  while (!rest.empty() && rest != ".") {
    size_t dot = rest.find('.');
    std::string_view label = rest.substr(0, dot);
    if (label.empty() || label.size() > 63) throw std::runtime_error("bad name " + name);
    wireName += static_cast<char>(label.size());
    wireName += label;
    rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
  }
  wireName += '\0';
  wire::QueryFields q;  // ID 0 (stamped per send), RD clear: we ask an authoritative server
  q.name = wireName;
  q.type = type;
  q.ecs = ecs;
  q.edns = dnssecOk || !cookie.empty();  // DO and options need EDNS
  q.dnssecOk = dnssecOk;
  if (!cookie.empty()) {
    q.options.reserve(4 + cookie.size());
    for (uint8_t b : {uint8_t{0}, uint8_t{10}, uint8_t{0}, static_cast<uint8_t>(cookie.size())}) q.options.push_back(b);
    for (uint8_t b : cookie) q.options.push_back(b);
  }
  return wire::encodeQuery(q);
}

}  // namespace

std::vector<WireQuery> readQueries(const std::string& path, const std::string& ecsForAll, bool dnssecOk,
                                   const std::vector<uint8_t>& cookie) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::optional<wire::Prefix> common;
  if (!ecsForAll.empty()) {
    common = wire::Prefix::parse(ecsForAll);
    if (!common) throw std::runtime_error("bad client subnet " + ecsForAll);
  }
  std::vector<WireQuery> out;
  std::string line;
  for (long number = 1; std::getline(in, line); ++number) {
    std::istringstream words(line);
    std::string name, type, subnet;
    if (!(words >> name) || name[0] == '#') continue;
    words >> type >> subnet;
    std::optional<wire::Prefix> ecs = common;
    if (!subnet.empty()) {
      ecs = wire::Prefix::parse(subnet);
      if (!ecs) throw std::runtime_error(path + ":" + std::to_string(number) + ": bad client subnet " + subnet);
    }
    try {
      out.push_back({encode(name, typeCode(type), ecs, dnssecOk, cookie)});
    } catch (const std::exception& e) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": " + e.what());
    }
  }
  if (out.empty()) throw std::runtime_error(path + ": no queries");
  return out;
}

namespace {

// A random /24 (IPv4) or /56 (IPv6) inside `net`, or the network itself when it is narrower.
std::string subnetInside(const wire::Prefix& net, std::mt19937_64& rng) {
  const unsigned width = net.address.family == wire::Family::IPv4 ? 24 : 56;
  wire::Prefix p = net;
  for (unsigned bit = net.length; bit < width; ++bit)
    if (rng() & 1) p.address.bytes[bit / 8] |= static_cast<uint8_t>(0x80u >> (bit % 8));
  if (p.length < width) p.length = static_cast<uint8_t>(width);
  return p.toString();
}

}  // namespace

void writeMix(const std::string& path, const std::string& zone, long count, const std::string& networksCsv) {
  std::vector<geo::CsvNetwork> networks;
  if (!networksCsv.empty()) {
    std::vector<std::string> errors;
    if (!geo::readNetworkCsv(networksCsv, networks, errors) || networks.empty())
      throw std::runtime_error("cannot use " + networksCsv + (errors.empty() ? "" : ": " + errors.front()));
  }
  std::mt19937_64 rng(20261126);
  std::ofstream out(path);
  for (long i = 0; i < count; ++i) {
    unsigned roll = static_cast<unsigned>(rng() % 100);
    if (roll < 70) out << "www." << zone << ". A";
    else if (roll < 80) out << "www." << zone << ". AAAA";
    else if (roll < 85) out << "static." << zone << ". A";
    else out << "nx" << i << "." << zone << ". A";
    if (!networks.empty()) out << ' ' << subnetInside(networks[rng() % networks.size()].network, rng);
    out << '\n';
  }
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace lodestar::bench
