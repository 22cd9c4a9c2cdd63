#include "dns/dnssec/zone_signer.hpp"

#include <atomic>
#include <cstdint>
#include <map>
#include <vector>

#include "dns/dnssec/records.hpp"
#include "dns/dnssec/rrsig.hpp"
#include "dns/dnssec/signature_cache.hpp"
#include "dns/dnssec/signed_zone.hpp"
#include "dns/wire/constants.hpp"
#include "dns/wire/name_text.hpp"
#include "dns/wire/rr_type.hpp"
#include "dns/wire/utc_time.hpp"
#include "zones/zone_editor.hpp"

namespace lodestar::dnssec {

namespace {

using zones::Node;
using zones::RRset;

std::atomic<uint64_t> nextGeneration{1};

// The types a signed zone makes itself: zone data holding them would be served beside ours.
bool madeBySigning(uint16_t type) {
  return type == rrtype::DNSKEY || type == rrtype::RRSIG || type == rrtype::NSEC || type == 50 /* NSEC3 */ ||
         type == 51 /* NSEC3PARAM */ || type == rrtype::CDS || type == rrtype::CDNSKEY;
}

class Signer {
 public:
  Signer(zones::Zone& zone, SignedZone& keys, uint32_t now) : edit_(zone), zone_(zone), keys_(keys), now_(now) {}

  // The signatures over `set` of `owner`: one RRSIG set, with one record per key.
  bool sign(const Node& owner, uint16_t type, uint32_t ttl, std::span<const std::string_view> rdata,
            const std::vector<const KeyPair*>& by, std::vector<RRset>& out) {
    // Jitter: each set's expiry is pulled in by its own share of the policy's jitter, the same
    // on every node that signs with the same keys at the same second.
    const uint32_t jitter = keys_.policy.jitter ? spread(owner.name, type) % keys_.policy.jitter : 0;
    const SignatureWindow window{now_ - keys_.policy.inceptionOffset, now_ + keys_.policy.lifetime - jitter};
    std::vector<std::string> sigs;
    for (const KeyPair* key : by) {
      uint8_t rd[kMaxRrsigRdata];
      const size_t n = signRrset(*key, zone_.apex(), {owner.name, type, ttl, rdata}, window, rd, scratch_);
      if (!n) return false;
      sigs.emplace_back(reinterpret_cast<char*>(rd), n);
    }
    if (!keys_.earliestExpiry || window.expiration < keys_.earliestExpiry) keys_.earliestExpiry = window.expiration;
    keys_.signatures += sigs.size();
    std::vector<std::string_view> views(sigs.begin(), sigs.end());
    RRset s;
    s.type = rrtype::RRSIG;
    s.covered = type;
    s.ttl = ttl;
    s.rdata = zones::RdataList::pack(views, edit_.arena());
    s.wire = zones::WireRecord::render(zone_.apex(), owner.name, s.type, ttl, {views.data(), static_cast<uint32_t>(views.size())},
                                       edit_.arena());
    out.push_back(s);
    return true;
  }

  // A set made here (DNSKEY, CDS, CDNSKEY, NSEC), kept in the zone's arena.
  RRset made(const Node& owner, uint16_t type, uint32_t ttl, const std::vector<std::string>& rdata,
             std::vector<std::string_view>& views) {
    views.assign(rdata.begin(), rdata.end());
    RRset s;
    s.type = type;
    s.ttl = ttl;
    s.rdata = zones::RdataList::pack(views, edit_.arena());
    s.wire = zones::WireRecord::render(zone_.apex(), owner.name, type, ttl, {views.data(), static_cast<uint32_t>(views.size())},
                                       edit_.arena());
    return s;
  }

  bool signNode(const Node& node, std::vector<RRset> added) {
    const bool atCut = node.cut == &node;
    if (node.cut && !atCut) return true;  // glue and what the delegation hides: the child's
    std::vector<RRset> sigs;
    std::vector<std::string_view> rdata;
    auto signSet = [&](const RRset& set) {
      // At a delegation only DS (and the NSEC saying there is none) is the parent's to sign.
      if (atCut && set.type != rrtype::DS && set.type != rrtype::NSEC) return true;
      rdata.assign(set.rdata.begin(), set.rdata.end());
      const bool keySet = set.type == rrtype::DNSKEY || set.type == rrtype::CDS || set.type == rrtype::CDNSKEY;
      return sign(node, set.type, set.ttl, rdata, keySet ? keys_.ksks : keys_.zsks, sigs);
    };
    for (const RRset& set : node.rrsets)
      if (!signSet(set)) return false;
    for (const RRset& set : added)
      if (!signSet(set)) return false;
    added.insert(added.end(), sigs.begin(), sigs.end());
    edit_.append(node, added);
    return true;
  }

