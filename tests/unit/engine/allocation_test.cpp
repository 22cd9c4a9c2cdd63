// Proves the answer path allocates nothing: every operator new in this binary is counted while
// queries of every answer kind (steered by each policy, with and without ECS, CNAME pools,
// fail-open, NODATA, static, NXDOMAIN, referral, CNAME chain, truncation) are answered from
// the steered test view, in health and admin states redrawn between batches.
// A binary of its own, since replacing the global allocator must not disturb other tests.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include <random>
#include <string>
#include <vector>

#include "dns/cookies/cookie_stage.hpp"
#include "dns/cookies/server_cookie.hpp"
#include "dns/dnssec/online_signer.hpp"
#include "dns/dnssec/zone_signer.hpp"
#include "dns/engine/answer.hpp"
#include "dns/rrl/rate_limiter.hpp"
#include "tests/support/dns_message.hpp"
#include "tests/support/dnssec_keys.hpp"
#include "tests/support/engine_call.hpp"
#include "tests/support/steered_view.hpp"
#include "tests/support/temp_dir.hpp"
#include "zones/view_loader.hpp"

using namespace lodestar;
using test::Bytes;
using test::QueryBuilder;

namespace {
std::atomic<uint64_t> gAllocations{0};

void* counted(std::size_t n, std::size_t align = 0) {
  gAllocations.fetch_add(1, std::memory_order_relaxed);
  if (n == 0) n = 1;
  if (align > alignof(std::max_align_t)) return std::aligned_alloc(align, (n + align - 1) / align * align);
  return std::malloc(n);
}
void* checked(void* p) {
  if (!p) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t n) { return checked(counted(n)); }
void* operator new[](std::size_t n) { return checked(counted(n)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new(std::size_t n, std::align_val_t a) { return checked(counted(n, static_cast<std::size_t>(a))); }
void* operator new[](std::size_t n, std::align_val_t a) { return checked(counted(n, static_cast<std::size_t>(a))); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

// What a case's answer must look like at least once over all the state draws: read from the
// header and the counters only, so checking allocates nothing either.
struct Expect {
  int rcode = 0;
  bool aa = true;
  bool answers = true;     // ANCOUNT > 0
  bool authority = false;  // NSCOUNT > 0
  bool tc = false;
  bool failOpen = false;   // counted as a fail-open answer
};

struct Case {
  std::string what;
  Bytes query;
  engine::Transport transport;
  wire::Address client;
  Expect expect;
  uint64_t seen = 0;  // answers that looked as expected
};

constexpr uint16_t kA = 1, kMx = 15, kTxt = 16, kAaaa = 28, kAny = 255;

Case make(std::string what, const QueryBuilder& q, Expect e, const char* client = "10.1.0.5",
          engine::Transport t = engine::Transport::Udp) {
  return {std::move(what), q.bytes(), t, *wire::Address::parse(client), e};
}

std::vector<Case> everyKind() {
  const Expect answer, nodata{0, true, false, true}, nxdomain{3, true, false, true};
  Expect failOpen;
  failOpen.failOpen = true;
  Expect referral{0, false, false, true};
  Expect refused{5, false, false, false};
  Expect truncated{0, true, false, false, true};
  auto q = [](const char* name, uint16_t type = kA) { return QueryBuilder().name(name).type(type); };
  std::vector<Case> c;
  c.push_back(make("geo A, source in US-CA", q("geo.admin.example."), answer));
  c.push_back(make("geo AAAA, IPv4 ECS in DE", q("geo.admin.example.", kAaaa).ecs("10.4.0.0/16"), answer, "192.0.2.1"));
  c.push_back(make("geo A, IPv6 ECS in JP", q("geo.admin.example.").ecs("2001:db8:2::/48"), answer, "192.0.2.1"));
  c.push_back(make("geo A, custom network by ECS", q("geo.admin.example.").ecs("10.5.1.0/24"), answer));
  c.push_back(make("geo ANY, IPv6 source", q("geo.admin.example.", kAny), answer, "2001:db8:1::1"));
  c.push_back(make("geo spill A, ECS in DE", q("spill.admin.example.").ecs("10.4.0.0/16"), answer));
  c.push_back(make("geo max_regions 2 A", q("two.admin.example."), answer));
  c.push_back(make("nearest A, source in JP", q("near.admin.example."), answer, "10.7.0.1"));
  c.push_back(make("nearest AAAA, ECS in DE", q("near.admin.example.", kAaaa).ecs("10.4.0.0/16"), answer));
  c.push_back(make("nearest A, map entry AT", q("near.admin.example.").ecs("10.4.200.0/24"), answer));
  c.push_back(make("failover A, fails open", q("pay.admin.example."), failOpen));
  c.push_back(make("failover all_down nodata", q("quiet.admin.example."), nodata));
  c.push_back(make("failover min_healthy 2", q("fo2.pol.example."), answer));
  c.push_back(make("weighted A", q("img.admin.example."), answer));
  c.push_back(make("weighted by endpoint", q("we.pol.example."), answer));
  c.push_back(make("all A over TCP", q("many.admin.example."), answer, "10.9.0.1", engine::Transport::Tcp));
  c.push_back(make("all AAAA: the pool has no IPv6, NODATA", q("all.pol.example.", kAaaa), nodata));
  c.push_back(make("CNAME pool A, ECS in DE", q("site.admin.example.").ecs("10.4.0.0/16"), answer));
  c.push_back(make("CNAME pool AAAA", q("cdn.pol.example.", kAaaa), answer, "10.3.0.5"));
  c.push_back(make("static A", q("www.example.test."), answer));
  c.push_back(make("static AAAA with ECS", q("www.example.test.", kAaaa).ecs("198.51.100.0/24"), answer));
  c.push_back(make("static NODATA", q("www.example.test.", kMx), nodata));
  c.push_back(make("NXDOMAIN", q("missing.example.test."), nxdomain));
  c.push_back(make("NXDOMAIN with ECS", q("missing.admin.example.").ecs("10.1.0.0/16"), nxdomain));
  c.push_back(make("referral", q("host.deleg.example.test."), referral));
  c.push_back(make("CNAME chain", q("chain1.example.test."), answer));
  c.push_back(make("CNAME to nothing", q("dangling.example.test."), {3, true, true, true}));
  c.push_back(make("truncated over UDP without EDNS", q("big.example.test.", kTxt), truncated));
  c.push_back(make("truncated over UDP with EDNS 1232", q("big.example.test.", kTxt).withEdns(1232), truncated));
  c.push_back(make("whole over TCP", q("big.example.test.", kTxt), answer, "10.1.0.5", engine::Transport::Tcp));
  c.push_back(make("refused: not ours", q("www.example.com."), refused));
  return c;
}

bool matches(const uint8_t* a, size_t n, const Expect& e) {
  if (n < 12) return false;
  const int rcode = a[3] & 0x0F;
  const bool aa = a[2] & 0x04, tc = a[2] & 0x02;
  const bool answers = a[6] | a[7], authority = a[8] | a[9];
  return rcode == e.rcode && aa == e.aa && tc == e.tc && answers == e.answers && authority == e.authority;
}

}  // namespace

TEST_CASE("the answer path allocates nothing for any answer kind, in changing health and admin states",
          "[engine][alloc]") {
  auto loaded = test::steeredView();
  const auto& view = loaded.view;
  std::vector<Case> cases = everyKind();
  std::mt19937_64 rng(20261203);
  engine::QueryStats stats;
  static uint8_t out[65535];
  uint64_t allocated = 0, answered = 0;
  size_t bytes = 0;
  for (int batch = 0; batch < 400; ++batch) {
    // New states between batches, outside the counted region (the control thread's work).
    if (batch % 5 == 0) test::clearStates(*view, *loaded.admin);
    else test::drawStates(*view, *loaded.admin, rng);
    const uint64_t before = gAllocations.load();
    for (uint32_t round = 0; round < 8; ++round) {
      for (Case& c : cases) {
        engine::Client client{c.client, c.transport, round * 7919 + static_cast<uint32_t>(batch), nullptr};
        const uint64_t failOpen = stats.failOpen.value();
        size_t n = test::answerInto(*view, c.query.data(), c.query.size(), client, out, sizeof out, stats);
        bytes += n;
        ++answered;
        if (matches(out, n, c.expect) && (!c.expect.failOpen || stats.failOpen.value() > failOpen)) ++c.seen;
      }
    }
    allocated += gAllocations.load() - before;
  }
  CHECK(allocated == 0);
  CHECK(answered >= 90'000);
  CHECK(stats.received.value() == answered);
  CHECK(stats.withEcs.value() > 0);
  CHECK(stats.truncated.value() > 0);
  CHECK(bytes > 0);
  for (const Case& c : cases) {
    INFO(c.what);
    CHECK(c.seen > 0);
  }
}

TEST_CASE("the answer path allocates nothing for DO=1 answers of a signed zone, wildcards too, once their signatures are cached",
          "[engine][alloc][dnssec]") {
  test::TempDir dir;
  const std::string key = test::writeKeyPair(dir, "signed.test.", 13, true);
  dir.write("signed.test.yaml", "zone: signed.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.53}\n"
                                "regions:\n  east: {latitude: 39, longitude: -77.5}\n  west: {latitude: 37, longitude: -122}\n"
                                "pools:\n  web:\n    regions:\n      east: [192.0.2.10, 192.0.2.11, 2001:db8::10]\n"
                                "      west: [192.0.2.20]\n"
                                "records:\n  app:\n    steer: {policy: failover, pool: web, order: [east, west]}\n"
                                "  mail: {A: 192.0.2.25}\n  alias: {CNAME: app}\n"
                                "  \"*.cdn\": {A: 192.0.2.50}\n  \"*.to\": {CNAME: x.edge}\n"
                                "  \"*.edge\":\n    steer: {policy: failover, pool: web, order: [west, east]}\n"
                                "dnssec:\n  keys: [" + key + "]\n");
  yaml::Diagnostics diags;
  auto view = zones::loadView({dir.path() + "/signed.test.yaml"}, nullptr, diags);
  INFO(diags.report());
  REQUIRE(view);
  REQUIRE(dnssec::signView(*view, static_cast<uint32_t>(std::time(nullptr)), diags));
  auto q = [](const char* name, uint16_t type) {
    QueryBuilder b;
    b.name(name).type(type).withEdns(1232).ecs("198.51.100.0/24");
    b.dnssecOk = true;
    return b.bytes();
  };
  // With wildcards: a static expansion, NODATA at one, a steered one (its set signed over
  // "*.edge", so one signature for every name), and a CNAME at one to another; each with the
  // NSEC covering its next closer name, from the cache once made.
  const std::vector<Bytes> queries = {q("app.signed.test.", 1),       q("app.signed.test.", 28),
                                      q("app.signed.test.", 16),      q("alias.signed.test.", 1),
                                      q("mail.signed.test.", 1),      q("gone.signed.test.", 1),
                                      q("signed.test.", 48),          q("img.cdn.signed.test.", 1),
                                      q("a.b.cdn.signed.test.", 28),  q("a.edge.signed.test.", 1),
                                      q("b.edge.signed.test.", 28),   q("x.to.signed.test.", 1)};
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  dnssec::OnlineSigner signer(stats);
  pipeline.add(signer);
  static uint8_t out[65535];
  const engine::Client client{wire::Address::parse("192.0.2.1").value(), engine::Transport::Udp, 0, nullptr};
  uint16_t counts[16][2] = {};  // each query's ANCOUNT and NSCOUNT, last time
  auto answerAll = [&] {
    size_t signatures = 0;
    for (size_t i = 0; i < queries.size(); ++i) {
      engine::AnswerContext a(queries[i].data(), queries[i].size(), client, out, sizeof out);
      const size_t n = engine::answerQuery(a, *view, pipeline);
      signatures += n > 0;
      counts[i][0] = static_cast<uint16_t>(out[6] << 8 | out[7]);
      counts[i][1] = static_cast<uint16_t>(out[8] << 8 | out[9]);
    }
    return signatures;
  };
  answerAll();  // the first answers sign, and take the cache's memory
  const uint64_t signings = stats.signaturesMade.value();
  const uint64_t before = gAllocations.load();
  size_t answered = 0;
  for (int round = 0; round < 2000; ++round) answered += answerAll();
  CHECK(gAllocations.load() - before == 0);
  CHECK(answered == 2000 * queries.size());
  CHECK(stats.signaturesMade.value() == signings);  // every later answer was a hit
  CHECK(stats.signatureHits.value() >= 2000 * 4);
  // The wildcard answers were signed and proven (records and their RRSIGs, one ZSK): the
  // expansion and its NSEC; NODATA's SOA, the wildcard's NSEC and the next closer name's;
  // steered A and AAAA (east's) with their NSECs; the CNAME chain with one NSEC per expansion.
  const uint16_t wild[5][2] = {{2, 2}, {0, 6}, {2, 2}, {2, 2}, {4, 4}};
  for (size_t i = 0; i < 5; ++i) {
    INFO("query " << 7 + i);
    CHECK(counts[7 + i][0] == wild[i][0]);
    CHECK(counts[7 + i][1] == wild[i][1]);
  }
}

TEST_CASE("the answer path allocates nothing for wildcard answers", "[engine][alloc][wildcard]") {
  test::TempDir dir;
  dir.write("wild.test.yaml", "zone: wild.test\nsoa: {serial: 1}\nnameservers: {ns1: 192.0.2.53}\n"
                              "regions: {east: ~, west: ~}\npools:\n  web: {regions: {east: [192.0.2.10], west: [192.0.2.20]}}\n"
                              "records:\n  \"*.cdn\": {A: 192.0.2.50}\n  \"*.alias\": {CNAME: x.cdn}\n"
                              "  \"*.edge\": {steer: {policy: failover, pool: web, order: [east, west]}}\n");
  yaml::Diagnostics diags;
  auto view = zones::loadView({dir.path() + "/wild.test.yaml"}, nullptr, diags);
  INFO(diags.report());
  REQUIRE(view);
  auto q = [](const char* name, uint16_t type) { return QueryBuilder().name(name).type(type).withEdns(1232).bytes(); };
  const std::vector<Bytes> queries = {q("a.cdn.wild.test.", 1), q("a.b.cdn.wild.test.", 28), q("a.alias.wild.test.", 1),
                                      q("a.edge.wild.test.", 1), q("nothing.wild.test.", 1)};
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  static uint8_t out[65535];
  const engine::Client client{wire::Address::parse("192.0.2.1").value(), engine::Transport::Udp, 0, nullptr};
  const uint64_t before = gAllocations.load();
  size_t answered = 0;
  for (int round = 0; round < 2000; ++round)
    for (const Bytes& query : queries) {
      engine::AnswerContext a(query.data(), query.size(), client, out, sizeof out);
      answered += engine::answerQuery(a, *view, pipeline) > 0;
    }
  CHECK(gAllocations.load() - before == 0);
  CHECK(answered == 2000 * queries.size());
}

TEST_CASE("the answer path allocates nothing with rate limiting and cookies on, a cookie valid or not",
          "[engine][alloc][rrl][cookies]") {
  zones::LoadedView loaded = test::steeredView();
  engine::QueryStats stats;
  engine::Pipeline pipeline(stats);
  const cookies::Secret secret{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  const cookies::CookieSecrets secrets(secret);
  cookies::CookieStage cookieStage(secrets);
  rrl::RateSettings limits;
  limits.perSecond.fill(1'000'000);  // never reached: every answer pays the whole check
  limits.tableEntries = 1024;
  rrl::RateLimiter limiter(limits, stats);
  pipeline.add(cookieStage);
  pipeline.add(limiter);
  const engine::Client client{wire::Address::parse("192.0.2.1").value(), engine::Transport::Udp, 0, nullptr};
  const uint8_t clientCookie[8] = {0x0d, 0x99, 0x8f, 0xe9, 0xb2, 0x80, 0x6b, 0xfd};
  uint8_t server[16];
  cookies::makeServerCookie(secret, clientCookie, client.source, cookies::CookieStage::wallClock(), server);
  Bytes valid(clientCookie, clientCookie + 8), bad = valid;
  valid.insert(valid.end(), server, server + 16);
  bad.insert(bad.end(), 16, 0x42);
  std::vector<Bytes> queries;
  for (const char* name : {"geo.admin.example.", "www.example.test.", "nothing.example.test."})
    for (const Bytes* cookie : std::initializer_list<const Bytes*>{&valid, &bad, nullptr}) {
      QueryBuilder q;
      q.name(name).type(1).withEdns(1232).ecs("198.51.100.0/24");
      if (cookie) q.option(10, *cookie);
      queries.push_back(q.bytes());
    }
  static uint8_t out[65535];
  auto answerAll = [&] {
    size_t answered = 0;
    for (const Bytes& query : queries) {
      engine::AnswerContext a(query.data(), query.size(), client, out, sizeof out);
      answered += engine::answerQuery(a, *loaded.view, pipeline) > 0;
    }
    return answered;
  };
  answerAll();
  const uint64_t before = gAllocations.load();
  size_t answered = 0;
  for (int round = 0; round < 2000; ++round) answered += answerAll();
  CHECK(gAllocations.load() - before == 0);
  CHECK(answered == 2000 * queries.size());
}
