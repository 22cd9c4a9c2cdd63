// Re-signing a signed zone in place: its signatures made again without reading any file.
// ldns verifies the new signatures; the answers are the same records as before; the zones not
// due, the compiled data, the counters and the override table are the same objects; the keys'
// times decide which keys sign at the re-sign; a zone that cannot be signed again stays as it is.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "dns/dnssec/online_signer.hpp"
#include "dns/dnssec/signed_zone.hpp"
#include "dns/dnssec/zone_signer.hpp"
#include "dns/engine/answer.hpp"
#include "dns/wire/name_text.hpp"
#include "health/state/registry.hpp"
#include "tests/support/dnssec_keys.hpp"
#include "tests/support/signed_answers.hpp"
#include "tests/support/temp_dir.hpp"
#include "zones/ldns.hpp"
#include "zones/view_loader.hpp"
#include "zones/zone_editor.hpp"

using namespace lodestar;
using namespace lodestar::test;

namespace {

const char* const kOtherZone = R"(zone: other.test
soa: {serial: 3, minimum: 60}
nameservers: {ns1: 192.0.2.54}
records:
  www: {A: 192.0.2.80}
)";

constexpr uint32_t kDay = 86400;

// Sets a key's timing fields as dnssec-settime would (YYYYMMDDHHMMSS, UTC).
void setTiming(const TempDir& dir, const std::string& base, const std::string& field, uint32_t at) {
  char line[64];
  const time_t t = static_cast<time_t>(at);
  std::strftime(line, sizeof line, "%Y%m%d%H%M%S", std::gmtime(&t));
  std::ofstream(dir.path() + "/" + base + ".private", std::ios::app) << field << ": " << line << "\n";
}

// signed.test (a KSK and a ZSK) and other.test, loaded as the daemon loads them (with a
// registry, so that a later load may keep their zones) and signed at `signAt`.
struct TwoZones {
  TempDir dir;
  std::string ksk, zsk;
  health::Registry registry;
  std::vector<std::string> files;
  zones::LoadedView loaded;
  ldns_rr_list* keys = nullptr;  // both DNSKEYs, for ldns

  explicit TwoZones(uint32_t signAt, uint32_t zskActivates = 0, uint32_t bothInactive = 0) {
    ksk = writeKeyPair(dir, "signed.test.", 13, true);
    zsk = writeKeyPair(dir, "signed.test.", 13, false);
    if (zskActivates) {
      setTiming(dir, zsk, "Publish", signAt - kDay);
      setTiming(dir, zsk, "Activate", zskActivates);
    }
    if (bothInactive)
      for (const std::string& k : {ksk, zsk}) setTiming(dir, k, "Inactive", bothInactive);
    files = {dir.write("signed.test.yaml", std::string(kSignedTestZone) + "dnssec:\n  keys: [" + ksk + ", " + zsk + "]\n"),
             dir.write("other.test.yaml", kOtherZone)};
    yaml::Diagnostics diags;
    loaded = zones::loadViewAndAdmin(files, nullptr, diags, &registry);
    INFO(diags.report());
    REQUIRE(loaded.view);
    REQUIRE(dnssec::signView(*loaded.view, signAt, diags));
    keys = ldns_rr_list_new();
    for (const std::string& base : {ksk, zsk}) ldns_rr_list_push_rr(keys, ldns_rr_clone(ldns_rr_list_rr(loadedKeys(dir, base), 0)));
  }
  ~TwoZones() { ldns_rr_list_deep_free(keys); }

  const std::shared_ptr<zones::Zone>& zone(const char* apexText) const {
    for (const auto& z : loaded.view->zones())
      if (wire::nameToText(z->apex()) == apexText) return z;
    FAIL("no zone " << apexText);
    return loaded.view->zones().front();
  }

  // Every key file removed and every policy file broken: whatever reads a file now fails.
  void breakFiles() {
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      const std::string ext = entry.path().extension().string();
      if (ext == ".key" || ext == ".private") std::filesystem::remove(entry.path());
      else std::ofstream(entry.path()) << "zone: [broken\n";
    }
  }
};

