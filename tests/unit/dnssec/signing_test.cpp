// Signing (issue 27), checked by ldns as the independent verifier: keys written in BIND's
// format (as ldns-keygen writes them) are read, every static set and every answer signed
// online verifies against the zone's DNSKEYs, both algorithms; the signature cache makes
// steady state sign nothing; and a key file that cannot be used is reported at its place.
#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "dns/dnssec/key_pair.hpp"
#include "dns/dnssec/online_signer.hpp"
#include "dns/dnssec/records.hpp"
#include "dns/dnssec/zone_signer.hpp"
#include "dns/engine/answer.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/dnssec_keys.hpp"
#include "tests/support/signed_answers.hpp"
#include "tests/support/temp_dir.hpp"
#include "health/state/registry.hpp"
#include "zones/ldns.hpp"
#include "zones/view_loader.hpp"
#include "zones/view.hpp"

using namespace lodestar;
using namespace lodestar::test;

namespace {

// A key pair as ldns-keygen writes it; returns its base name (Kzone.+alg+tag).
std::string writeKey(const TempDir& dir, const char* zone, ldns_signing_algorithm alg, bool ksk) {
  return writeKeyPair(dir, zone, alg == LDNS_SIGN_ED25519 ? 15 : 13, ksk);
}

const char* const kZone = kSignedTestZone;

}  // namespace

TEST_CASE("dnssec: static sets, steered answers and denials verify with ldns, for ECDSA P-256 and Ed25519",
          "[dnssec]") {
  const auto alg = GENERATE(LDNS_SIGN_ECDSAP256SHA256, LDNS_SIGN_ED25519);
  SignedView sv(alg);
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  dnssec::OnlineSigner signer(stats);
  pipeline.add(signer);
  struct {
    const char* name;
    uint16_t type;
    int answerSets;  // signed sets expected in the answer section
  } positive[] = {{"signed.test.", 48 /* DNSKEY */, 1}, {"signed.test.", 15, 1}, {"signed.test.", 16, 1},
                  {"signed.test.", 6, 1},  {"signed.test.", 2, 1},  {"mail.signed.test.", 1, 1},
                  {"alias.signed.test.", 1, 2}, {"upper.signed.test.", 1, 2}, {"app.signed.test.", 1, 1},
                  {"signed.test.", 59 /* CDS */, 1}};
  for (const auto& p : positive) {
    INFO(p.name << " type " << p.type);
    Asked r;
    ask(*sv.view, pipeline, p.name, p.type, r);
    CHECK(r.rcode == 0);
    const Checked c = verifySection(r.pkt, LDNS_SECTION_ANSWER, sv.keys);
    CHECK(c.signedSets == p.answerSets);
    CHECK(c.unsignedSets == 0);
  }
  // Denials: the SOA and one NSEC at the name, both signed (RFC 9824).
  struct {
    const char* name;
    uint16_t type;
  } negative[] = {{"nothing.signed.test.", 1}, {"mail.signed.test.", 28}, {"app.signed.test.", 28}, {"signed.test.", 99}};
  for (const auto& n : negative) {
    INFO(n.name << " type " << n.type);
    Asked r;
    ask(*sv.view, pipeline, n.name, n.type, r);
    CHECK(r.rcode == 0);  // NOERROR, also for the name that does not exist
    const Checked c = verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys);
    CHECK(c.signedSets == 2);
    CHECK(c.unsignedSets == 0);
    ldns_rr_list* nsec = ldns_pkt_rr_list_by_type(r.pkt, LDNS_RR_TYPE_NSEC, LDNS_SECTION_AUTHORITY);
    REQUIRE(nsec);
    CHECK(ldns_rr_list_rr_count(nsec) == 1);
    ldns_rr_list_deep_free(nsec);
  }
  // A referral proves the child has no DS with the NSEC at the cut (signed at load).
  {
    Asked r;
    ask(*sv.view, pipeline, "www.sub.signed.test.", 1, r);
    const Checked c = verifySection(r.pkt, LDNS_SECTION_AUTHORITY, sv.keys);
    CHECK(c.signedSets == 1);    // the NSEC
    CHECK(c.unsignedSets == 1);  // the NS set is the child's: never signed by the parent
  }
  // Without DO nothing is signed.
  {
    Asked r;
    ask(*sv.view, pipeline, "app.signed.test.", 1, r, false);
    CHECK(ldns_rr_list_rr_count(ldns_pkt_answer(r.pkt)) == 2);  // the two addresses, no RRSIG
  }
}

