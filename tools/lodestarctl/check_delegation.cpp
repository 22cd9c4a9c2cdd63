// check-delegation's questions to the zone's servers, and the comparisons that make findings.
#include "tools/lodestarctl/check_delegation.hpp"

#include <algorithm>
#include <set>

namespace lodestarctl::delegation {

namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out.empty() ? "nothing" : out;
}

std::string hostPort(const ServerAddress& a, uint16_t usual) {
  if (a.port == usual) return a.host;
  return (a.host.find(':') != std::string::npos ? "[" + a.host + "]" : a.host) + ":" + std::to_string(a.port);
}

void addUnique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

std::optional<uint32_t> serialOf(const ldns_pkt* p, const std::string& zone) {
  ldns_rr_list* answer = ldns_pkt_get_section_clone(p, LDNS_SECTION_ANSWER);
  std::optional<uint32_t> serial;
  for (size_t i = 0; answer && i < ldns_rr_list_rr_count(answer) && !serial; ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) > 2 && nameOf(ldns_rr_owner(rr)) == zone)
      serial = ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
  }
  ldns_rr_list_deep_free(answer);
  return serial;
}

// The question over UDP, or over TCP when UDP gave nothing or a truncated answer.
Exchange askEither(const ServerAddress& a, const std::string& name, ldns_rr_type type) {
  Exchange e = ask(a, name, type, Transport::Udp);
  if (!e.packet || ldns_pkt_tc(e.packet.get())) e = ask(a, name, type, Transport::Tcp);
  return e;
}

// SOA over UDP and over TCP; then, from a server that is authoritative, its NS set.
void probe(const std::string& zone, ServerFacts& s) {
  Exchange u = ask(s.address, zone, LDNS_RR_TYPE_SOA, Transport::Udp);
  Exchange t = ask(s.address, zone, LDNS_RR_TYPE_SOA, Transport::Tcp);
  s.udp = u.packet != nullptr;
  s.tcp = t.packet != nullptr;
  s.udpError = u.error;
  s.tcpError = t.error;
  // EDNS and ECS are judged over UDP, how resolvers ask first.
  const ldns_pkt* p = u.packet ? u.packet.get() : t.packet.get();
  if (!p) return;
  s.rcode = rcodeName(p);
  s.serial = serialOf(p, zone);
  s.authoritative = ldns_pkt_aa(p) && ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR && s.serial;
  s.edns = ldns_pkt_edns(p);
  s.ecsEcho = echoesEcs(p);
  if (!s.authoritative) return;
  Exchange ns = askEither(s.address, zone, LDNS_RR_TYPE_NS);
  if (ns.packet && ldns_pkt_aa(ns.packet.get())) {
    s.ns = rdataOf(ns.packet.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_NS, zone);
    s.nsTtl = ttlOf(ns.packet.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_NS, zone);
  }
}

class Checker {
 public:
  Checker(const Options& o, Report& r) : o_(o), r_(r) {}

  void run() {
    askParents(o_, r_);
    if (!parentFindings()) return;
    serversFromParent();
    for (auto& s : r_.servers) probe(r_.zone, s);
    zoneSide();
    glueFindings();
    nsSetFindings();
    for (const auto& s : r_.servers) serverFindings(s);
    serialFindings();
    ttl();
  }

 private:
  std::string who(const ServerFacts& s) const {
    return hostPort(s.address, o_.port) + " (" + (s.names.empty() ? std::string("?") : joined(s.names)) + ")";
  }
  void find(const std::string& code, const std::string& text) {
    for (const auto& f : r_.findings)
      if (f.text == text) return;  // two parents with the same glue: said once
    r_.findings.push_back({code, text});
  }
  ServerFacts& server(const ServerAddress& a, const std::string& name, const std::string& from) {
    auto it = std::find_if(r_.servers.begin(), r_.servers.end(), [&](const ServerFacts& s) { return s.address == a; });
    if (it == r_.servers.end()) {
      r_.servers.emplace_back();
      it = r_.servers.end() - 1;
      it->address = a;
    }
    addUnique(it->names, name);
    addUnique(it->from, from);
    return *it;
  }

  // False when no parent server answers at all (exit 3: nothing else can be judged).
  bool parentFindings() {
    bool any = false;
    for (const auto& p : r_.parents) any = any || p.answered;
    if (!any) {
      r_.parentUnreachable = true;
      find("parent_unreachable", r_.parents.empty() ? "no parent server to ask for the delegation of " + r_.zone +
                                                          " (give them with --parent-ns)"
                                                    : "no parent server answers for " + r_.zone);
      for (const auto& p : r_.parents) find("parent_unreachable", "parent " + hostPort(p.address, 53) + ": " + p.error);
      return false;
    }
    for (const auto& p : r_.parents) {
      if (!p.udpError.empty())
        find("parent_udp_failed", "parent " + hostPort(p.address, 53) + ": " + p.udpError +
                                      ", though TCP answers: resolvers ask over UDP first");
      if (!p.answered) find("parent_unreachable", "parent " + hostPort(p.address, 53) + ": " + p.error);
      else if (p.ns.empty()) find("no_delegation", "parent " + hostPort(p.address, 53) + ": " + p.error);
      else if (p.ns != r_.parentNs)
        find("ns_set_mismatch", "the parent's servers differ: " + hostPort(p.address, 53) + " lists " + joined(p.ns) +
                                    ", all of them together " + joined(r_.parentNs));
    }
    return true;
  }

