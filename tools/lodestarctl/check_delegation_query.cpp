// check-delegation's questions, sent with ldns (ldns_udp_send / ldns_tcp_send) and read with it.
#include "tools/lodestarctl/check_delegation_query.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

namespace lodestarctl::delegation {

namespace {

// RFC 7871 option 8: family 1 (IPv4), source /24, scope 0, the prefix's three bytes.
constexpr uint8_t kEcsOption[] = {0x00, 0x08, 0x00, 0x07, 0x00, 0x01, 24, 0, 198, 51, 100};

bool toSockaddr(const ServerAddress& a, sockaddr_storage& out, socklen_t& length) {
  std::memset(&out, 0, sizeof out);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET, a.host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(a.port);
    length = sizeof *v4;
    return true;
  }
  if (inet_pton(AF_INET6, a.host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(a.port);
    length = sizeof *v6;
    return true;
  }
  return false;
}

Packet query(const std::string& name, ldns_rr_type type) {
  ldns_pkt* q = nullptr;
  if (ldns_pkt_query_new_frm_str(&q, name.c_str(), type, LDNS_RR_CLASS_IN, 0) != LDNS_STATUS_OK) return {nullptr, ldns_pkt_free};
  ldns_pkt_set_random_id(q);
  ldns_pkt_set_edns_udp_size(q, 1232);
  ldns_pkt_set_edns_data(q, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN, sizeof kEcsOption, kEcsOption));
  return {q, ldns_pkt_free};
}

}  // namespace

std::optional<ServerAddress> parseServerAddress(const std::string& text, uint16_t defaultPort, std::string& error) {
  ServerAddress a{text, defaultPort};
  std::string port;
  if (!text.empty() && text[0] == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || (close + 1 < text.size() && text[close + 1] != ':')) {
      error = "'" + text + "' is not an address: [IPv6]:PORT";
      return std::nullopt;
    }
    a.host = text.substr(1, close - 1);
    if (close + 1 < text.size()) port = text.substr(close + 2);
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    a.host = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
  }
  if (!port.empty()) {
    char* end = nullptr;
    const long n = std::strtol(port.c_str(), &end, 10);
    if (*end != '\0' || n < 1 || n > 65535) {
      error = "'" + text + "': the port must be 1 to 65535";
      return std::nullopt;
    }
    a.port = static_cast<uint16_t>(n);
  }
  sockaddr_storage ss;
  socklen_t length = 0;
  if (!toSockaddr(a, ss, length)) {
    error = "'" + text + "' is not an IPv4 or IPv6 address (ADDR, ADDR:PORT or [IPv6]:PORT)";
    return std::nullopt;
  }
  return a;
}

Exchange ask(const ServerAddress& to, const std::string& name, ldns_rr_type type, Transport transport) {
  Exchange out;
  sockaddr_storage ss;
  socklen_t length = 0;
  Packet q = query(name, type);
  if (!q || !toSockaddr(to, ss, length)) {
    out.error = "cannot make the query for " + name;
    return out;
  }
  ldns_buffer* wire = ldns_buffer_new(LDNS_MAX_PACKETLEN);
  ldns_pkt2buffer_wire(wire, q.get());
  const timeval timeout{static_cast<time_t>(kTimeout.count()), 0};
  // UDP gets one retry (a lost datagram); a TCP connection that failed would fail again.
  const int tries = transport == Transport::Udp ? 2 : 1;
  ldns_status status = LDNS_STATUS_ERR;
  for (int i = 0; i < tries && !out.packet; ++i) {
    uint8_t* answer = nullptr;
    size_t size = 0;
    status = transport == Transport::Udp ? ldns_udp_send(&answer, wire, &ss, length, timeout, &size)
                                         : ldns_tcp_send(&answer, wire, &ss, length, timeout, &size);
    if (status != LDNS_STATUS_OK) continue;
    ldns_pkt* p = nullptr;
    if (ldns_wire2pkt(&p, answer, size) == LDNS_STATUS_OK) out.packet.reset(p);
    else status = LDNS_STATUS_PACKET_OVERFLOW;
    free(answer);
  }
  ldns_buffer_free(wire);
  if (out.packet) return out;
  if (transport == Transport::Udp)
    out.error = status == LDNS_STATUS_PACKET_OVERFLOW ? "an answer over UDP that is not a DNS message"
                                                      : "no answer over UDP within 2 s (2 tries)";
  else
    out.error = std::string("no answer over TCP within 2 s (") + ldns_get_errorstr_by_id(status) + ")";
  return out;
}

std::string canonicalName(const std::string& name) {
  std::string out = name;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out.empty() || out.back() != '.') out += '.';
  return out;
}

std::string nameOf(const ldns_rdf* dname) {
  char* text = ldns_rdf2str(dname);
  std::string out = canonicalName(text ? text : "");
  free(text);
  return out;
}

bool inZone(const std::string& name, const std::string& zone) {
  return zone == "." || name == zone ||
         (name.size() > zone.size() && name.compare(name.size() - zone.size() - 1, std::string::npos, "." + zone) == 0);
}

namespace {
template <typename Each>
void eachRecord(const ldns_pkt* p, ldns_pkt_section section, ldns_rr_type type, const std::string& owner, Each each) {
  ldns_rr_list* list = ldns_pkt_get_section_clone(p, section);
  for (size_t i = 0; list && i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    if (ldns_rr_get_type(rr) == type && nameOf(ldns_rr_owner(rr)) == owner) each(rr);
  }
  ldns_rr_list_deep_free(list);
}
}  // namespace

std::vector<std::string> rdataOf(const ldns_pkt* p, ldns_pkt_section section, ldns_rr_type type, const std::string& owner) {
  std::vector<std::string> out;
  eachRecord(p, section, type, owner, [&](const ldns_rr* rr) {
    if (ldns_rr_rd_count(rr) == 0) return;
    char* text = ldns_rdf2str(ldns_rr_rdf(rr, 0));
    std::string value = text ? text : "";
    free(text);
    out.push_back(type == LDNS_RR_TYPE_NS ? canonicalName(value) : value);
  });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

uint32_t ttlOf(const ldns_pkt* p, ldns_pkt_section section, ldns_rr_type type, const std::string& owner) {
  uint32_t ttl = 0;
  bool first = true;
  eachRecord(p, section, type, owner, [&](const ldns_rr* rr) {
    if (first) ttl = ldns_rr_ttl(rr);
    first = false;
  });
  return ttl;
}

bool echoesEcs(const ldns_pkt* p) {
  const ldns_rdf* data = ldns_pkt_edns_data(p);
  if (!data) return false;
  const uint8_t* b = ldns_rdf_data(data);
  const size_t n = ldns_rdf_size(data);
  for (size_t i = 0; i + 4 <= n;) {
    const unsigned code = b[i] << 8 | b[i + 1], length = b[i + 2] << 8 | b[i + 3];
    if (code == 8) return true;
    i += 4 + length;
  }
  return false;
}

std::string rcodeName(const ldns_pkt* p) {
  const ldns_lookup_table* t = ldns_lookup_by_id(ldns_rcodes, ldns_pkt_get_rcode(p));
  return t ? t->name : "RCODE" + std::to_string(ldns_pkt_get_rcode(p));
}

}  // namespace lodestarctl::delegation
