// The answer context and the stages: what answerQuery() tells its callers about each answer,
// and a feature plugged in after parse and before finish without a new parameter.
#include <catch2/catch.hpp>

#include "dns/engine/answer.hpp"
#include "dns/engine/response.hpp"
#include "dns/server/admin_state.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/test_view.hpp"
#include "zones/view.hpp"

using namespace lodestar;
using engine::AnswerKind;
using test::Bytes;
using test::QueryBuilder;

namespace {

uint8_t gOut[65535];

// The context of one answer, with its pipeline's stats kept for the checks.
struct Asked {
  engine::QueryStats stats;
  engine::Client client;
  engine::AnswerContext ctx{nullptr, 0, client, gOut, sizeof gOut};
  Bytes query;
  size_t length = 0;
};

void ask(Asked& r, const zones::View& view, const Bytes& query, engine::Pipeline& pipeline,
         const char* source = "127.0.0.1", engine::Transport transport = engine::Transport::Udp) {
  r.query = query;
  r.client = {*wire::Address::parse(source), transport};
  r.ctx = engine::AnswerContext(r.query.data(), r.query.size(), r.client, gOut, sizeof gOut);
  r.length = engine::answerQuery(r.ctx, view, pipeline);
}

std::unique_ptr<Asked> ask(const zones::View& view, const QueryBuilder& q, const char* source = "127.0.0.1",
                           engine::Transport transport = engine::Transport::Udp) {
  auto r = std::make_unique<Asked>();
  engine::Pipeline pipeline(r->stats);
  ask(*r, view, q.bytes(), pipeline, source, transport);
  return r;
}

std::string nodeName(const engine::AnswerContext& a) { return a.node ? wire::nameToText(a.node->name) : "-"; }

zones::RegionId regionId(const zones::View& view, const std::string& name) {
  for (zones::RegionId i = 0; i < view.regions().size(); ++i)
    if (view.regions()[i].name == name) return i;
  FAIL("no region " << name);
  return 0;
}

}  // namespace

TEST_CASE("answer context: the kind, zone and node of each static answer", "[engine][context]") {
  const zones::View& view = test::e2eView();
  auto www = ask(view, QueryBuilder().name("www.example.test."));
  CHECK(www->ctx.kind == AnswerKind::Static);
  CHECK(www->ctx.parsed == wire::ParseResult::Ok);
  CHECK(wire::nameToText(std::string(www->ctx.zone->apex())) == "example.test.");
  CHECK(nodeName(www->ctx) == "www.example.test.");
  CHECK(www->ctx.rcode == wire::Rcode::NoError);
  CHECK(www->ctx.length == www->length);
  CHECK(www->ctx.qtype == wire::rrtype::A);
  CHECK(www->ctx.steering.record == nullptr);

  auto nx = ask(view, QueryBuilder().name("x.example.test."));
  CHECK(nx->ctx.kind == AnswerKind::NxDomain);
  CHECK(nx->ctx.rcode == wire::Rcode::NxDomain);
  CHECK(nx->ctx.zone != nullptr);

  auto nodata = ask(view, QueryBuilder().name("mx.example.test.").type(wire::rrtype::AAAA));
  CHECK(nodata->ctx.kind == AnswerKind::NoData);
  CHECK(nodeName(nodata->ctx) == "mx.example.test.");

  auto referral = ask(view, QueryBuilder().name("a.deleg.example.test."));
  CHECK(referral->ctx.kind == AnswerKind::Referral);
  CHECK(nodeName(referral->ctx) == "deleg.example.test.");

  auto chain = ask(view, QueryBuilder().name("chain1.example.test."));
  CHECK(chain->ctx.kind == AnswerKind::CnameChain);
  CHECK(chain->ctx.cnames == 2);
  CHECK(nodeName(chain->ctx) == "chain1.example.test.");

  auto away = ask(view, QueryBuilder().name("away.example.test."));
  CHECK(away->ctx.kind == AnswerKind::CnameChain);
  CHECK(away->ctx.cnames == 1);

  auto dangling = ask(view, QueryBuilder().name("dangling.example.test."));
  CHECK(dangling->ctx.kind == AnswerKind::NxDomain);  // RFC 6604: the chain's end decides
  CHECK(dangling->ctx.cnames == 1);
  CHECK(dangling->ctx.rcode == wire::Rcode::NxDomain);

  auto refused = ask(view, QueryBuilder().name("example.org."));
  CHECK(refused->ctx.kind == AnswerKind::Refused);
  CHECK(refused->ctx.zone == nullptr);
  CHECK(refused->ctx.rcode == wire::Rcode::Refused);

  auto axfr = ask(view, QueryBuilder().name("example.test.").type(wire::rrtype::AXFR));
  CHECK(axfr->ctx.kind == AnswerKind::Refused);

  QueryBuilder badvers = QueryBuilder().name("www.example.test.").withEdns();
  badvers.ednsVersion = 1;
  auto bv = ask(view, badvers);
  CHECK(bv->ctx.kind == AnswerKind::Error);
  CHECK(bv->ctx.rcode == wire::Rcode::BadVers);

  QueryBuilder notimp = QueryBuilder().name("www.example.test.");
  notimp.flags = 0x2000;  // opcode 4, NOTIFY
  auto ni = ask(view, notimp);
  CHECK(ni->ctx.kind == AnswerKind::Error);
  CHECK(ni->ctx.rcode == wire::Rcode::NotImp);

  QueryBuilder response = QueryBuilder().name("www.example.test.");
  response.flags = 0x8000;  // QR: not a query
  auto dropped = ask(view, response);
  CHECK(dropped->ctx.kind == AnswerKind::Dropped);
  CHECK(dropped->length == 0);
  CHECK(dropped->stats.dropped.value() == 1);

  auto big = ask(view, QueryBuilder().name("big.example.test.").type(wire::rrtype::TXT));
  CHECK(big->ctx.kind == AnswerKind::Static);
  CHECK(big->ctx.truncated);
  CHECK(big->ctx.limit == wire::kClassicUdpPayload);
  CHECK(big->stats.truncated.value() == 1);
  auto bigTcp = ask(view, QueryBuilder().name("big.example.test.").type(wire::rrtype::TXT), "127.0.0.1",
                    engine::Transport::Tcp);
  CHECK_FALSE(bigTcp->ctx.truncated);
}