TEST_CASE("dnssec: steady state signs nothing: the same steered set and denial come from the worker's cache",
          "[dnssec]") {
  SignedView sv(LDNS_SIGN_ECDSAP256SHA256);
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  dnssec::OnlineSigner signer(stats);
  pipeline.add(signer);
  for (int i = 0; i < 3; ++i) {
    Asked a, d;
    ask(*sv.view, pipeline, "app.signed.test.", 1, a);
    ask(*sv.view, pipeline, "app.signed.test.", 28, d);
  }
  CHECK(stats.signaturesMade.value() == 2);  // one set, one denial: each once
  CHECK(stats.signatureHits.value() == 4);
  CHECK(stats.signingFailures.value() == 0);
}

TEST_CASE("dnssec: a key that cannot sign the zone is reported at its place in the policy file", "[dnssec]") {
  TempDir dir;
  const std::string other = writeKey(dir, "other.test.", LDNS_SIGN_ECDSAP256SHA256, true);
  const std::string good = writeKey(dir, "signed.test.", LDNS_SIGN_ECDSAP256SHA256, true);
  dir.write("signed.test.yaml", std::string(kZone) + "dnssec:\n  keys: [" + other + ", Kmissing, " + good + "]\n");
  yaml::Diagnostics diags;
  auto view = zones::loadView({dir.path() + "/signed.test.yaml"}, nullptr, diags);
  REQUIRE(view);
  CHECK_FALSE(dnssec::signView(*view, static_cast<uint32_t>(std::time(nullptr)), diags));
  const std::string text = diags.report();
  INFO(text);
  CHECK(text.find("signed.test.yaml:22:10: dnssec.keys: ") != std::string::npos);
  CHECK(text.find("the key is for other.test., not for the zone signed.test.") != std::string::npos);
  CHECK(text.find("Kmissing.key: cannot be read") != std::string::npos);
  CHECK_FALSE(view->zones().front()->isSigned());
}

TEST_CASE("dnssec: a reload keeps a signed zone until its signatures are due, or its key file changes, then signs it anew",
          "[dnssec]") {
  TempDir dir;
  const std::string key = writeKey(dir, "signed.test.", LDNS_SIGN_ECDSAP256SHA256, true);
  const std::string file = dir.write("signed.test.yaml", std::string(kZone) + "dnssec:\n  keys: [" + key + "]\n");
  health::Registry registry;
  const uint32_t now = static_cast<uint32_t>(std::time(nullptr));
  auto load = [&](const zones::View* previous, uint32_t signAt) {
    yaml::Diagnostics diags;
    auto loaded = zones::loadViewAndAdmin({file}, nullptr, diags, &registry, previous);
    INFO(diags.report());
    REQUIRE(loaded.view);
    REQUIRE(dnssec::signView(*loaded.view, signAt, diags));
    return loaded;
  };
  auto fresh = load(nullptr, now);
  CHECK(fresh.view->zones().front()->resignAt() > now + 6 * 86400);  // 14 days, less 7 of refresh and the jitter
  auto again = load(fresh.view.get(), now);
  CHECK(again.kept == 1);
  CHECK(again.view->zones().front() == fresh.view->zones().front());
  // Signed eight days ago: less than the refresh (7 days) is left, so the next load signs it anew.
  auto old = load(nullptr, now - 8 * 86400);
  CHECK(old.view->zones().front()->resignAt() <= now);
  auto resigned = load(old.view.get(), now);
  CHECK(resigned.kept == 0);
  CHECK(resigned.compiled == 1);
  CHECK(resigned.view->zones().front()->resignAt() > now);
  // The same key's file rewritten (here: another key under the old name) is a changed source.
  const std::string other = writeKey(dir, "signed.test.", LDNS_SIGN_ECDSAP256SHA256, true);
  std::rename((dir.path() + "/" + other + ".key").c_str(), (dir.path() + "/" + key + ".key").c_str());
  std::rename((dir.path() + "/" + other + ".private").c_str(), (dir.path() + "/" + key + ".private").c_str());
  auto rekeyed = load(resigned.view.get(), now);
  CHECK(rekeyed.kept == 0);
}

