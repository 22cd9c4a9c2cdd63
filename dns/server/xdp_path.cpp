// Each queue's thread: poll the AF_XDP socket, read the view once per wake-up, answer up
// to a bounded number of batches, then poll again; while replies wait to be sent it wakes
// after 1 ms (doubling while the kernel sends none) to hand them to the kernel and count the
// ones sent. Nothing allocates or locks per query.
#include "dns/server/xdp_path.hpp"

#include "dns/cookies/cookie_stage.hpp"
#include "dns/dnssec/online_signer.hpp"

#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <random>

#include "dns/engine/answer.hpp"
#include "dns/engine/fast_random.hpp"
#include "dns/server/tap_recorder.hpp"
#include "dns/xdp/filter_program.hpp"
#include "dns/xdp/link_check.hpp"
#include "dns/xdp/xsk_queue.hpp"

namespace lodestar::server {

namespace {
constexpr unsigned kBatch = 64;
constexpr unsigned kMaxBatchesPerWake = 16;  // then look at the stop flag again
constexpr int kPollMs = 250;
constexpr int kFlushMs = 1;  // while replies wait on the transmit ring

// Which destinations of one family the filter takes: all when a socket listens on the
// family's wildcard, the listed ones, or none when nothing listens on the family.
xdp::Take takeFor(wire::Family family, const std::vector<config::ListenAddress>& listen,
                  std::vector<wire::Address>& listed) {
  bool any = false, some = false;
  for (const auto& l : listen) {
    if (l.address.family != family) continue;
    const auto& b = l.address.bytes;
    if (std::all_of(b.begin(), b.end(), [](uint8_t x) { return x == 0; })) any = true;
    some = true;
    listed.push_back(l.address);
  }
  return any ? xdp::Take::Any : some ? xdp::Take::Listed : xdp::Take::None;
}
}  // namespace

// One receive queue: its socket, its thread, its counters, and the engine behind it.
struct XdpPath::Queue final : xdp::Responder {
  uint32_t number = 0;
  std::unique_ptr<xdp::XskQueue> socket;
  ViewPublisher* views = nullptr;
  ViewPublisher::Reader* reader = nullptr;
  const zones::View* view = nullptr;  // set for each wake-up
  engine::QueryStats stats;
  engine::Pipeline pipeline{stats};  // its UDP cap is set when the queue starts
  dnssec::OnlineSigner signer{stats};  // in the pipeline, added when the queue starts
  std::unique_ptr<rrl::RateLimiter> limiter;  // in the pipeline, with rate_limit:
  std::unique_ptr<cookies::CookieStage> cookieStage;  // in the pipeline, with cookies on
  engine::FastRandom random{std::random_device{}()};
  std::unique_ptr<TapRecorder> tap;  // with dnstap
  std::thread thread;