TEST_CASE("answer context: the steering decision as answered, fail-open included", "[engine][context]") {
  test::TempDir dir;
  auto loaded = test::everyPolicyView(dir);
  const auto& view = loaded.view;
  const int64_t now = 1'800'000'000;

  // failover [eu, us-east]
  auto pay = ask(*view, QueryBuilder().name("pay.admin.example.").withEdns().ecs("198.51.100.0/24"));
  REQUIRE(pay->ctx.kind == AnswerKind::Steered);
  REQUIRE(pay->ctx.steering.record != nullptr);
  CHECK(pay->ctx.steering.record->name == "pay.admin.example.");
  REQUIRE(pay->ctx.steering.regionCount == 1);
  CHECK(pay->ctx.steering.regions[0] == regionId(*view, "eu"));
  CHECK_FALSE(pay->ctx.steering.failOpen);
  CHECK(pay->ctx.ecsScope == 0);  // a failover order holds for every client
  auto geo = ask(*view, QueryBuilder().name("geo.admin.example.").withEdns().ecs("10.4.0.0/16"));
  CHECK(geo->ctx.kind == AnswerKind::Steered);
  CHECK(geo->ctx.ecsScope > 0);  // a map's decision holds for the network that decided
  // Never longer than the source: a /8 decided by a /16 network says /8 (found by the fuzz
  // oracle: the tree's /16 was echoed, a scope resting on bits the resolver never sent).
  for (const char* source : {"10.0.0.0/8", "10.4.0.0/15", "::/48", "2001:db8::/32"}) {
    INFO(source);
    auto wide = ask(*view, QueryBuilder().name("geo.admin.example.").withEdns().ecs(source));
    const auto parsed = test::parseAnswer(test::Bytes(gOut, gOut + wide->length));
    REQUIRE(parsed);
    REQUIRE(parsed->ecs);
    CHECK(parsed->ecs->scope <= parsed->ecs->source);
    CHECK(wide->ctx.ecsScope == parsed->ecs->scope);
    auto spill = ask(*view, QueryBuilder().name("spill.admin.example.").withEdns().ecs(source));
    CHECK(spill->ctx.ecsScope <= parsed->ecs->source);
  }
  CHECK(pay->ctx.query == nullptr);  // it lived in answerQuery's frame
  CHECK(pay->stats.byRegion[regionId(*view, "eu")].value() == 1);

  // two regions at once (max_regions: 2), in order
  auto two = ask(*view, QueryBuilder().name("two.admin.example."));
  REQUIRE(two->ctx.steering.regionCount == 2);
  CHECK(two->ctx.steering.regions[0] == regionId(*view, "eu"));
  CHECK(two->ctx.steering.regions[1] == regionId(*view, "us-east"));

  // a CNAME pool: the alias is the steered answer
  auto site = ask(*view, QueryBuilder().name("site.admin.example."));
  CHECK(site->ctx.kind == AnswerKind::Steered);
  CHECK(site->ctx.steering.regionCount == 1);

  // every region of the order drained: fail open, counted once
  server::AdminState drained;
  drained.drained["eu"] = {"test", 0, now};
  drained.drained["us-east"] = {"test", 0, now};
  server::applyAdminState(drained, *view, *loaded.admin, now);
  auto open = ask(*view, QueryBuilder().name("pay.admin.example."));
  CHECK(open->ctx.kind == AnswerKind::Steered);
  CHECK(open->ctx.steering.failOpen);
  CHECK(open->stats.failOpen.value() == 1);

  // failover [asia, us-west] with all_down: nodata, both drained: NODATA, still fail-open
  server::AdminState quiet;
  quiet.drained["asia"] = {"test", 0, now};
  quiet.drained["us-west"] = {"test", 0, now};
  server::applyAdminState(quiet, *view, *loaded.admin, now);
  auto none = ask(*view, QueryBuilder().name("quiet.admin.example."));
  CHECK(none->ctx.kind == AnswerKind::NoData);
  CHECK(none->ctx.steering.failOpen);
  CHECK(none->stats.failOpen.value() == 1);

  // Spill-over reads the client's /24, which is a scope only with ECS. Without it the query's
  // ECS fields are unset, and were read: a /32 asked just before, from the same stack frame,
  // left its source prefix there, and the plain query's context said scope 24.
  server::AdminState east;
  east.drained["us-east"] = {"test", 0, now};
  server::applyAdminState(east, *view, *loaded.admin, now);
  auto exact = ask(*view, QueryBuilder().name("spill.admin.example.").withEdns().ecs("192.0.2.1/32"));
  REQUIRE(exact->ctx.kind == AnswerKind::Steered);
  CHECK(exact->ctx.ecsScope == 24);
  auto plain = ask(*view, QueryBuilder().name("spill.admin.example.").withEdns(), "192.0.2.1");
  REQUIRE(plain->ctx.kind == AnswerKind::Steered);
  CHECK(plain->ctx.ecsScope == 0);
  server::applyAdminState(server::AdminState{}, *view, *loaded.admin, now);
}