TEST_CASE("dnssec: NODATA while every endpoint is down (all_down: nodata) does not list the type it denies, and verifies",
          "[dnssec]") {
  TempDir dir;
  const std::string key = writeKey(dir, "signed.test.", LDNS_SIGN_ECDSAP256SHA256, true);
  dir.write("signed.test.yaml", std::string(kZone) +
                                    "  down:\n    steer: {policy: failover, pool: web, order: [east, west], all_down: nodata}\n"
                                    "dnssec:\n  keys: [" + key + "]\n");
  yaml::Diagnostics diags;
  auto loaded = zones::loadViewAndAdmin({dir.path() + "/signed.test.yaml"}, nullptr, diags);
  INFO(diags.report());
  REQUIRE(loaded.view);
  REQUIRE(dnssec::signView(*loaded.view, static_cast<uint32_t>(std::time(nullptr)), diags));
  zones::forEachEndpoint(*loaded.view, [&](const zones::EndpointInView& at) {
    loaded.admin->force(at.id).forced.store(health::Forced::Down, std::memory_order_relaxed);
  });
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  dnssec::OnlineSigner signer(stats);
  pipeline.add(signer);
  Asked r;
  ask(*loaded.view, pipeline, "down.signed.test.", 1, r);
  CHECK(r.rcode == 0);
  CHECK(ldns_rr_list_rr_count(ldns_pkt_answer(r.pkt)) == 0);
  ldns_rr_list* nsec = ldns_pkt_rr_list_by_type(r.pkt, LDNS_RR_TYPE_NSEC, LDNS_SECTION_AUTHORITY);
  REQUIRE(nsec);
  REQUIRE(ldns_rr_list_rr_count(nsec) == 1);
  CHECK_FALSE(ldns_nsec_bitmap_covers_type(ldns_rr_rdf(ldns_rr_list_rr(nsec, 0), 1), LDNS_RR_TYPE_A));
  CHECK(ldns_nsec_bitmap_covers_type(ldns_rr_rdf(ldns_rr_list_rr(nsec, 0), 1), LDNS_RR_TYPE_RRSIG));
  ldns_rr_list_deep_free(nsec);
  const Checked c = verifySection(r.pkt, LDNS_SECTION_AUTHORITY, loadedKeys(dir, key));
  CHECK(c.signedSets == 2);
}

TEST_CASE("dnssec: a query for NXNAME (type 128) is FORMERR, RFC 9824 section 3.5", "[dnssec]") {
  SignedView sv(LDNS_SIGN_ECDSAP256SHA256);
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  Asked r;
  ask(*sv.view, pipeline, "nothing.signed.test.", 128, r);
  CHECK(r.rcode == 1);
}

