#include "dns/server/zone_export.hpp"

#include <algorithm>
#include <ctime>
#include <map>
#include <vector>

#include "dns/dnssec/records.hpp"
#include "dns/dnssec/rrsig.hpp"
#include "dns/dnssec/signed_zone.hpp"
#include "dns/engine/answer.hpp"
#include "dns/wire/constants.hpp"
#include "dns/wire/name.hpp"
#include "dns/wire/name_text.hpp"
#include "dns/wire/query_encoder.hpp"
#include "zones/record_text.hpp"

namespace lodestar::server {

namespace {

constexpr size_t kMaxExportNames = 50'000;  // ~2 s of the control loop, signed with its chain

struct Set {
  std::string owner;  // lowercase wire
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::vector<std::string> rdata;
  std::string note;
};

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// RFC 4034 section 6.1: names ordered by their labels from the root down, as lowercase bytes.
bool canonicalLess(std::string_view a, std::string_view b) {
  auto labels = [](std::string_view n) {
    std::vector<std::string_view> out;
    for (size_t i = 0; i < n.size() && n[i]; i += static_cast<uint8_t>(n[i]) + 1u)
      out.push_back(n.substr(i + 1, static_cast<uint8_t>(n[i])));
    return out;
  };
  auto x = labels(a), y = labels(b);
  for (size_t i = 1; i <= std::min(x.size(), y.size()); ++i)
    if (x[x.size() - i] != y[y.size() - i]) return x[x.size() - i] < y[y.size() - i];  // lowercase already
  return x.size() < y.size();
}

// The steered answer of `name` for `client`: the engine's own, read back from the message.
std::vector<Set> steeredAnswer(const zones::View& view, std::string_view name, const wire::Address& client) {
  std::vector<Set> out;
  for (uint16_t type : {wire::rrtype::A, wire::rrtype::AAAA}) {
    wire::QueryFields fields;
    fields.name = name;
    fields.type = type;
    const std::vector<uint8_t> query = wire::encodeQuery(fields);
    std::vector<uint8_t> answer(65535);
    engine::QueryStats stats;
    const engine::Pipeline pipeline(stats);
    const engine::Client c{client, engine::Transport::Tcp, 0};
    engine::AnswerContext a(query.data(), query.size(), c, answer.data(), answer.size());
    const size_t n = engine::answerQuery(a, view, pipeline);
    if (n < wire::kHeaderSize) continue;
    wire::Reader in(answer.data(), n);
    wire::WireName skipped;
    uint16_t count = static_cast<uint16_t>(answer[6] << 8 | answer[7]), t = 0, k = 0, hi = 0, lo = 0, len = 0;
    if (!in.skip(wire::kHeaderSize) || !wire::readName(in, skipped) || !in.skip(4)) continue;
    for (uint16_t i = 0; i < count; ++i) {
      wire::WireName owner, lower;
      if (!wire::readName(in, owner) || !in.u16(t) || !in.u16(k) || !in.u16(hi) || !in.u16(lo) || !in.u16(len)) break;
      const size_t at = in.position();
      if (!in.skip(len)) break;
      wire::lowercaseName(owner, lower);
      // The steered set: this type, or the CNAME a region's pool answers with (asked twice,
      // kept once); a chain's other names are their own.
      if (lower.view() != name || (t != type && t != wire::rrtype::CNAME)) continue;
      if (t == wire::rrtype::CNAME && type == wire::rrtype::AAAA) continue;
      if (out.empty() || out.back().type != t) out.push_back({std::string(name), t, uint32_t{hi} << 16 | lo, {}, ""});
      out.back().rdata.emplace_back(reinterpret_cast<const char*>(answer.data() + at), len);
    }
  }
  return out;
}

}  // namespace

nlohmann::json exportZone(const zones::View& view, const ExportRequest& request) {
  std::string text = request.zone;
  if (text.empty() || text.back() != '.') text += '.';
  const auto apexWire = zones::parseNameText(text, std::string(1, '\0'));
  if (!apexWire) return {{"error", "'" + request.zone + "' is not a domain name"}};
  const std::string apex = wire::lowercaseWire(*apexWire);
  const zones::Zone* zone = nullptr;
  for (const auto& z : view.zones())
    if (z->apex() == apex) zone = z.get();
  if (!zone) return {{"error", "zone " + text + " is not served here"}};
  // Made on the control loop, which also pings systemd's watchdog and runs the probes: a
  // bound on the zone's size bounds the time it holds them.
  if (zone->nodeCount() > kMaxExportNames)
    return {{"error", "zone " + text + " has " + std::to_string(zone->nodeCount()) + " names; export takes at most " +
                          std::to_string(kMaxExportNames) + " (its static data is in your zone files already)"}};
  const dnssec::SignedZone* keys = dnssec::signedZone(*zone);
  const bool chain = request.nsecChain && keys;

  std::vector<Set> sets;
  std::map<std::string, std::vector<uint16_t>> typesAt;  // for the chain: the names with data, and their types
  const std::string who = request.client.toString();
  zone->forEachNode([&](const zones::Node& n) {
    const bool atCut = n.cut == &n, below = n.cut && !atCut;
    std::string owner(n.name);
    for (const zones::RRset& set : n.rrsets) {
      if (below && set.type != wire::rrtype::A && set.type != wire::rrtype::AAAA) continue;  // only glue below a cut
      if (chain && (set.type == dnssec::rrtype::NSEC || set.covered == dnssec::rrtype::NSEC)) continue;
      sets.push_back({owner, set.type, set.ttl, {set.rdata.begin(), set.rdata.end()}, ""});
      if (!below && set.type != dnssec::rrtype::RRSIG && set.type != dnssec::rrtype::NSEC) typesAt[owner].push_back(set.type);
    }
    if (n.steer && !n.cut) {
      for (Set& s : steeredAnswer(view, n.name, request.client)) {
        s.note = "steered: the answer for client " + who + " now";
        typesAt[owner].push_back(s.type);
        sets.push_back(std::move(s));
      }
    }
  });
  const uint32_t now = static_cast<uint32_t>(std::time(nullptr));
  dnssec::SigningScratch scratch;
  // Signatures for what was made here (steered answers, the chain), by the zone's ZSKs.
  auto sign = [&](const Set& s, const std::string& note) {
    std::vector<std::string_view> rdata(s.rdata.begin(), s.rdata.end());
    Set sig{s.owner, dnssec::rrtype::RRSIG, s.ttl, {}, note};
    for (const dnssec::KeyPair* key : keys->zsks) {
      uint8_t rd[dnssec::kMaxRrsigRdata];
      const size_t n = dnssec::signRrset(*key, zone->apex(), {s.owner, s.type, s.ttl, rdata}, keys->window(now), rd, scratch);
      if (n) sig.rdata.emplace_back(reinterpret_cast<char*>(rd), n);
    }
    return sig;
  };
  if (keys) {
    const size_t made = sets.size();
    for (size_t i = 0; i < made; ++i)
      if (!sets[i].note.empty()) sets.push_back(sign(sets[i], "signed for the export, as answers are signed online"));
  }
  if (chain) {
    std::vector<std::string> names;
    for (auto& [name, types] : typesAt) names.push_back(name);
    std::sort(names.begin(), names.end(), canonicalLess);
    for (size_t i = 0; i < names.size(); ++i) {
      std::vector<uint16_t> types = typesAt[names[i]];
      types.push_back(dnssec::rrtype::RRSIG);
      types.push_back(dnssec::rrtype::NSEC);
      std::sort(types.begin(), types.end());
      types.erase(std::unique(types.begin(), types.end()), types.end());
      const std::string& next = names[(i + 1) % names.size()];
      std::string rd(next.size() + 256 * 34, '\0');
      rd.resize(dnssec::writeNsecRdata(next, types, reinterpret_cast<uint8_t*>(rd.data())));
      Set nsec{names[i], dnssec::rrtype::NSEC, zone->negativeTtl(), {rd}, "the export's NSEC chain (answers deny with compact NSECs)"};
      sets.push_back(nsec);
      sets.push_back(sign(nsec, "the export's NSEC chain"));
    }
  }
  nlohmann::json records = nlohmann::json::array();
  for (const Set& s : sets)
    for (const std::string& rd : s.rdata) {
      nlohmann::json r = {{"owner", hex(s.owner)}, {"type", s.type}, {"ttl", s.ttl}, {"rdata", hex(rd)}};
      if (!s.note.empty()) r["note"] = s.note;
      records.push_back(std::move(r));
    }
  return {{"zone", wire::nameToText(apex)}, {"signed", keys != nullptr}, {"records", std::move(records)}};
}

}  // namespace lodestar::server