  size_t respond(const uint8_t* query, size_t size, const wire::Address& source, uint16_t port, uint8_t* out,
                 size_t room) noexcept override {
    // The frame's room bounds the answer as well as the UDP cap does.
    const engine::Client client{source, engine::Transport::Udp, 0, &random, port};
    engine::AnswerContext a(query, size, client, out, room);
    const size_t n = engine::answerQuery(a, *view, pipeline);
    if (tap) tap->record(a, view->serial());
    return n;
  }
};

XdpPath::XdpPath(const config::XdpConfig& config, const std::vector<config::ListenAddress>& listen,
                 ViewPublisher& views, std::vector<ViewPublisher::Reader*> readers, uint16_t maxPayload,
                 bool detailedStats, std::vector<std::unique_ptr<TapRecorder>> taps,
                 std::shared_ptr<const rrl::RateSettings> rateLimit, const cookies::CookieSecrets* cookies,
                 bool requireCookies)
    : config_(config), filter_(std::make_unique<xdp::FilterProgram>()) {
  if (!start(listen, views, readers, maxPayload, detailedStats, taps, rateLimit.get(), cookies, requireCookies)) {
    note_.clear();
    queues_.clear();
    filter_.reset();
    if (geteuid() != 0 && error_.find("not permitted") != std::string::npos)
      error_ += " (AF_XDP needs root, or CAP_BPF, CAP_NET_ADMIN, CAP_NET_RAW and CAP_IPC_LOCK)";
    return;
  }
  for (auto& q : queues_) {
    q->thread = std::thread([this, raw = q.get()] { run(*raw); });
    pthread_setname_np(q->thread.native_handle(), "lodestar-xdp");
  }
}

bool XdpPath::start(const std::vector<config::ListenAddress>& listen, ViewPublisher& views,
                    const std::vector<ViewPublisher::Reader*>& readers, uint16_t maxPayload, bool detailedStats,
                    std::vector<std::unique_ptr<TapRecorder>>& taps, const rrl::RateSettings* rateLimit,
                    const cookies::CookieSecrets* cookies, bool requireCookies) {
  const unsigned ifindex = if_nametoindex(config_.interface.c_str());
  if (ifindex == 0) {
    error_ = "no network interface named '" + config_.interface + "'";
    return false;
  }
  // Refused before the kernel is touched: links where replies could never reach a client.
  const xdp::LinkFit fit = xdp::examineLink(config_.interface, config_.generic);
  if (!fit.refused.empty()) {
    error_ = fit.refused;
    return false;
  }
  std::vector<wire::Address> listed;
  xdp::FilterSpec spec;
  spec.port = listen.empty() ? 53 : listen.front().port;
  spec.ipv4 = takeFor(wire::Family::IPv4, listen, listed);
  spec.ipv6 = takeFor(wire::Family::IPv6, listen, listed);
  if (!fit.ipv4Refused.empty() && spec.ipv4 != xdp::Take::None) {
    if (spec.ipv6 == xdp::Take::None) {
      error_ = fit.ipv4Refused + "; and no IPv6 address is listened on";
      return false;
    }
    spec.ipv4 = xdp::Take::None;  // its queries go to the kernel, and the sockets answer them
    note_ = "IPv4 queries stay on the sockets: " + fit.ipv4Refused;
  }
  const uint32_t maxQueue = *std::max_element(config_.queues.begin(), config_.queues.end());
  if (!filter_->load(spec, listed, maxQueue + 1, error_)) return false;
  for (size_t i = 0; i < config_.queues.size(); ++i) {
    auto q = std::make_unique<Queue>();
    q->number = config_.queues[i];
    q->views = &views;
    q->reader = readers.at(i);
    q->pipeline.setUdpLimit(maxPayload);
    q->pipeline.setDetailed(detailedStats);
    q->pipeline.add(q->signer);
    if (cookies) {
      q->cookieStage = std::make_unique<cookies::CookieStage>(*cookies, requireCookies);
      q->pipeline.add(*q->cookieStage);
    }
    if (rateLimit) {
      q->limiter = std::make_unique<rrl::RateLimiter>(*rateLimit, q->stats);
      q->pipeline.add(*q->limiter);
    }
    if (i < taps.size()) q->tap = std::move(taps[i]);
    q->socket = xdp::XskQueue::open(config_.interface, q->number, *filter_, error_);
    if (!q->socket) return false;
    queues_.push_back(std::move(q));
  }
  // Attached last: until every socket is registered, no query may be sent to a missing one.
  return filter_->attach(ifindex, config_.generic ? xdp::AttachMode::Generic : xdp::AttachMode::Native, error_);
}

XdpPath::~XdpPath() { stop(); }

void XdpPath::stop() {
  stopping_.store(true, std::memory_order_relaxed);
  for (auto& q : queues_)
    if (q->thread.joinable()) q->thread.join();
  filter_.reset();  // detaches the filter
}

void XdpPath::run(Queue& q) {
  pollfd p{q.socket->fd(), POLLIN, 0};
  int flushWait = kFlushMs;  // doubles while the kernel sends nothing, up to kPollMs
  while (!stopping_.load(std::memory_order_relaxed)) {
    ViewPublisher::leave(*q.reader);  // holds no view while waiting: a reload never waits for us
    if (poll(&p, 1, q.socket->unsent() ? flushWait : kPollMs) > 0) {
      q.view = q.views->enter(*q.reader);
      for (unsigned round = 0; round < kMaxBatchesPerWake; ++round)
        if (q.socket->serve(q, kBatch) < kBatch) break;
    }
    if (const uint32_t before = q.socket->unsent())
      flushWait = q.socket->flush() < before ? kFlushMs : std::min(flushWait * 2, kPollMs);
  }
  ViewPublisher::leave(*q.reader);
}

std::string XdpPath::describe() const {
  std::string queues;
  for (uint32_t n : config_.queues) queues += (queues.empty() ? "" : ",") + std::to_string(n);
  if (!on())
    return "xdp: off on " + config_.interface + " (" + error_ + "); the sockets answer every query";
  const bool zeroCopy = !queues_.empty() && queues_.front()->socket->zeroCopy();
  return "xdp: UDP queries on " + config_.interface + " queue(s) " + queues + " answered through AF_XDP (" +
         (config_.generic ? "generic" : "native") + " mode, " + (zeroCopy ? "zero-copy" : "copy") +
         "); TCP and other traffic on sockets" + (note_.empty() ? "" : "; " + note_);
}

void XdpPath::addStatsTo(engine::StatsTotals& total) const noexcept {
  for (const auto& q : queues_) total.add(q->stats, engine::QueryPath::Xdp);
}

void checkXdpLink(const config::ServerConfig& config, yaml::Diagnostics& diags) {
  if (!config.xdp) return;
  const config::XdpConfig& x = *config.xdp;
  const xdp::LinkFit fit = xdp::examineLink(x.interface, x.generic);
  bool ipv4 = false, ipv6 = false;
  for (const auto& l : config.listen) (l.address.family == wire::Family::IPv4 ? ipv4 : ipv6) = true;
  const std::string off = "; the daemon starts with the path off and its sockets answer every query";
  if (!fit.refused.empty())
    diags.warning(x.interfaceWhere, "xdp.interface: the AF_XDP path cannot answer on " + x.interface + ": " + fit.refused + off);
  else if (!fit.ipv4Refused.empty() && ipv4 && !ipv6)
    diags.warning(x.interfaceWhere, "xdp.interface: the AF_XDP path cannot answer on " + x.interface + ": " +
                                        fit.ipv4Refused + "; and no IPv6 address is listened on" + off);
  else if (!fit.ipv4Refused.empty() && ipv4)
    diags.warning(x.interfaceWhere, "xdp.interface: IPv4 queries on " + x.interface + " stay on the sockets: " +
                                        fit.ipv4Refused);
}

nlohmann::json XdpPath::status() const {
  nlohmann::json queues = nlohmann::json::array();
  for (const auto& q : queues_) {
    const auto& c = q->socket->counters();
    const uint64_t answered = c.answered.load(std::memory_order_relaxed);  // first: queued >= answered
    const uint64_t queued = c.queued.load(std::memory_order_relaxed);
    queues.push_back({{"queue", q->number}, {"received", c.received.load(std::memory_order_relaxed)},
                      {"answered", answered}, {"unsent", queued > answered ? queued - answered : 0},
                      {"malformed", c.malformed.load(std::memory_order_relaxed)},
                      {"transmit_full", c.transmitFull.load(std::memory_order_relaxed)},
                      {"zero_copy", q->socket->zeroCopy()}});
  }
  nlohmann::json j = {{"interface", config_.interface}, {"mode", config_.generic ? "generic" : "native"}, {"on", on()},
                      {"queues", queues}};
  if (!on()) j["error"] = error_;
  if (!note_.empty()) j["note"] = note_;
  return j;
}

}  // namespace lodestar::server
