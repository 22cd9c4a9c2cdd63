// Query building by hand; answer parsing through ldns.
#include "tests/support/dns_message.hpp"

#include "dns/wire/query_encoder.hpp"
#include "dns/wire/rr_type.hpp"

#include <arpa/inet.h>

#include <sstream>
#include <stdexcept>

#include "zones/ldns.hpp"

namespace lodestar::test {

namespace {
void put16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}

// "owner ttl class type rdata" from ldns → "owner ttl type rdata".
std::string render(const ldns_rr* rr) {
  char* s = ldns_rr2str(rr);
  std::string text(s);
  free(s);
  std::istringstream in(text);
  std::string owner, ttl, klass, type, rest;
  if (ldns_rr_is_question(rr)) {
    in >> owner >> klass >> type;  // questions have no TTL
    return owner + " " + type;
  }
  in >> owner >> ttl >> klass >> type;
  std::getline(in, rest);
  auto start = rest.find_first_not_of(" \t");
  rest = start == std::string::npos ? "" : rest.substr(start);
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == ' ')) rest.pop_back();
  return owner + " " + ttl + " " + type + (rest.empty() ? "" : " " + rest);
}

std::vector<std::string> renderList(const ldns_rr_list* list) {
  std::vector<std::string> out;
  for (size_t i = 0; list && i < ldns_rr_list_rr_count(list); ++i) out.push_back(render(ldns_rr_list_rr(list, i)));
  return out;
}
}  // namespace

Bytes wireName(const std::string& text) {
  Bytes out;
  size_t start = 0;
  while (start < text.size()) {
    size_t dot = text.find('.', start);
    if (dot == std::string::npos) dot = text.size();
    out.push_back(static_cast<uint8_t>(dot - start));
    out.insert(out.end(), text.begin() + static_cast<long>(start), text.begin() + static_cast<long>(dot));
    start = dot + 1;
  }
  out.push_back(0);
  return out;
}

QueryBuilder& QueryBuilder::ecs(const std::string& prefix, uint8_t scope) {
  auto slash = prefix.find('/');
  std::string host = prefix.substr(0, slash);
  int bits = std::stoi(prefix.substr(slash + 1));
  uint8_t addr[16] = {};
  uint16_t family = 1;
  if (inet_pton(AF_INET, host.c_str(), addr) != 1) {
    family = 2;
    if (inet_pton(AF_INET6, host.c_str(), addr) != 1) throw std::runtime_error("bad prefix " + prefix);
  }
  // Sized up front: GCC 12 reports a false overflow for push_back here (bug 105329).
  Bytes data = {static_cast<uint8_t>(family >> 8), static_cast<uint8_t>(family), static_cast<uint8_t>(bits), scope};
  data.insert(data.end(), addr, addr + (bits + 7) / 8);
  return option(8, data);
}

QueryBuilder& QueryBuilder::type(std::string_view mnemonic) {
  const auto number = wire::rrTypeFromName(mnemonic);
  if (!number) throw std::runtime_error("unknown type " + std::string(mnemonic));
  qtype = *number;
  return *this;
}

QueryBuilder& QueryBuilder::option(uint16_t code, const Bytes& data) {
  edns = true;
  put16(ednsOptions, code);
  put16(ednsOptions, static_cast<uint16_t>(data.size()));
  ednsOptions.insert(ednsOptions.end(), data.begin(), data.end());
  return *this;
}

Bytes QueryBuilder::bytes() const {
  Bytes name = wireName(qname);
  wire::QueryFields q;
  q.id = id;
  q.flags = flags;
  q.name = std::string_view(reinterpret_cast<const char*>(name.data()), name.size());
  q.type = qtype;
  q.qclass = qclass;
  q.edns = edns;
  q.udpSize = payload;
  q.ednsVersion = ednsVersion;
  q.dnssecOk = dnssecOk;
  q.options = ednsOptions;
  return wire::encodeQuery(q);
}

std::optional<Answer> parseAnswer(const Bytes& bytes) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, bytes.data(), bytes.size()) != LDNS_STATUS_OK) return std::nullopt;
  Answer a;
  a.raw = bytes;
  a.id = ldns_pkt_id(pkt);
  a.qr = ldns_pkt_qr(pkt);
  a.aa = ldns_pkt_aa(pkt);
  a.tc = ldns_pkt_tc(pkt);
  a.rd = ldns_pkt_rd(pkt);
  a.ra = ldns_pkt_ra(pkt);
  a.opcode = ldns_pkt_get_opcode(pkt);
  a.rcode = ldns_pkt_get_rcode(pkt);
  a.question = renderList(ldns_pkt_question(pkt));
  a.answer = renderList(ldns_pkt_answer(pkt));
  a.authority = renderList(ldns_pkt_authority(pkt));
  a.additional = renderList(ldns_pkt_additional(pkt));
  a.hasOpt = ldns_pkt_edns(pkt);
  if (a.hasOpt) {
    a.udpSize = ldns_pkt_edns_udp_size(pkt);
    a.rcode |= ldns_pkt_edns_extended_rcode(pkt) << 4;
    if (const ldns_rdf* data = ldns_pkt_edns_data(pkt)) {
      const uint8_t* p = ldns_rdf_data(data);
      size_t len = ldns_rdf_size(data);
      for (size_t at = 0; at + 4 <= len;) {
        uint16_t code = static_cast<uint16_t>(p[at] << 8 | p[at + 1]);
        uint16_t olen = static_cast<uint16_t>(p[at + 2] << 8 | p[at + 3]);
        if (at + 4 + olen > len) break;
        if (code == 8 && olen >= 4) {
          EcsEcho e;
          e.family = static_cast<uint16_t>(p[at + 4] << 8 | p[at + 5]);
          e.source = p[at + 6];
          e.scope = p[at + 7];
          e.address.assign(p + at + 8, p + at + 4 + olen);
          a.ecs = e;
        }
        at += 4 + olen;
      }
    }
  }
  ldns_pkt_free(pkt);
  return a;
}

}  // namespace lodestar::test