TEST_CASE("dnssec: a key's timing metadata: published before Activate and after Inactive without signing, gone after Delete",
          "[dnssec]") {
  TempDir dir;
  const std::string ksk = writeKey(dir, "signed.test.", LDNS_SIGN_ECDSAP256SHA256, true);
  const std::string zsk = writeKey(dir, "signed.test.", LDNS_SIGN_ECDSAP256SHA256, false);
  const std::string next = writeKey(dir, "signed.test.", LDNS_SIGN_ECDSAP256SHA256, false);
  // Sets a key's timing fields as dnssec-settime would (YYYYMMDDHHMMSS, UTC).
  auto setTiming = [&](const std::string& base, const std::string& fields) {
    const std::string path = dir.path() + "/" + base + ".private";
    std::ifstream in(path);
    std::string text, line;
    while (std::getline(in, line))
      if (line.rfind("Publish:", 0) && line.rfind("Activate:", 0) && line.rfind("Inactive:", 0) && line.rfind("Delete:", 0))
        text += line + "\n";
    std::ofstream(path) << text << fields;
  };
  const std::string file =
      dir.write("signed.test.yaml", std::string(kZone) + "dnssec:\n  keys: [" + ksk + ", " + zsk + ", " + next + "]\n");
  const uint32_t now = static_cast<uint32_t>(std::time(nullptr));
  struct Seen {
    size_t dnskeys = 0, mxSignatures = 0;
    uint32_t resignAt = 0;
    std::string report;
  };
  auto sign = [&] {
    Seen seen;
    yaml::Diagnostics diags;
    auto view = zones::loadView({file}, nullptr, diags);
    REQUIRE(view);
    REQUIRE(dnssec::signView(*view, now, diags));
    engine::QueryStats stats;
    engine::Pipeline pipeline(stats);
    Asked keys, mx;
    ask(*view, pipeline, "signed.test.", 48, keys);
    ask(*view, pipeline, "signed.test.", 15, mx);
    ldns_rr_list* dnskeys = ldns_pkt_rr_list_by_type(keys.pkt, LDNS_RR_TYPE_DNSKEY, LDNS_SECTION_ANSWER);
    ldns_rr_list* sigs = ldns_pkt_rr_list_by_type(mx.pkt, LDNS_RR_TYPE_RRSIG, LDNS_SECTION_ANSWER);
    seen.dnskeys = dnskeys ? ldns_rr_list_rr_count(dnskeys) : 0;
    seen.mxSignatures = sigs ? ldns_rr_list_rr_count(sigs) : 0;
    ldns_rr_list_deep_free(dnskeys);
    ldns_rr_list_deep_free(sigs);
    seen.resignAt = view->zones().front()->resignAt();
    seen.report = diags.report();
    return seen;
  };
  // The new ZSK pre-published: its Activate time is to come, and the zone is signed anew then.
  setTiming(next, "Publish: 20200101000000\nActivate: 20991231000000\n");
  Seen pre = sign();
  CHECK(pre.dnskeys == 3);
  CHECK(pre.mxSignatures == 1);
  // The old ZSK past its Inactive time and the new one active: both published, the new signs.
  setTiming(zsk, "Inactive: 20200101000000\n");
  setTiming(next, "Activate: 20200101000000\n");
  Seen swapped = sign();
  CHECK(swapped.dnskeys == 3);
  CHECK(swapped.mxSignatures == 1);
  // The old ZSK past its Delete time: no longer published, and the policy file is told so.
  setTiming(zsk, "Inactive: 20200101000000\nDelete: 20200102000000\n");
  Seen gone = sign();
  INFO(gone.report);
  CHECK(gone.dnskeys == 2);
  CHECK(gone.report.find("signed.test.yaml:22:") != std::string::npos);
  CHECK(gone.report.find("was deleted at 2020-01-02T00:00:00Z (its Delete time)") != std::string::npos);
  // A key's time still to come (here the new ZSK's Activate, in an hour) is when the zone is
  // signed anew, before the signatures' own refresh.
  char inAnHour[32];
  const time_t at = static_cast<time_t>(now) + 3600;
  std::strftime(inAnHour, sizeof inAnHour, "Activate: %Y%m%d%H%M%S\n", std::gmtime(&at));
  setTiming(next, inAnHour);
  CHECK(sign().resignAt == now + 3600);
}