namespace {

// Sees every answer at both plug points and remembers what it saw.
struct Recorder final : engine::Stage {
  int parsedCalls = 0, finishCalls = 0;
  AnswerKind kindAtParse = AnswerKind::Static, kindAtFinish = AnswerKind::Dropped;
  const zones::Zone* zoneAtParse = reinterpret_cast<const zones::Zone*>(1);
  std::string qname;
  engine::Verdict afterParse(engine::AnswerContext& a, engine::Response&) noexcept override {
    ++parsedCalls;
    kindAtParse = a.kind;
    zoneAtParse = a.zone;
    qname = wire::nameToText(a.query->qnameLower.view());
    return engine::Verdict::Continue;
  }
  engine::Verdict beforeFinish(engine::AnswerContext& a, engine::Response&) noexcept override {
    ++finishCalls;
    kindAtFinish = a.kind;
    return engine::Verdict::Continue;
  }
};

// Answers REFUSED itself for one name, before any lookup (as a cookie check would).
struct Gate final : engine::Stage {
  engine::Verdict afterParse(engine::AnswerContext& a, engine::Response& r) noexcept override {
    if (wire::nameToText(a.query->qnameLower.view()) != "closed.example.test.") return engine::Verdict::Continue;
    a.kind = AnswerKind::Refused;
    r.setRcode(wire::Rcode::Refused);
    return engine::Verdict::Finish;
  }
};

// Drops NXDOMAIN answers and truncates every other UDP answer (as a rate limit's slip would).
struct Limiter final : engine::Stage {
  engine::Verdict beforeFinish(engine::AnswerContext& a, engine::Response& r) noexcept override {
    if (a.kind == AnswerKind::NxDomain) return engine::Verdict::Drop;
    if (a.client->transport == engine::Transport::Udp) r.truncate();
    return engine::Verdict::Continue;
  }
};

// After finish: the bytes as sent (or none), as a query log reads them.
struct Logger final : engine::Stage {
  int calls = 0;
  Bytes sent;
  AnswerKind kind = AnswerKind::Static;
  bool queryGone = false;
  const zones::View* view = nullptr;
  void afterFinish(const engine::AnswerContext& a, const zones::View& answered) noexcept override {
    ++calls;
    view = &answered;
    sent.assign(a.out, a.out + a.length);
    kind = a.kind;
    queryGone = a.query == nullptr;
  }
};

}  // namespace