// What a view answers to the queries below, signatures aside: each record as ldns prints it,
// section by section, in order.
const struct {
  const char* name;
  uint16_t type;
} kQueries[] = {{"signed.test.", 6},       {"signed.test.", 15},        {"signed.test.", 48 /* DNSKEY */},
                {"signed.test.", 59 /* CDS */}, {"mail.signed.test.", 1}, {"alias.signed.test.", 1},
                {"app.signed.test.", 1},   {"www.sub.signed.test.", 1}, {"nothing.signed.test.", 1},
                {"www.other.test.", 1}};

std::vector<std::string> records(const zones::View& view) {
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  dnssec::OnlineSigner signer(stats);
  pipeline.add(signer);
  std::vector<std::string> out;
  for (const auto& q : kQueries) {
    Asked r;
    ask(view, pipeline, q.name, q.type, r);
    out.push_back(std::string(q.name) + " " + std::to_string(q.type) + " rcode " + std::to_string(r.rcode));
    for (ldns_rr_list* section : {ldns_pkt_answer(r.pkt), ldns_pkt_authority(r.pkt), ldns_pkt_additional(r.pkt)})
      for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i)
        if (ldns_rr_get_type(ldns_rr_list_rr(section, i)) != LDNS_RR_TYPE_RRSIG) out.push_back(text(ldns_rr_list_rr(section, i)));
  }
  return out;
}

// Every signature of every answer to the queries verifies; returns how many sets were signed.
int verifiedSets(const zones::View& view, ldns_rr_list* keys) {
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  dnssec::OnlineSigner signer(stats);
  pipeline.add(signer);
  int sets = 0;
  for (const auto& q : kQueries) {
    if (std::string(q.name).find("signed.test.") == std::string::npos) continue;
    INFO(q.name << " type " << q.type);
    Asked r;
    ask(view, pipeline, q.name, q.type, r);
    sets += verifySection(r.pkt, LDNS_SECTION_ANSWER, keys).signedSets;
    sets += verifySection(r.pkt, LDNS_SECTION_AUTHORITY, keys).signedSets;
  }
  return sets;
}

// The static signature over signed.test's MX set: its expiration and key tag.
struct Signature {
  uint32_t expiration = 0;
  uint16_t keyTag = 0;
  size_t count = 0;
};
Signature mxSignature(const zones::View& view) {
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  Asked r;
  ask(view, pipeline, "signed.test.", 15, r);
  Signature out;
  ldns_rr_list* sigs = ldns_pkt_rr_list_by_type(r.pkt, LDNS_RR_TYPE_RRSIG, LDNS_SECTION_ANSWER);
  REQUIRE(sigs);
  out.count = ldns_rr_list_rr_count(sigs);
  out.expiration = static_cast<uint32_t>(ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(ldns_rr_list_rr(sigs, 0))));
  out.keyTag = ldns_rdf2native_int16(ldns_rr_rrsig_keytag(ldns_rr_list_rr(sigs, 0)));
  ldns_rr_list_deep_free(sigs);
  return out;
}

std::unique_ptr<zones::View> resign(const zones::View& view, uint32_t now, yaml::Diagnostics& diags,
                                    std::vector<dnssec::Resigned>& resigned) {
  return dnssec::resignView(view.zones(), view.basis(), now, diags, resigned);
}

}  // namespace

