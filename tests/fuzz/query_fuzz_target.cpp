// Fuzz target: any bytes through the parser and the whole answer path, against the steered
// test view (every policy kind, CNAME pools, static data, a delegation) in health and admin
// states drawn from the input, from a client the input picks, and against a signed zone
// (tests/data/dnssec) through the signing stage, so DO=1 queries meet signatures made at load
// and online, and denials both compact and white lies; every answer is checked against the
// invariants of tests/support/answer_invariants.hpp, and a broken one aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>

#include "dns/cookies/cookie_stage.hpp"
#include "dns/dnssec/online_signer.hpp"
#include "dns/dnssec/zone_signer.hpp"
#include "dns/engine/answer.hpp"
#include "dns/rrl/rate_limiter.hpp"
#include "tests/support/answer_invariants.hpp"
#include "tests/support/engine_call.hpp"
#include "tests/support/steered_view.hpp"
#include "tests/support/temp_dir.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;

namespace {

zones::LoadedView& fuzzView() {
  static zones::LoadedView loaded = [] {
    try {
      return test::steeredView();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "cannot load the fuzz view: %s\n", e.what());
      std::abort();
    }
  }();
  return loaded;
}

// The signed zone, signed once; its answers go through a pipeline with the signing stage.
// With the cookie stage and rate limiting too (rates never reached), so queries with COOKIE
// options meet every stage an answering thread has.
struct Signed {
  std::unique_ptr<zones::View> view;
  engine::QueryStats stats;
  dnssec::OnlineSigner signer{stats};
  cookies::CookieSecrets secrets{cookies::Secret{7, 1, 7, 1, 7, 1, 7, 1, 7, 1, 7, 1, 7, 1, 7, 1}};
  cookies::CookieStage cookieStage{secrets};
  rrl::RateLimiter limiter{[] {
                             rrl::RateSettings s;
                             s.perSecond.fill(1'000'000);
                             s.tableEntries = 1024;
                             return s;
                           }(),
                           stats};
  engine::Pipeline pipeline{stats};
};
// The zone as written (compact denial), or with `denial: white-lies` added: the same names,
// so every input of the corpus meets both proofs. The copy names the key files by full path.
Signed* loadSigned(bool whiteLies) {
  auto* out = new Signed;
  yaml::Diagnostics diags;
  std::string path = test::dataPath("dnssec/signed.example.yaml");
  static const test::TempDir dir;
  if (whiteLies) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string keys = "keys: [";
    const size_t at = text.find(keys);
    if (at == std::string::npos) {
      std::fprintf(stderr, "the signed fuzz zone has no keys: line\n");
      std::abort();
    }
    const std::string data = test::dataPath("dnssec/");
    text.replace(at, keys.size(), keys + data);
    for (size_t comma = text.find(", K", at); comma != std::string::npos; comma = text.find(", K", comma + 2))
      text.insert(comma + 2, data);
    path = dir.write("signed.example.yaml", text + "  denial: white-lies\n");
  }
  out->view = zones::loadView({path}, nullptr, diags);
  if (!out->view || !dnssec::signView(*out->view, static_cast<uint32_t>(std::time(nullptr)), diags)) {
    std::fprintf(stderr, "cannot load the signed fuzz zone:\n%s", diags.report().c_str());
    std::abort();
  }
  out->pipeline.add(out->signer);
  out->pipeline.add(out->cookieStage);
  out->pipeline.add(out->limiter);
  return out;
}
Signed& signedZone(bool whiteLies) {
  static Signed* compact = loadSigned(false);
  static Signed* lies = loadSigned(true);
  return *(whiteLies ? lies : compact);
}

// FNV-1a of the input: the same bytes always meet the same states and client, so every
// finding replays from its input alone.
uint64_t inputHash(const uint8_t* data, size_t size) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ULL;
  return h;
}

[[noreturn]] void broken(const std::string& rule, const uint8_t* data, size_t size, bool udp) {
  std::fprintf(stderr, "answer invariant broken over %s: %s\nquery (%zu bytes):", udp ? "UDP" : "TCP", rule.c_str(), size);
  for (size_t i = 0; i < size; ++i) std::fprintf(stderr, "%s%02x", i % 32 ? " " : "\n  ", data[i]);
  std::fprintf(stderr, "\n");
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static uint8_t out[65535];
  zones::LoadedView& fuzz = fuzzView();
  const zones::View& view = *fuzz.view;
  std::mt19937_64 rng(inputHash(data, size));
  test::drawStates(view, *fuzz.admin, rng);
  const char* source = test::kClientAddresses[rng() % std::size(test::kClientAddresses)];
  engine::QueryStats stats;
  for (bool whiteLies : {false, true}) {
    Signed& sz = signedZone(whiteLies);
    for (auto transport : {engine::Transport::Udp, engine::Transport::Tcp}) {
      engine::Client client{*wire::Address::parse(source), transport, static_cast<uint32_t>(rng()), nullptr};
      engine::AnswerContext a(data, size, client, out, sizeof out);
      const size_t n = engine::answerQuery(a, *sz.view, sz.pipeline);
      const bool udp = transport == engine::Transport::Udp;
      if (std::string rule = test::answerViolation(data, size, out, n, udp); !rule.empty()) broken(rule, data, size, udp);
    }
  }
  for (auto transport : {engine::Transport::Udp, engine::Transport::Tcp}) {
    engine::Client client{*wire::Address::parse(source), transport, static_cast<uint32_t>(rng()), nullptr};
    size_t n = test::answerInto(view, data, size, client, out, sizeof out, stats);
    const bool udp = transport == engine::Transport::Udp;
    if (std::string rule = test::answerViolation(data, size, out, n, udp); !rule.empty()) broken(rule, data, size, udp);
  }
  return 0;
}
