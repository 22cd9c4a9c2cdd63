// Re-signing a signed zone in place: its signatures made again without reading any file.
// The real daemon serves a signed zone whose new ZSK starts signing a few seconds after the
// start (its Activate time); meanwhile another zone's file is broken and the signed zone's own
// file edited, neither reloaded. The zone is signed again on time, with the new key and later
// expirations, as the log, a query parsed by ldns, `lodestarctl status` and ldns-verify-zone
// on an export show; the edits stay unpublished and the broken file blocks nothing.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/command.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/dnssec_keys.hpp"
#include "tests/support/signed_answers.hpp"

using namespace lodestar::test;

namespace {

const char* const kOtherZone = R"(zone: other.test
soa: {serial: 3, minimum: 60}
nameservers: {ns1: 192.0.2.54}
records:
  www: {A: 192.0.2.80}
)";

// "Activate: 20261206120000" as dnssec-settime writes it, `at` in UTC.
std::string timing(const char* field, time_t at) {
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d%H%M%S", std::gmtime(&at));
  return std::string(field) + ": " + text + "\n";
}

// The RRSIG over signed.test's MX set as ldns parsed it: "owner TTL RRSIG MX alg labels
// ttl expiration inception tag signer signature".
struct Signature {
  std::string expiration;  // YYYYMMDDHHMMSS: compares as text
  std::string keyTag;
};
Signature mxSignature(DaemonProcess& d) {
  QueryBuilder q = QueryBuilder{}.name("signed.test.").type(15).withEdns(4096);
  q.dnssecOk = true;
  const Answer a = d.askTcp(q);
  for (const std::string& rr : a.answer) {
    std::istringstream in(rr);
    std::vector<std::string> f;
    for (std::string w; in >> w;) f.push_back(w);
    if (f.size() >= 10 && f[2] == "RRSIG" && f[3] == "MX") return {f[7], f[9]};
  }
  FAIL("no RRSIG over the MX set");
  return {};
}

std::string txtOfApex(DaemonProcess& d) {
  const Answer a = d.ask(QueryBuilder{}.name("signed.test.").type(16));
  return a.answer.empty() ? "" : a.answer.front();
}

}  // namespace

TEST_CASE("dnssec: a zone due is signed again in place on time, with no file read: a broken file blocks nothing, an edit is not published",
          "[e2e][dnssec][resign]") {
  TempDir dir;
  const std::string ksk = writeKeyPair(dir, "signed.test.", 13, true);
  const std::string zsk = writeKeyPair(dir, "signed.test.", 13, false);
  // The ZSK is published now and signs from a few seconds on: the zone is due then.
  const time_t start = std::time(nullptr);
  const time_t activates = start + 5;
  std::ofstream(dir.path() + "/" + zsk + ".private", std::ios::app)
      << timing("Publish", start - 86400) << timing("Activate", activates);
  const std::string policy = std::string(kSignedTestZone) + "dnssec:\n  keys: [" + dir.path() + "/" + ksk + ", " +
                             dir.path() + "/" + zsk + "]\n";
  const std::string signedFile = dir.write("zones/signed.test.yaml", policy);
  const std::string otherFile = dir.write("zones/other.test.yaml", kOtherZone);
  const std::string cfg = dir.write("lodestar.yaml", "listen: [127.0.0.1:0]\nworkers: 1\nzones: [zones/]\n"
                                                     "control_socket: ctl.sock\n");
  auto ctl = [&](const std::string& args) { return runCommand(std::string(LODESTARCTL_BINARY) + " -c " + cfg + " " + args); };
  // The DNSSEC section of `lodestarctl status --json`: the zone as the served view holds it.
  auto signedStatus = [&] {
    const auto r = ctl("status --json");
    REQUIRE(r.status == 0);
    INFO(r.output.substr(0, 400));
    const auto status = nlohmann::json::parse(r.output)["result"];
    REQUIRE(status.contains("dnssec"));
    return status["dnssec"][0];
  };
  auto resignAt = [&] { return signedStatus()["resign_at"].get<int64_t>(); };
  DaemonProcess d(cfg);

  const std::string kskTag = std::to_string(std::stoi(ksk.substr(ksk.rfind('+') + 1)));
  const std::string zskTag = std::to_string(std::stoi(zsk.substr(zsk.rfind('+') + 1)));
  const Signature before = mxSignature(d);
  CHECK(before.keyTag == kskTag);  // the KSK signs everything until the ZSK's Activate time
  CHECK(resignAt() == activates);
  const std::string txt = txtOfApex(d);
  CHECK(txt.find("hello") != std::string::npos);

  // Not reloaded: another zone's file broken, and an edit of the signed zone's own.
  dir.write("zones/other.test.yaml", "zone: other.test\nsoa: [broken\n");
  std::string edited = policy;
  edited.replace(edited.find("TXT: hello"), 10, "TXT: edited");
  dir.write("zones/signed.test.yaml", edited);
  (void)signedFile;
  (void)otherFile;

  // Due at `activates`; acted on within the daemon's one-second tick.
  bool resigned = false;
  for (int i = 0; i < 150 && !resigned; ++i) {
    resigned = d.log().find("re-signed signed.test. in place: ") != std::string::npos;
    if (!resigned) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(d.log());
  REQUIRE(resigned);
  CHECK(std::time(nullptr) >= activates);
  CHECK(d.log().find("signatures, next due ") != std::string::npos);
  CHECK(d.log().find("reload") == std::string::npos);  // nothing was reloaded

  const Signature after = mxSignature(d);
  CHECK(after.keyTag == zskTag);  // the ZSK signs the data now
  CHECK(after.expiration > before.expiration);
  CHECK(resignAt() > activates + 86400);  // no key event left: the signatures' own refresh
  CHECK(signedStatus()["signed_at"].get<int64_t>() >= activates);
  CHECK(signedStatus()["static_signatures"].get<int64_t>() > 8);
  // What was edited or broken on disk is not served: the view is the one compiled at the start.
  CHECK(txtOfApex(d) == txt);
  const Answer other = d.ask(QueryBuilder{}.name("www.other.test.").type(1));
  CHECK(other.rcode == 0);
  REQUIRE(other.answer.size() == 1);
  CHECK(other.answer[0].find("192.0.2.80") != std::string::npos);

  // The whole zone as served now verifies (ldns-verify-zone, when installed).
  if (access("/usr/bin/ldns-verify-zone", X_OK) == 0) {
    const std::string exported = dir.path() + "/export.zone";
    REQUIRE(ctl("export signed.test --nsec-chain > " + exported).status == 0);
    const auto verified = runCommand("ldns-verify-zone " + exported);
    INFO(verified.output);
    CHECK(verified.status == 0);
  }

  // A reload now fails on the broken file, and the zone signed again keeps serving.
  CHECK(ctl("reload").status != 0);
  CHECK(mxSignature(d).expiration == after.expiration);
  CHECK(d.alive());
}