TEST_CASE("dnssec: a due zone is signed again in place with no file read, later signatures that verify, and the same answers",
          "[dnssec][resign]") {
  const uint32_t now = static_cast<uint32_t>(std::time(nullptr));
  TwoZones z(now - 8 * kDay);  // eight days ago: less than the refresh (7 days) is left
  const std::shared_ptr<zones::Zone> before = z.zone("signed.test.");
  const std::shared_ptr<zones::Zone> other = z.zone("other.test.");
  REQUIRE(dnssec::resignDue(*before, now));
  CHECK_FALSE(other->isSigned());
  const std::vector<std::string> answered = records(*z.loaded.view);
  const Signature old = mxSignature(*z.loaded.view);
  CHECK(verifiedSets(*z.loaded.view, z.keys) > 8);

  // Nothing on disk can be read any more: a reload would fail, the re-sign must not.
  z.breakFiles();
  {
    yaml::Diagnostics diags;
    CHECK_FALSE(zones::loadView(z.files, nullptr, diags));
  }
  yaml::Diagnostics diags;
  std::vector<dnssec::Resigned> resigned;
  std::unique_ptr<zones::View> next = resign(*z.loaded.view, now, diags, resigned);
  INFO(diags.report());
  REQUIRE(next);
  CHECK(diags.ok());
  REQUIRE(resigned.size() == 1);
  CHECK(resigned[0].apex == "signed.test.");

  const zones::Zone* after = next->findZone(before->apex());
  REQUIRE(after);
  CHECK(after != before.get());
  CHECK(next->findZone(other->apex()) == other.get());  // not due: the same object
  CHECK(next->zones().size() == 2);
  // The same compiled data, origin, serial and counters; the keys read at the compile.
  CHECK(after->sameCompile(*before));
  CHECK(after->origin() == before->origin());
  CHECK(after->serial() == before->serial());
  CHECK(after->statsSlot() == before->statsSlot());
  CHECK(after->steered().front().get() == before->steered().front().get());
  CHECK(next->adminCells() == z.loaded.view->adminCells());
  CHECK(next->extendableAdmin() == z.loaded.view->extendableAdmin());
  CHECK(next->reuseInputs() == z.loaded.view->reuseInputs());
  CHECK(dnssec::signedZone(*after)->loaded.front() == dnssec::signedZone(*before)->loaded.front());
  CHECK(dnssec::signedZone(*after)->generation != dnssec::signedZone(*before)->generation);
  CHECK(resigned[0].signatures == dnssec::signedZone(*after)->signatures);
  CHECK(resigned[0].signatures == dnssec::signedZone(*before)->signatures);
  CHECK(after->resignAt() == resigned[0].resignAt);
  CHECK(after->resignAt() > now + 6 * kDay);
  CHECK(after->nodeCount() == before->nodeCount());

  // Signed eight days later: the same jitter, eight days more.
  const Signature fresh = mxSignature(*next);
  CHECK(fresh.expiration == old.expiration + 8 * kDay);
  CHECK(fresh.count == old.count);
  // The zone it was copied from still answers as it did (it may be serving meanwhile).
  CHECK(mxSignature(*z.loaded.view).expiration == old.expiration);
  CHECK(records(*z.loaded.view) == answered);

  // Once the old view (and with it the old zone) is gone, the new one answers the same records,
  // every signature verifying: nothing in it points into what was freed.
  z.loaded.view.reset();
  CHECK(records(*next) == answered);
  CHECK(verifiedSets(*next, z.keys) > 8);
  CHECK(mxSignature(*next).expiration == fresh.expiration);
}

TEST_CASE("dnssec: a zone signed again in place is kept by the next reload of unchanged files", "[dnssec][resign]") {
  const uint32_t now = static_cast<uint32_t>(std::time(nullptr));
  TwoZones z(now - 8 * kDay);
  yaml::Diagnostics diags;
  std::vector<dnssec::Resigned> resigned;
  std::unique_ptr<zones::View> next = resign(*z.loaded.view, now, diags, resigned);
  REQUIRE(next);
  const zones::Zone* signedAgain = next->findZone(z.zone("signed.test.")->apex());
  yaml::Diagnostics reloadDiags;
  auto reloaded = zones::loadViewAndAdmin(z.files, nullptr, reloadDiags, &z.registry, next.get());
  INFO(reloadDiags.report());
  REQUIRE(reloaded.view);
  CHECK(reloaded.kept == 2);
  CHECK(reloaded.compiled == 0);
  CHECK(reloaded.view->findZone(signedAgain->apex()) == signedAgain);
}

TEST_CASE("dnssec: nothing due, nothing signed again", "[dnssec][resign]") {
  const uint32_t now = static_cast<uint32_t>(std::time(nullptr));
  TwoZones z(now);
  CHECK_FALSE(dnssec::resignDue(*z.zone("signed.test."), now));
  yaml::Diagnostics diags;
  std::vector<dnssec::Resigned> resigned;
  CHECK_FALSE(resign(*z.loaded.view, now, diags, resigned));
  CHECK(resigned.empty());
  CHECK(diags.ok());
}

