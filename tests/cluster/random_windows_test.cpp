// The windows drill of issue 25, against three nodes on a real three-member etcd: twenty
// maintenance windows and drains/undrains mixed, issued through random nodes at random
// moments (seeded: the seed is printed; LODESTAR_SEED=N plays another plan or replays one),
// while pay (failover over two regions) and www (geo over three, asked for three continents)
// are asked on every node every 10 ms over UDP. Nothing is issued with --force, so every
// record always keeps a serving region: no answer may fail open. And every window opens and
// closes on the three nodes within 100 ms of each other, measured from their answers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/cluster_fixture.hpp"
#include "tests/support/cluster_status.hpp"
#include "tests/support/wall_clock.hpp"
#include "tests/support/zone_texts.hpp"

using namespace lodestar::test;

namespace {

// Each region's pool holds one endpoint whose backend runs (.1) and one that no check ever
// finds up (.9): a normal answer carries the live address alone, a fail-open answer every
// address of its region, so the dead one marks a fail-open answer by its addresses alone.
const std::string kShopZone = demoZoneText({.zone = "shop.test", .secondEndpoint = "9", .records = R"(  pay:
    steer: {policy: failover, pool: web, ttl: 30, order: [eu-west, us-east]}
  www:
    steer:
      policy: geo
      pool: web
      ttl: 30
      map:
        NA: [us-east, eu-west, ap-northeast]
        EU: [eu-west, us-east, ap-northeast]
        AS: [ap-northeast, us-east, eu-west]
        default: [us-east, eu-west, ap-northeast]
)"});

const std::vector<std::string> kRegions = {"us-east", "eu-west", "ap-northeast"};

// What is asked: pay (failover: every client alike), www for a client in each continent (ECS).
struct Stream {
  std::string name;
  Bytes query;
};
std::vector<Stream> streams() {
  return {{"pay", QueryBuilder().name("pay.shop.test.").bytes()},
          {"www EU", QueryBuilder().name("www.shop.test.").withEdns().ecs("198.51.100.0/24").bytes()},
          {"www NA", QueryBuilder().name("www.shop.test.").withEdns().ecs("192.0.2.0/24").bytes()},
          {"www AS", QueryBuilder().name("www.shop.test.").withEdns().ecs("203.0.113.0/24").bytes()}};
}

// The answer's addresses, sorted and joined ("" when it has none).
std::string addressesOf(const Bytes& bytes) {
  auto a = parseAnswer(bytes);
  if (!a) return "unparsable";
  std::vector<std::string> out;
  for (const auto& rr : a->answer) out.push_back(rr.substr(rr.find_last_of(" \t") + 1));
  std::sort(out.begin(), out.end());
  std::string joined;
  for (const auto& x : out) joined += (joined.empty() ? "" : " ") + x;
  return joined;
}

struct Change {
  int64_t ms;  // when the first answer that differs from the one before arrived
  std::string answer;
};

// Asks every node for every stream every 10 ms on a thread of its own, keeping each
// (node, stream)'s changes of answer and every fail-open answer.
class Sampler {
 public:
  explicit Sampler(ClusterFixture& c)
      : c_(c), streams_(streams()),
        changes_(static_cast<size_t>(c.size()), std::vector<std::vector<Change>>(streams_.size())) {
    thread_ = std::thread([this] { run(); });
  }
  ~Sampler() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  const std::vector<Change>& changes(int node, size_t stream) const {
    return changes_[static_cast<size_t>(node)][stream];
  }
  size_t streamCount() const { return streams_.size(); }
  const std::string& streamName(size_t s) const { return streams_[s].name; }
  const std::vector<std::string>& failOpen() const { return failOpen_; }
  uint64_t samples() const { return samples_; }
  uint64_t unanswered() const { return unanswered_; }

 private:
  void run() {
    auto next = std::chrono::steady_clock::now();
    while (!stop_) {
      for (int n = 0; n < c_.size(); ++n)
        for (size_t s = 0; s < streams_.size(); ++s) {
          auto bytes = c_.node(n).udp(streams_[s].query, false, std::chrono::milliseconds(200));
          const int64_t at = wallMs();
          ++samples_;
          if (!bytes) {
            ++unanswered_;
            continue;
          }
          const std::string answer = addressesOf(*bytes);
          if (answer.find(".9") != std::string::npos || answer.empty())
            failOpen_.push_back("ns" + std::to_string(n + 1) + " " + streams_[s].name + " at " + utc(at / 1000) + "+" +
                                std::to_string(at % 1000) + "ms: " + (answer.empty() ? "no address" : answer));
          auto& list = changes_[static_cast<size_t>(n)][s];
          if (list.empty() || list.back().answer != answer) list.push_back({at, answer});
        }
      next += std::chrono::milliseconds(10);
      const auto now = std::chrono::steady_clock::now();
      if (next < now) next = now;
      std::this_thread::sleep_until(next);
    }
  }

  ClusterFixture& c_;
  std::vector<Stream> streams_;
  std::vector<std::vector<std::vector<Change>>> changes_;  // by node, by stream
  std::vector<std::string> failOpen_;
  uint64_t samples_ = 0, unanswered_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// One command of the plan.
struct Op {
  int64_t atMs = 0;
  int node = 0;
  std::string region;
  enum class Kind { Window, Drain, Undrain } kind = Kind::Drain;
  int64_t start = 0, end = 0;  // a window's, unix seconds
  int pairedDrain = -1;        // an undrain: the drain it ends (issued only if that was taken)
  // What happened:
  int64_t sentMs = 0, doneMs = 0;
  int status = -1;
  std::string output;
  bool taken() const { return status == 0 || status == 4; }  // 4: committed, not yet applied on every node
  std::string args() const {
    switch (kind) {
      case Kind::Window:
        return "drain " + region + " --at " + utc(start) + " --for " + std::to_string(end - start) + "s --reason drill";
      case Kind::Drain: return "drain " + region + " --reason drill";
      case Kind::Undrain: return "undrain " + region;
    }
    return {};
  }
};

// The plan over `seconds` from `base` (a whole second): 20 windows of 1-4 s, each issued 1.25-6.75
// s before it opens, and 6 drains each undrained 2-5 s later, through random nodes. Every command
// is sent 300-700 ms into its second and every window starts and ends on a whole second, so no
// command's own change lands beside a window's edge, where it would blur what is measured.
std::vector<Op> plan(uint32_t seed, int64_t base, int seconds) {
  std::mt19937 random(seed);
  auto between = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(random); };
  auto node = [&] { return static_cast<int>(between(0, 2)); };
  auto region = [&] { return kRegions[static_cast<size_t>(between(0, 2))]; };
  std::vector<Op> ops;
  for (int k = 0; k < 20; ++k) {
    Op w;
    w.kind = Op::Kind::Window;
    w.region = region();
    w.node = node();
    w.start = base + between(2, seconds - 5);
    w.end = w.start + between(1, 4);
    w.atMs = (between(std::max(base, w.start - 6), w.start - 2)) * 1000 + between(300, 700);
    ops.push_back(w);
  }
  for (int k = 0; k < 6; ++k) {
    Op d;
    d.region = region();
    d.node = node();
    const int64_t at = base + between(0, seconds - 7);
    d.atMs = at * 1000 + between(300, 700);
    Op u = d;
    u.kind = Op::Kind::Undrain;
    u.node = node();
    u.atMs = (at + between(2, 5)) * 1000 + between(300, 700);
    ops.push_back(d);
    ops.push_back(u);
  }
  std::stable_sort(ops.begin(), ops.end(), [](const Op& a, const Op& b) { return a.atMs < b.atMs; });
  for (size_t i = 0; i < ops.size(); ++i)
    if (ops[i].kind == Op::Kind::Undrain)
      for (size_t j = i; j-- > 0;)
        if (ops[j].kind == Op::Kind::Drain && ops[j].region == ops[i].region) {
          ops[i].pairedDrain = static_cast<int>(j);
          break;
        }
  return ops;
}

// Every node reports three nodes, and answers every stream from a live endpoint only (the
// dead ones found down by quorum).
bool settled(ClusterFixture& c) {
  const auto all = streams();
  for (auto start = std::chrono::steady_clock::now(); std::chrono::steady_clock::now() - start < std::chrono::seconds(15);) {
    bool ok = true;
    for (int n = 0; n < c.size() && ok; ++n) {
      auto s = nlohmann::json::parse(c.ctl(n, "status --json").output, nullptr, false);
      ok = !s.is_discarded() && s["result"]["cluster"].value("nodes_alive", 0) == 3;
      for (const auto& q : all) {
        if (!ok) break;
        auto bytes = c.node(n).udp(q.query, false, std::chrono::milliseconds(500));
        const std::string answer = bytes ? addressesOf(*bytes) : "";
        ok = !answer.empty() && answer.find(".9") == std::string::npos;
      }
    }
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

}  // namespace

TEST_CASE("windows and drains issued at random through random nodes: no answer fails open, every window opens and "
          "closes on all nodes within 100 ms",
          "[cluster][e2e][window][drill]") {
  if (!EtcdCluster::available()) FAIL("etcd is not installed (apt-get install etcd-server)");
  const char* fromEnv = std::getenv("LODESTAR_SEED");
  const uint32_t seed = fromEnv ? static_cast<uint32_t>(std::strtoul(fromEnv, nullptr, 10)) : 25u;
  std::cout << "random windows drill: seed " << seed << " (LODESTAR_SEED=" << seed << " replays this plan)\n";
  INFO("seed " << seed);

  ClusterNodeOptions options;
  options.extraZoneFile = kShopZone;
  ClusterFixture c(options);
  REQUIRE(settled(c));
  std::vector<size_t> logBefore;
  std::vector<int64_t> failOpenBefore;  // the node's count of fail-open answers so far
  for (int n = 0; n < c.size(); ++n) {
    logBefore.push_back(c.node(n).log().size());
    failOpenBefore.push_back(failOpenAnswers(c, n));
    REQUIRE(failOpenBefore.back() >= 0);
  }

  constexpr int kSeconds = 34;
  const int64_t base = wallMs() / 1000 + 2;
  std::vector<Op> ops = plan(seed, base, kSeconds);
  {
    Sampler sampler(c);
    for (auto& op : ops) {
      while (wallMs() < op.atMs) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (op.pairedDrain >= 0 && !ops[static_cast<size_t>(op.pairedDrain)].taken()) continue;
      op.sentMs = wallMs();
      auto r = c.ctl(op.node, op.args());
      op.doneMs = wallMs();
      op.status = r.status;
      op.output = r.output;
    }
    while (wallMs() < (base + kSeconds + 1) * 1000) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    sampler.stop();

    // What was issued, and what became of it.
    unsigned windows = 0, windowsTaken = 0, drains = 0, refused = 0;
    std::set<int64_t> edges;
    for (const auto& op : ops) {
      if (op.status < 0) continue;
      std::cout << "  " << utc(op.sentMs / 1000) << "+" << op.sentMs % 1000 << "ms ns" << op.node + 1 << ": "
                << op.args() << " -> exit " << op.status << " in " << op.doneMs - op.sentMs << " ms\n";
      INFO("ns" << op.node + 1 << ": " << op.args() << ": " << op.output);
      CHECK((op.taken() || op.status == 1));  // taken, or refused by the safety rule
      if (op.status == 1) {
        ++refused;
        CHECK_THAT(op.output, Catch::Contains("without a usable region"));
      }
      if (op.kind == Op::Kind::Window) {
        ++windows;
        if (op.taken()) {
          ++windowsTaken;
          edges.insert(op.start);
          edges.insert(op.end);
        }
      } else {
        ++drains;
      }
    }

    // Every edge no command came near: each stream that changed on one node changed on every
    // node, to the same answer, within 100 ms of each other and of the edge.
    unsigned measured = 0, edgesMeasured = 0, skipped = 0;
    int64_t worstSpread = 0, worstLate = 0;
    for (int64_t edge : edges) {
      const int64_t at = edge * 1000;
      const bool near = std::any_of(ops.begin(), ops.end(), [&](const Op& op) {
        return op.status >= 0 && op.sentMs - 20 < at + 250 && at - 250 < op.doneMs + 20;
      });
      if (near) {
        ++skipped;
        continue;
      }
      bool any = false;
      for (size_t s = 0; s < sampler.streamCount(); ++s) {
        std::vector<const Change*> first;
        for (int n = 0; n < c.size(); ++n) {
          const Change* found = nullptr;
          for (const auto& ch : sampler.changes(n, s))
            if (ch.ms > at - 250 && ch.ms <= at + 250) {
              found = &ch;
              break;
            }
          first.push_back(found);
        }
        const auto changed = std::count_if(first.begin(), first.end(), [](const Change* ch) { return ch != nullptr; });
        if (changed == 0) continue;
        INFO("the edge at " << utc(edge) << ", " << sampler.streamName(s));
        CHECK(changed == c.size());  // a node that did not turn with the others
        if (changed != c.size()) continue;
        int64_t lo = first[0]->ms, hi = first[0]->ms;
        for (const Change* ch : first) {
          lo = std::min(lo, ch->ms);
          hi = std::max(hi, ch->ms);
          CHECK(ch->answer == first[0]->answer);
        }
        INFO("first answer changed " << lo - at << " ms after the edge, last " << hi - at << " ms");
        CHECK(hi - lo <= 100);
        CHECK(lo >= at);
        CHECK(hi - at <= 100);
        worstSpread = std::max(worstSpread, hi - lo);
        worstLate = std::max(worstLate, hi - at);
        ++measured;
        any = true;
      }
      edgesMeasured += any;
    }
    std::cout << "  " << windows << " windows issued, " << windowsTaken << " scheduled; " << drains
              << " drains and undrains; " << refused << " refused by the safety rule\n"
              << "  " << edges.size() << " window edges: " << edgesMeasured << " measured (" << measured
              << " answer changes on all three nodes), " << skipped << " beside a command; the three nodes turned within "
              << worstSpread << " ms of each other, at most " << worstLate << " ms after the edge\n"
              << "  " << sampler.samples() << " answers asked, " << sampler.unanswered() << " unanswered, "
              << sampler.failOpen().size() << " fail-open\n";
    CHECK(windowsTaken >= 10);
    // An edge changes no answer when its region is drained already or another window covers it:
    // how many do depends on the plan (seed 25: 8 of 18; seed 7: 6 of 22). Five is enough to
    // show the nodes turning together, and fails a drill that measures next to nothing.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    // Under a sanitizer a command takes 0.2-1.3 s (lodestarctl's start, the acknowledgement),
    // so most edges have one beside them (seen: 12 of 18); the drill still proves no fail-open.
    CHECK(edgesMeasured >= 1);
#else
    CHECK(edgesMeasured >= 5);
#endif
    CHECK(sampler.unanswered() * 100 <= sampler.samples());
    CHECK(sampler.failOpen().empty());
    for (size_t i = 0; i < sampler.failOpen().size() && i < 5; ++i) FAIL_CHECK("a fail-open answer: " << sampler.failOpen()[i]);
  }
  for (int n = 0; n < c.size(); ++n) {
    INFO("ns" << n + 1);
    CHECK(failOpenAnswers(c, n) == failOpenBefore[static_cast<size_t>(n)]);
    CHECK_THAT(c.node(n).log().substr(logBefore[static_cast<size_t>(n)]), !Catch::Contains("fail-open: "));
  }
}