  zones::ZoneEditor& editor() { return edit_; }

 private:
  static uint32_t spread(std::string_view name, uint16_t type) {
    uint32_t h = 2166136261u ^ type;
    for (char c : name) h = (h ^ static_cast<uint8_t>(c)) * 16777619u;
    return h;
  }

  zones::ZoneEditor edit_;
  const zones::Zone& zone_;
  SignedZone& keys_;
  uint32_t now_;
  SigningScratch scratch_;
};

// Which keys sign what, by their roles and their timing metadata (dnssec-keygen -P/-A/-I/-D),
// as BIND reads them: a key is published from its Publish time, signs from Activate until
// Inactive, and leaves the DNSKEY set at Delete. So a key before Activate is published and
// signs nothing (a ZSK's pre-publication), and one after Inactive stays published, signing
// nothing, until Delete (its post-publication). Every algorithm of the DNSKEY set signs every
// set (RFC 4035 2.2): its ZSKs the data, its KSKs the key sets, and its keys of one role alone
// both. Sets `nextEvent`: the first time still to come at which a key's metadata changes what
// is published or signed.
bool chooseSigners(SignedZone& keys, const zones::DnssecPolicy& policy, uint32_t now, yaml::Diagnostics& diags) {
  bool ok = true;
  std::map<uint8_t, std::pair<std::vector<const KeyPair*>, std::vector<const KeyPair*>>> byAlgorithm;  // ZSKs, KSKs
  auto event = [&](int64_t t) {  // (a time past 2106 is never reached by a 32-bit serial clock)
    if (t > now && t <= int64_t{UINT32_MAX} && (!keys.nextEvent || t < keys.nextEvent)) keys.nextEvent = static_cast<uint32_t>(t);
  };
  std::map<uint8_t, std::string> publishedAlgorithms;  // each algorithm in the DNSKEY set: one key's file
  keys.keys.clear();
  for (size_t i = 0; i < keys.loaded.size(); ++i) {
    const std::shared_ptr<const KeyPair>& key = keys.loaded[i];
    const auto& where = policy.keys[i].where;
    for (int64_t t : {key->publish(), key->activate(), key->inactive(), key->removed()}) event(t);
    // A missing time is "never" in BIND's files (format 1.3), "always" in ldns-keygen's.
    auto reached = [&](int64_t t) { return t ? t <= now : !key->timesAreExplicit(); };
    if (key->removed() && key->removed() <= now) {
      diags.warning(where, "dnssec.keys: " + key->file() + " was deleted at " + wire::formatUtc(key->removed()) +
                               " (its Delete time): it is no longer published; remove it from keys");
      continue;
    }
    if (!reached(key->publish())) {
      diags.warning(where, "dnssec.keys: " + key->file() +
                               (key->publish() ? " is not published until " + wire::formatUtc(key->publish()) +
                                                     " (its Publish time); the zone is signed anew then"
                                               : " has no Publish time (a stand-by key): it is not published"));
      continue;
    }
    const bool signs = reached(key->activate()) && !(key->inactive() && key->inactive() <= now);
    if (signs) {
      auto& roles = byAlgorithm[key->algorithm()];
      (key->isKsk() ? roles.second : roles.first).push_back(key.get());
    }
    publishedAlgorithms.emplace(key->algorithm(), key->file());
    keys.keys.push_back(key);
  }
  for (auto& [alg, roles] : byAlgorithm) {
    auto& [zsks, ksks] = roles;
    for (const KeyPair* k : zsks.empty() ? ksks : zsks) keys.zsks.push_back(k);
    for (const KeyPair* k : ksks.empty() ? zsks : ksks) keys.ksks.push_back(k);
  }
  // Every algorithm of the DNSKEY set signs every set (RFC 4035 2.2, RFC 6840 5.11).
  for (const auto& [alg, file] : publishedAlgorithms)
    if (!byAlgorithm.count(alg)) {
      diags.error(policy.where, "dnssec: algorithm " + std::to_string(alg) + " is published (" + file +
                                    ") but none of its keys signs now; a new algorithm's keys must sign as soon as "
                                    "they are published (an algorithm rollover signs with both)");
      ok = false;
    }
  if (keys.zsks.size() > SignatureCache::kMaxSignatures) {
    diags.error(policy.where, "dnssec: " + std::to_string(keys.zsks.size()) + " keys sign the zone's data at once; at most " +
                                  std::to_string(SignatureCache::kMaxSignatures) +
                                  " can (a rollover needs two per algorithm): give the others Activate or Inactive times");
    ok = false;
  }
  if (ok && keys.zsks.empty()) {
    diags.error(policy.where, "dnssec: no key signs now: each is before its Activate time or past its Inactive time");
    ok = false;
  }
  return ok;
}

}  // namespace

namespace {

// Signs `zone` (holding no set signing makes) with the keys `keys` holds (`loaded` filled, in
// the policy's order), at `now`: chooses the keys that sign by their times, adds DNSKEY, CDS
// and CDNSKEY at the apex, an NSEC at each delegation without DS, a signature over each set it
// is authoritative for, and attaches the keys. False, with the reason in `diags`, when no key
// may sign now or OpenSSL fails (the zone is then half signed: not to be used).
bool signWith(zones::Zone& zone, std::shared_ptr<SignedZone> keys, uint32_t now, yaml::Diagnostics& diags) {
  const zones::DnssecPolicy& policy = keys->policy;
  if (!chooseSigners(*keys, policy, now, diags)) return false;
  keys->generation = nextGeneration.fetch_add(1);

  Signer signer(zone, *keys, now);
  std::vector<RRset> apexSets;
  std::vector<std::string_view> views;
  const Node& apex = zone.apexNode();
  const uint32_t keyTtl = zone.soa().ttl;  // the SOA's TTL: what operators' tools give DNSKEY too
  std::vector<std::string> dnskeys, cds, cdnskeys;
  for (const auto& key : keys->keys) {
    dnskeys.push_back(key->dnskey());
    if (key->isKsk()) {
      cds.push_back(dsRdata(zone.apex(), *key));
      cdnskeys.push_back(key->dnskey());
    }
  }
  apexSets.push_back(signer.made(apex, rrtype::DNSKEY, keyTtl, dnskeys, views));
  if (policy.publishCds && !cds.empty()) {
    apexSets.push_back(signer.made(apex, rrtype::CDS, keyTtl, cds, views));
    apexSets.push_back(signer.made(apex, rrtype::CDNSKEY, keyTtl, cdnskeys, views));
  }
  // Sets are signed node by node; a node's new sets are added once, with their signatures.
  bool signedAll = true;
  zone.forEachNode([&](const Node& n) {
    if (!signedAll) return;
    // A wildcard's sets are signed under its own name like any other: the labels field leaves
    // out the "*" (RFC 4034 3.1.3), so the signature verifies for every name it answers.
    if (zones::isWildcard(n.name)) keys->wildcards = true;
    std::vector<RRset> added;
    if (&n == &apex) added = apexSets;
    if (n.cut == &n && !n.find(rrtype::DS) && n.name.size() + 2 <= wire::kMaxNameLength) {
      // (A cut of 254 or 255 bytes has no room for the next name's extra label: its referral
      // goes without the proof, which only names that long lack.)
      // A delegation without DS: its NSEC proves there is none (the referral is insecure).
      std::string next(1, '\x01');
      next += '\0';
      next += n.name;
      const uint16_t types[] = {wire::rrtype::NS, rrtype::RRSIG, rrtype::NSEC};
      uint8_t rd[300];
      const size_t len = writeNsecRdata(next, types, rd);
      std::vector<std::string> nsec{std::string(reinterpret_cast<char*>(rd), len)};
      added.push_back(signer.made(n, rrtype::NSEC, zone.negativeTtl(), nsec, views));
    }
    signedAll = signer.signNode(n, std::move(added));
  });
  if (!signedAll) {
    diags.error(policy.where, "dnssec: OpenSSL could not sign with the zone's keys");
    return false;
  }
  // Made again when the signatures are due, or when a key starts or stops signing.
  const uint32_t resignAt = keys->nextEvent && keys->nextEvent < keys->refreshAt() ? keys->nextEvent : keys->refreshAt();
  signer.editor().setKeys(std::move(keys), resignAt);
  return true;
}

}  // namespace

bool signZone(zones::Zone& zone, uint32_t now, yaml::Diagnostics& diags) {
  const zones::DnssecPolicy* policy = zone.dnssec();
  if (!policy || zone.isSigned()) return true;
  auto keys = std::make_shared<SignedZone>();
  keys->policy = *policy;
  keys->signedAt = now;
  keys->apex = zone.apex();
  bool ok = true;
  for (const auto& file : policy->keys) {
    std::string error;
    std::shared_ptr<const KeyPair> key = KeyPair::load(file.path, zone.apex(), error);
    if (!key) {
      diags.error(file.where, "dnssec.keys: " + error);
      ok = false;
      continue;
    }
    for (const auto& other : keys->loaded)
      if (other->tag() == key->tag() && other->dnskey() == key->dnskey()) {
        diags.error(file.where, "dnssec.keys: " + file.path + " is the same key as " + other->file());
        ok = false;
      }
    keys->loaded.push_back(std::move(key));
  }
  if (policy->keys.empty()) {
    diags.error(policy->where, "dnssec: no keys (keys: [Kzone.+013+12345], made with ldns-keygen or dnssec-keygen)");
    ok = false;
  }
  bool clash = false;
  zone.forEachNode([&](const Node& n) {
    for (const RRset& set : n.rrsets)
      if (madeBySigning(set.type) && !clash) {
        diags.error(policy->where, "dnssec: the zone data holds a " + wire::rrTypeName(set.type) + " record at " +
                                       wire::nameToText(n.name) +
                                       "; a signed zone makes its own DNSKEY, RRSIG and NSEC records: remove it");
        clash = true;
      }
  });
  if (!ok || clash) return false;
  return signWith(zone, std::move(keys), now, diags);
}

std::unique_ptr<zones::Zone> resignZone(const zones::Zone& zone, uint32_t now, yaml::Diagnostics& diags) {
  const SignedZone* was = signedZone(zone);
  if (!was) {
    diags.error(zone.dnssec() ? zone.dnssec()->where : yaml::SourceLocation{},
                "dnssec: zone " + wire::nameToText(zone.apex()) + " is not signed: nothing to sign again");
    return nullptr;
  }
  // The sets signing made are told apart by their types alone: zone data may not hold them
  // (signZone refuses it), so whatever of them the zone holds, signing added.
  std::unique_ptr<zones::Zone> copy = zones::ZoneEditor::copyUnsigned(zone, madeBySigning);
  auto keys = std::make_shared<SignedZone>();
  keys->policy = was->policy;
  keys->signedAt = now;
  keys->apex = was->apex;
  keys->loaded = was->loaded;  // the keys as read at the compile, with their times
  if (!signWith(*copy, std::move(keys), now, diags)) return nullptr;
  zones::ZoneEditor(*copy).detach();
  return copy;
}

bool signView(zones::View& view, uint32_t now, yaml::Diagnostics& diags) {
  bool ok = true;
  for (const auto& zone : view.zones())
    if (zone->dnssec() && !zone->isSigned()) ok = signZone(*zone, now, diags) && ok;
  return ok;
}

std::unique_ptr<zones::View> resignView(std::vector<std::shared_ptr<zones::Zone>> zones, zones::View::Basis basis,
                                        uint32_t now, yaml::Diagnostics& diags, std::vector<Resigned>& resigned) {
  resigned.clear();
  for (auto& zone : zones) {
    if (!resignDue(*zone, now)) continue;
    std::unique_ptr<zones::Zone> copy = resignZone(*zone, now, diags);
    if (!copy) continue;
    resigned.push_back({wire::nameToText(copy->apex()), signedZone(*copy)->signatures, copy->resignAt()});
    zone = std::move(copy);  // the old one goes with the view still holding it
  }
  if (resigned.empty()) return nullptr;
  return zones::View::make(std::move(zones), std::move(basis));
}

}  // namespace lodestar::dnssec