TEST_CASE("dnssec: a key's Activate time reached makes the zone due, and the re-sign in place signs with that key",
          "[dnssec][resign]") {
  const uint32_t now = static_cast<uint32_t>(std::time(nullptr));
  const uint32_t activates = now + 3600;
  TwoZones z(now, activates);
  const zones::Zone& before = *z.zone("signed.test.");
  const dnssec::SignedZone* was = dnssec::signedZone(before);
  REQUIRE(was->keys.size() == 2);  // the ZSK is published before it signs
  REQUIRE(was->zsks.size() == 1);
  const uint16_t kskTag = was->zsks.front()->tag();  // the KSK signs everything until then
  CHECK(before.resignAt() == activates);
  CHECK(mxSignature(*z.loaded.view).keyTag == kskTag);
  CHECK_FALSE(dnssec::resignDue(before, activates - 1));

  z.breakFiles();
  yaml::Diagnostics diags;
  std::vector<dnssec::Resigned> resigned;
  std::unique_ptr<zones::View> next = resign(*z.loaded.view, activates, diags, resigned);
  INFO(diags.report());
  REQUIRE(next);
  const zones::Zone& after = *next->findZone(before.apex());
  const dnssec::SignedZone* now_ = dnssec::signedZone(after);
  REQUIRE(now_->zsks.size() == 1);
  CHECK(now_->zsks.front()->tag() != kskTag);  // the ZSK now signs the data
  REQUIRE(now_->ksks.size() == 1);
  CHECK(now_->ksks.front()->tag() == kskTag);  // and the KSK the key sets only
  CHECK(mxSignature(*next).keyTag == now_->zsks.front()->tag());
  CHECK(after.resignAt() > activates + 6 * kDay);  // no key event left: the refresh
  CHECK(verifiedSets(*next, z.keys) > 8);
}

TEST_CASE("dnssec: a zone that cannot be signed again (no key signs any more) is left as it is and said why",
          "[dnssec][resign]") {
  const uint32_t now = static_cast<uint32_t>(std::time(nullptr));
  TwoZones z(now, 0, now + 3600);  // both keys stop signing in an hour, with no successor
  const std::shared_ptr<zones::Zone> before = z.zone("signed.test.");
  CHECK(before->resignAt() == now + 3600);
  const Signature old = mxSignature(*z.loaded.view);
  yaml::Diagnostics diags;
  std::vector<dnssec::Resigned> resigned;
  CHECK_FALSE(resign(*z.loaded.view, now + 3600, diags, resigned));
  CHECK(resigned.empty());
  INFO(diags.report());
  CHECK(diags.report().find("none of its keys signs now") != std::string::npos);
  CHECK(z.zone("signed.test.") == before);
  CHECK(mxSignature(*z.loaded.view).expiration == old.expiration);
}

TEST_CASE("dnssec: a copy without the sets signing added keeps nothing of its original's own memory, also where signing left a node alone",
          "[dnssec][resign]") {
  TempDir dir;
  yaml::Diagnostics diags;
  auto view = zones::loadView({dir.write("other.test.yaml", kOtherZone)}, nullptr, diags);
  REQUIRE(view);
  std::shared_ptr<zones::Zone> original = view->zones().front();
  view.reset();
  const std::string www("\x03www\x05other\x04test\x00", 16);
  const std::string address("\xC0\x00\x02\x50", 4);  // 192.0.2.80
  REQUIRE(original->find(www));
  // A signature set appended as signing appends one: the node's sets now lie in the zone's own memory.
  zones::RRset sig;
  sig.type = zones::Node::kRrsigType;
  sig.covered = 1;
  sig.ttl = 60;
  zones::ZoneEditor(*original).append(*original->find(www), std::span<const zones::RRset>(&sig, 1));
  REQUIRE(original->find(www)->rrsets.size() == 2);
  auto addedBySigning = +[](uint16_t type) { return type == zones::Node::kRrsigType; };
  // Copied twice, never signed in between (signing leaves the node alone): each copy must take
  // the node's set into its own memory, as the original and the first copy are freed.
  std::unique_ptr<zones::Zone> first = zones::ZoneEditor::copyUnsigned(*original, addedBySigning);
  zones::ZoneEditor(*first).detach();
  original.reset();
  const zones::RRset* firstSets = first->find(www)->rrsets.first;
  std::unique_ptr<zones::Zone> second = zones::ZoneEditor::copyUnsigned(*first, addedBySigning);
  zones::ZoneEditor(*second).detach();
  CHECK(second->find(www)->rrsets.first != firstSets);  // its own, not the first copy's
  first.reset();
  const zones::Node* node = second->find(www);
  REQUIRE(node);
  REQUIRE(node->rrsets.size() == 1);
  CHECK(node->rrsets[0].type == 1);
  CHECK(node->rrsets[0].rdata.front() == address);
  CHECK(second->soa().type == 6);
  CHECK(second->serial() == 3);
}