TEST_CASE("dnssec: a signed answer too large for the client's UDP size is truncated and whole over TCP, with the ECS scope unchanged",
          "[dnssec]") {
  SignedView sv(LDNS_SIGN_ECDSAP256SHA256);
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  dnssec::OnlineSigner signer(stats);
  pipeline.add(signer);
  auto answer = [&](engine::Transport transport, uint16_t payload, bool dnssecOk, const char* name, uint16_t type,
                    std::vector<uint8_t>& out) {
    QueryBuilder q;
    q.name(name).type(type).withEdns(payload).ecs("198.51.100.0/24");
    q.dnssecOk = dnssecOk;
    const Bytes query = q.bytes();
    out.assign(65535, 0);
    engine::Client client{};
    client.transport = transport;
    engine::AnswerContext a(query.data(), query.size(), client, out.data(), out.size());
    const size_t n = engine::answerQuery(a, *sv.view, pipeline);
    out.resize(n);
    return a;
  };
  std::vector<uint8_t> udp, tcp, unsignedUdp;
  // Seven TXT records of ~50 bytes fit in 512 bytes unsigned; with their signature they do not.
  const engine::AnswerContext plainSmall = answer(engine::Transport::Udp, 512, false, "big.signed.test.", 16, unsignedUdp);
  const engine::AnswerContext small = answer(engine::Transport::Udp, 512, true, "big.signed.test.", 16, udp);
  const engine::AnswerContext whole = answer(engine::Transport::Tcp, 512, true, "big.signed.test.", 16, tcp);
  INFO("unsigned over UDP " << unsignedUdp.size() << " bytes, signed over TCP " << tcp.size());
  CHECK_FALSE(plainSmall.truncated);
  CHECK(small.truncated);
  CHECK(udp.size() <= 512);
  CHECK_FALSE(whole.truncated);
  CHECK(tcp.size() > 512);
  Asked r;
  REQUIRE(ldns_wire2pkt(&r.pkt, tcp.data(), tcp.size()) == LDNS_STATUS_OK);
  CHECK(verifySection(r.pkt, LDNS_SECTION_ANSWER, sv.keys).signedSets == 1);
  // The ECS scope is the decision's, signed or not.
  std::vector<uint8_t> a1, a2;
  const engine::AnswerContext plain = answer(engine::Transport::Udp, 1232, false, "app.signed.test.", 1, a1);
  const engine::AnswerContext withDo = answer(engine::Transport::Udp, 1232, true, "app.signed.test.", 1, a2);
  CHECK(plain.ecsScope == withDo.ecsScope);
  CHECK(a2.size() > a1.size());  // the signature is there
}