TEST_CASE("stages: after finish sees the message as sent, or nothing when a stage dropped it",
          "[engine][context][stages]") {
  const zones::View& view = test::e2eView();
  Asked r;
  engine::Pipeline pipeline(r.stats);
  Limiter limiter;
  Logger logger;
  REQUIRE(pipeline.add(limiter));
  REQUIRE(pipeline.add(logger));
  ask(r, view, QueryBuilder().name("www.example.test.").bytes(), pipeline, "127.0.0.1", engine::Transport::Tcp);
  CHECK(logger.calls == 1);
  REQUIRE(r.length > 0);
  CHECK(logger.sent == Bytes(gOut, gOut + r.length));
  CHECK(logger.kind == AnswerKind::Static);
  CHECK(logger.queryGone);
  CHECK(logger.view == &view);  // the view that answered, for dnstap's region names
  ask(r, view, QueryBuilder().name("nothing.example.test.").bytes(), pipeline);
  CHECK(logger.calls == 2);
  CHECK(logger.sent.empty());
  CHECK(logger.kind == AnswerKind::Dropped);
}

TEST_CASE("stages: plugged in after parse and before finish, in order", "[engine][context][stages]") {
  const zones::View& view = test::e2eView();
  Asked r;
  engine::Pipeline pipeline(r.stats);
  Recorder recorder;
  Gate gate;
  Limiter limiter;
  REQUIRE(pipeline.add(gate));
  REQUIRE(pipeline.add(recorder));
  REQUIRE(pipeline.add(limiter));

  // After parse the query is known and nothing is looked up yet; before finish everything is.
  ask(r, view, QueryBuilder().name("www.example.test.").bytes(), pipeline, "127.0.0.1", engine::Transport::Tcp);
  CHECK(recorder.parsedCalls == 1);
  CHECK(recorder.qname == "www.example.test.");
  CHECK(recorder.kindAtParse == AnswerKind::Dropped);
  CHECK(recorder.zoneAtParse == nullptr);
  CHECK(recorder.finishCalls == 1);
  CHECK(recorder.kindAtFinish == AnswerKind::Static);
  auto tcp = test::parseAnswer(Bytes(gOut, gOut + r.length));
  REQUIRE(tcp);
  CHECK(tcp->answer.size() == 2);

  // A stage that finishes the answer after parse stops the later after-parse stages and the
  // lookup; the answer it made still passes the stages before finish (a rate limit applies).
  ask(r, view, QueryBuilder().name("closed.example.test.").bytes(), pipeline);
  CHECK(recorder.parsedCalls == 1);
  CHECK(recorder.finishCalls == 2);
  CHECK(r.ctx.kind == AnswerKind::Refused);
  CHECK(r.ctx.zone == nullptr);
  auto refused = test::parseAnswer(Bytes(gOut, gOut + r.length));
  REQUIRE(refused);
  CHECK(refused->rcode == 5);

  // Drop: nothing is sent, and it is counted as dropped.
  const uint64_t droppedBefore = r.stats.dropped.value();
  ask(r, view, QueryBuilder().name("nothing.example.test.").bytes(), pipeline);
  CHECK(r.length == 0);
  CHECK(r.ctx.kind == AnswerKind::Dropped);
  CHECK(r.stats.dropped.value() == droppedBefore + 1);

  // A slip: the answer goes out empty with TC=1.
  ask(r, view, QueryBuilder().name("www.example.test.").bytes(), pipeline);
  CHECK(r.ctx.truncated);
  auto slipped = test::parseAnswer(Bytes(gOut, gOut + r.length));
  REQUIRE(slipped);
  CHECK(slipped->tc);
  CHECK(slipped->answer.empty());

  // A pipeline holds a bounded number of stages.
  for (size_t i = 3; i < engine::Pipeline::kMaxStages; ++i) CHECK(pipeline.add(recorder));
  CHECK_FALSE(pipeline.add(recorder));
}

namespace {
// A stage that says it only logs: its other points are never called.
struct LogOnly final : engine::Stage {
  LogOnly() : Stage(engine::kAfterFinish) {}
  int parsed = 0, before = 0, after = 0;
  engine::Verdict afterParse(engine::AnswerContext&, engine::Response&) noexcept override { return ++parsed, engine::Verdict::Continue; }
  engine::Verdict beforeFinish(engine::AnswerContext&, engine::Response&) noexcept override { return ++before, engine::Verdict::Continue; }
  void afterFinish(const engine::AnswerContext&, const zones::View&) noexcept override { ++after; }
};
}  // namespace

TEST_CASE("stages: a stage is called only at the points it names", "[engine][context][stages]") {
  const zones::View& view = test::e2eView();
  Asked r;
  engine::Pipeline pipeline(r.stats);
  LogOnly log;
  Recorder recorder;
  REQUIRE(pipeline.add(log));
  REQUIRE(pipeline.add(recorder));
  ask(r, view, QueryBuilder().name("www.example.test.").bytes(), pipeline);
  ask(r, view, QueryBuilder().name("nope.example.test.").bytes(), pipeline);
  CHECK(log.after == 2);
  CHECK(log.parsed == 0);
  CHECK(log.before == 0);
  CHECK(recorder.parsedCalls == 2);  // every point by default
  CHECK(recorder.finishCalls == 2);
}
