// check-delegation's parent side: which servers serve the parent zone (given, or found one label
// up at a time through /etc/resolv.conf), and the NS set and glue each gives for the zone.
#include <algorithm>

#include "tools/lodestarctl/check_delegation.hpp"

namespace lodestarctl::delegation {

namespace {

using Resolver = std::unique_ptr<ldns_resolver, void (*)(ldns_resolver*)>;

Resolver systemResolver() {
  ldns_resolver* r = nullptr;
  if (ldns_resolver_new_frm_file(&r, nullptr) != LDNS_STATUS_OK) return {nullptr, ldns_resolver_deep_free};
  ldns_resolver_set_timeout(r, timeval{static_cast<time_t>(kTimeout.count()), 0});
  ldns_resolver_set_retry(r, 1);
  return {r, ldns_resolver_deep_free};
}

// NAME TYPE through the system resolver, recursion desired.
Packet lookup(const ldns_resolver* r, const std::string& name, ldns_rr_type type) {
  ldns_rdf* dname = ldns_dname_new_frm_str(name.c_str());
  ldns_pkt* p = dname ? ldns_resolver_query(r, dname, type, LDNS_RR_CLASS_IN, LDNS_RD) : nullptr;
  ldns_rdf_deep_free(dname);
  return {p, ldns_pkt_free};
}

// The label after the first: "gtm.example.test." -> "example.test."; "." has none.
std::string parentOf(const std::string& name) {
  if (name == ".") return {};
  const auto dot = name.find('.');
  return dot + 1 >= name.size() ? "." : name.substr(dot + 1);
}

// The closest enclosing zone with an NS set the resolver knows, and its servers' addresses.
std::vector<ServerAddress> findParents(const std::string& zone, Report& r) {
  Resolver res = systemResolver();
  if (!res) {
    r.notes.push_back("no parent server given (--parent-ns) and /etc/resolv.conf gives no resolver to find them");
    return {};
  }
  for (std::string parent = parentOf(zone); !parent.empty(); parent = parentOf(parent)) {
    Packet p = lookup(res.get(), parent, LDNS_RR_TYPE_NS);
    if (!p) continue;
    const auto names = rdataOf(p.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_NS, parent);
    if (names.empty()) continue;
    std::vector<ServerAddress> out;
    for (const auto& n : names)
      for (const auto& a : resolveAddresses(n)) out.push_back({a, 53});
    r.notes.push_back("the parent zone is " + parent + " (found through the system resolver)");
    return out;
  }
  r.notes.push_back("the system resolver knows no parent zone of " + zone);
  return {};
}

void askParent(const std::string& zone, ParentFacts& f) {
  Exchange e = ask(f.address, zone, LDNS_RR_TYPE_NS, Transport::Udp);
  if (e.packet && ldns_pkt_tc(e.packet.get())) {
    e = ask(f.address, zone, LDNS_RR_TYPE_NS, Transport::Tcp);
  } else if (!e.packet) {
    // A parent that answers over TCP alone still delegates: judge the rest, and say so.
    Exchange tcp = ask(f.address, zone, LDNS_RR_TYPE_NS, Transport::Tcp);
    if (tcp.packet) {
      f.udpError = e.error;
      e = std::move(tcp);
    } else {
      e.error += ", nor over TCP";
    }
  }
  if (!e.packet) {
    f.error = e.error;
    return;
  }
  f.answered = true;
  const ldns_pkt* p = e.packet.get();
  f.authoritative = ldns_pkt_aa(p);
  const ldns_pkt_section section = f.authoritative ? LDNS_SECTION_ANSWER : LDNS_SECTION_AUTHORITY;
  f.ns = rdataOf(p, section, LDNS_RR_TYPE_NS, zone);
  f.ttl = ttlOf(p, section, LDNS_RR_TYPE_NS, zone);
  if (f.ns.empty()) {
    f.error = "it answers " + rcodeName(p) + " with no delegation of " + zone;
    return;
  }
  for (const auto& n : f.ns) {
    auto addresses = rdataOf(p, LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A, n);
    for (const auto& a : rdataOf(p, LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_AAAA, n)) addresses.push_back(a);
    // One order for A and AAAA together, as the zone's own addresses are kept: "203.0.113.2"
    // sorts after "2001:db8::2", and A-then-AAAA made the same glue a mismatch.
    std::sort(addresses.begin(), addresses.end());
    if (!addresses.empty()) f.glue[n] = addresses;
  }
}

}  // namespace

std::vector<std::string> resolveAddresses(const std::string& name) {
  Resolver res = systemResolver();
  std::vector<std::string> out;
  if (!res) return out;
  for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA})
    if (Packet p = lookup(res.get(), name, type))
      for (const auto& a : rdataOf(p.get(), LDNS_SECTION_ANSWER, type, name)) out.push_back(a);
  return out;
}

void askParents(const Options& o, Report& r) {
  const auto addresses = o.parents.empty() ? findParents(o.zone, r) : o.parents;
  for (const auto& a : addresses) {
    ParentFacts f;
    f.address = a;
    askParent(o.zone, f);
    for (const auto& n : f.ns)
      if (std::find(r.parentNs.begin(), r.parentNs.end(), n) == r.parentNs.end()) r.parentNs.push_back(n);
    r.parents.push_back(std::move(f));
  }
  std::sort(r.parentNs.begin(), r.parentNs.end());
}

}  // namespace lodestarctl::delegation