TEST_CASE("dnssec: with two algorithms and three data-signing keys, every answer carries each key's signature, cached",
          "[dnssec]") {
  TempDir dir;
  const std::string ksk = writeKey(dir, "signed.test.", LDNS_SIGN_ECDSAP256SHA256, true);
  const std::string zsk1 = writeKey(dir, "signed.test.", LDNS_SIGN_ECDSAP256SHA256, false);
  const std::string zsk2 = writeKey(dir, "signed.test.", LDNS_SIGN_ECDSAP256SHA256, false);
  const std::string csk = writeKey(dir, "signed.test.", LDNS_SIGN_ED25519, true);  // the other algorithm, one key
  dir.write("signed.test.yaml",
            std::string(kZone) + "dnssec:\n  keys: [" + ksk + ", " + zsk1 + ", " + zsk2 + ", " + csk + "]\n");
  yaml::Diagnostics diags;
  auto view = zones::loadView({dir.path() + "/signed.test.yaml"}, nullptr, diags);
  REQUIRE(view);
  REQUIRE(dnssec::signView(*view, static_cast<uint32_t>(std::time(nullptr)), diags));
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  dnssec::OnlineSigner signer(stats);
  pipeline.add(signer);
  ldns_rr_list* keys = ldns_rr_list_new();
  for (const std::string& base : {ksk, zsk1, zsk2, csk}) ldns_rr_list_push_rr(keys, ldns_rr_clone(ldns_rr_list_rr(loadedKeys(dir, base), 0)));
  // Which algorithms signed the answer's sets.
  auto algorithms = [](ldns_pkt* pkt, ldns_pkt_section section) {
    std::vector<int> out;
    ldns_rr_list* sigs = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_RRSIG, section);
    for (size_t i = 0; sigs && i < ldns_rr_list_rr_count(sigs); ++i)
      out.push_back(ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(ldns_rr_list_rr(sigs, i))));
    ldns_rr_list_deep_free(sigs);
    std::sort(out.begin(), out.end());
    return out;
  };
  const std::vector<int> threeKeys = {13, 13, 15};
  for (int round = 0; round < 2; ++round) {
    Asked steered, denied, stat;
    ask(*view, pipeline, "app.signed.test.", 1, steered);
    ask(*view, pipeline, "nothing.signed.test.", 1, denied);
    ask(*view, pipeline, "mail.signed.test.", 1, stat);
    CHECK(algorithms(steered.pkt, LDNS_SECTION_ANSWER) == threeKeys);
    CHECK(algorithms(stat.pkt, LDNS_SECTION_ANSWER) == threeKeys);
    CHECK(algorithms(denied.pkt, LDNS_SECTION_AUTHORITY) == std::vector<int>{13, 13, 13, 13, 15, 15});  // SOA and NSEC
    CHECK(verifySection(steered.pkt, LDNS_SECTION_ANSWER, keys).signedSets == 1);
    CHECK(verifySection(denied.pkt, LDNS_SECTION_AUTHORITY, keys).signedSets == 2);
  }
  CHECK(stats.signaturesMade.value() == 6);  // the steered set and the denial, by three keys, once
  CHECK(stats.signingFailures.value() == 0);
  ldns_rr_list_deep_free(keys);
}

TEST_CASE("dnssec: a BIND key file without a Publish time (dnssec-keygen -P none) is a stand-by key: not published",
          "[dnssec]") {
  TempDir dir;
  const std::string ksk = writeKey(dir, "signed.test.", LDNS_SIGN_ECDSAP256SHA256, true);
  const std::string standBy = writeKey(dir, "signed.test.", LDNS_SIGN_ECDSAP256SHA256, false);
  {
    // BIND's format 1.3 writes the times that apply; this one has none.
    const std::string path = dir.path() + "/" + standBy + ".private";
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t at = text.find("Private-key-format: v1.2");
    REQUIRE(at != std::string::npos);
    text.replace(at, 24, "Private-key-format: v1.3");
    std::ofstream(path) << text;
  }
  const std::string file = dir.write("signed.test.yaml", std::string(kZone) + "dnssec:\n  keys: [" + ksk + ", " + standBy + "]\n");
  yaml::Diagnostics diags;
  auto view = zones::loadView({file}, nullptr, diags);
  REQUIRE(view);
  REQUIRE(dnssec::signView(*view, static_cast<uint32_t>(std::time(nullptr)), diags));
  INFO(diags.report());
  CHECK(diags.report().find("has no Publish time (a stand-by key): it is not published") != std::string::npos);
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  Asked r;
  ask(*view, pipeline, "signed.test.", 48, r);
  ldns_rr_list* dnskeys = ldns_pkt_rr_list_by_type(r.pkt, LDNS_RR_TYPE_DNSKEY, LDNS_SECTION_ANSWER);
  REQUIRE(dnskeys);
  CHECK(ldns_rr_list_rr_count(dnskeys) == 1);
  ldns_rr_list_deep_free(dnskeys);
}