  // The addresses resolvers would ask: the parent's glue, or the resolver's for names outside the zone.
  void serversFromParent() {
    for (const auto& name : r_.parentNs) {
      bool glued = false;
      for (const auto& p : r_.parents) {
        const auto g = p.glue.find(name);
        if (g == p.glue.end()) continue;
        glued = true;
        for (const auto& a : g->second) server({a, o_.port}, name, "glue");
      }
      if (glued) continue;
      if (inZone(name, r_.zone)) {
        find("missing_glue", "the parent gives no glue for " + name + ", inside the zone: resolvers cannot reach it");
        continue;
      }
      for (const auto& a : resolveAddresses(name)) server({a, o_.port}, name, "resolver");
    }
  }

  // The zone's own NS set and its addresses for each NS name inside it; servers only the zone names are asked too.
  void zoneSide() {
    const ServerFacts* first = nullptr;
    for (const auto& s : r_.servers)
      if (!first && s.authoritative && s.ns) first = &s;
    if (!first) return;
    const ServerAddress from = first->address;
    r_.zoneNs = *first->ns;
    std::vector<std::string> names = r_.parentNs;
    for (const auto& n : r_.zoneNs) addUnique(names, n);
    for (const auto& name : names) {
      if (!inZone(name, r_.zone)) continue;
      auto& addresses = r_.zoneAddresses[name];
      for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA}) {
        Exchange e = askEither(from, name, type);
        if (e.packet && ldns_pkt_aa(e.packet.get()))
          for (const auto& a : rdataOf(e.packet.get(), LDNS_SECTION_ANSWER, type, name)) addresses.push_back(a);
      }
      std::sort(addresses.begin(), addresses.end());
      for (const auto& a : addresses) {
        const size_t before = r_.servers.size();
        ServerFacts& s = server({a, o_.port}, name, "zone");
        if (r_.servers.size() > before) probe(r_.zone, s);
      }
    }
  }

  void glueFindings() {
    for (const auto& p : r_.parents)
      for (const auto& [name, glue] : p.glue) {
        const auto own = r_.zoneAddresses.find(name);
        if (own == r_.zoneAddresses.end()) continue;
        if (own->second.empty())
          find("glue_mismatch", "glue for " + name + ": the parent says " + joined(glue) + ", the zone has no address for it");
        else if (own->second != glue)
          find("glue_mismatch",
               "glue for " + name + ": the parent says " + joined(glue) + ", the zone says " + joined(own->second));
      }
  }

  void nsSetFindings() {
    std::map<std::vector<std::string>, std::vector<std::string>> bySet;  // NS set -> servers giving it
    for (const auto& s : r_.servers)
      if (s.ns && *s.ns != r_.parentNs) bySet[*s.ns].push_back(hostPort(s.address, o_.port));
    for (const auto& [set, servers] : bySet) {
      std::vector<std::string> parentOnly, zoneOnly;
      for (const auto& n : r_.parentNs)
        if (std::find(set.begin(), set.end(), n) == set.end()) parentOnly.push_back(n);
      for (const auto& n : set)
        if (std::find(r_.parentNs.begin(), r_.parentNs.end(), n) == r_.parentNs.end()) zoneOnly.push_back(n);
      find("ns_set_mismatch", "NS set of " + r_.zone + ": the parent lists " + joined(r_.parentNs) + "; " +
                                  joined(servers) + " list" + (servers.size() == 1 ? "s " : " ") + joined(set) +
                                  " (only at the parent: " + joined(parentOnly) + "; only in the zone: " +
                                  joined(zoneOnly) + ")");
    }
  }

  void serverFindings(const ServerFacts& s) {
    if (!s.udp && !s.tcp) {
      find("unreachable", who(s) + ": " + s.udpError + ", nor over TCP");
      return;
    }
    if (!s.udp) find("udp_failed", who(s) + ": " + s.udpError + ", though TCP answers");
    else if (!s.tcp) find("tcp_failed", who(s) + ": answers over UDP but not over TCP: " + s.tcpError);
    if (!s.authoritative) {
      find("lame", who(s) + " is lame: it answers " + r_.zone + " SOA with " + s.rcode +
                       (s.rcode == "NOERROR" ? " but not as authoritative (AA clear, or no SOA)" : "") +
                       ", so it does not serve the zone");
      return;
    }
    if (!s.edns) find("no_edns", who(s) + ": no OPT record in its answer to a query with EDNS0 (EDNS unsupported)");
    else if (!s.ecsEcho)
      find("no_ecs_echo", who(s) + ": does not echo the EDNS Client Subnet option (RFC 7871 7.2.1); resolvers may "
                                   "stop sending ECS and clients lose their region");
  }

  void serialFindings() {
    std::set<uint32_t> serials;
    std::string each;
    for (const auto& s : r_.servers)
      if (s.authoritative && s.serial) {
        serials.insert(*s.serial);
        each += (each.empty() ? "" : ", ") + who(s) + " serves " + std::to_string(*s.serial);
      }
    if (serials.size() > 1) find("serial_mismatch", "serials of " + r_.zone + " differ: " + each);
  }

  void ttl() {
    if (!o_.daemonCheck) return;
    std::string why;
    const auto result = o_.daemonCheck(why);
    if (!result) {
      r_.notes.push_back("TTLs against health checks not judged: " + why);
      return;
    }
    const auto summary = result->find("summary");
    if (summary == result->end() || !summary->is_string()) return;
    for (auto& f : ttlFindings(r_.zone, summary->get<std::string>())) find(f.code, f.text);
  }

  const Options& o_;
  Report& r_;
};

}  // namespace

Report checkDelegation(const Options& o) {
  Report r;
  r.zone = o.zone;
  Checker(o, r).run();
  return r;
}

int exitCode(const Report& r) { return r.parentUnreachable ? 3 : r.findings.empty() ? 0 : 1; }

}  // namespace lodestarctl::delegation
