// dns_replay: the benchmark's own load generator. It replays a query file over UDP with
// sendmmsg/recvmmsg, either at a fixed offered rate (open loop) or as fast as a window of
// outstanding queries allows, and prints one line of key=value results with latency
// percentiles. Used for every server alike; dnsperf cannot vary ECS per query.
//
//   dns_replay mix plain|varied ZONE COUNT OUT [networks.csv]
//   dns_replay run -s ADDR -p PORT -f FILE [-e SUBNET] [-D 1] [-C COOKIE_HEX] [-Q RATE] [-w WINDOW] [-l SECONDS] [-k SOCKETS]
//                  [-R REFILL_MS]
// In closed loop, a window with no answer for REFILL_MS (50) is taken as lost and sent again,
// once per REFILL_MS: a server that is only slow (under callgrind, on a busy machine) would
// otherwise get a burst of queries in one batch, which costs it less per query than the
// closed loop it was measured in.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "tools/bench/replay/latency_histogram.hpp"
#include "tools/bench/replay/query_set.hpp"

using namespace lodestar::bench;

namespace {

constexpr unsigned kBatch = 32;
constexpr size_t kMaxPacket = 4096;

uint64_t nowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
}

struct Options {
  std::string server = "127.0.0.1", file, ecs;
  bool dnssecOk = false;  // -D 1: every query with DO set
  std::vector<uint8_t> cookie;  // -C HEX: every query with this COOKIE option (client cookie, server's)
  int port = 53;
  double rate = 0;        // queries per second; 0 = closed loop
  unsigned window = 100;  // outstanding queries in closed loop
  unsigned refillMs = 50;  // closed loop: a window unanswered this long is sent again
  double seconds = 10;
  unsigned sockets = 1;   // more source ports spread the load over SO_REUSEPORT workers
};

// One source socket with its own ID space: send times by ID (0 = not outstanding).
struct Source {
  int fd = -1;
  uint16_t nextId = 0;
  std::vector<uint64_t> sentAt = std::vector<uint64_t>(65536, 0);
};

struct Totals {
  uint64_t sent = 0, answered = 0, unmatched = 0, overwritten = 0, truncated = 0;
  std::array<uint64_t, 16> rcodes{};
};

int openSocket(const Options& o) {
  sockaddr_storage ss{};
  socklen_t len;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, o.server.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(o.port));
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, o.server.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(o.port));
    len = sizeof *v6;
  } else {
    throw std::runtime_error("bad server address " + o.server);
  }
  int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int buffer = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0)
    throw std::runtime_error("cannot open a socket to " + o.server);
  return fd;
}

class Replayer {
 public:
  Replayer(const Options& o, std::vector<WireQuery> queries) : o_(o), queries_(std::move(queries)) {
    for (unsigned i = 0; i < o.sockets; ++i) sources_.emplace_back().fd = openSocket(o);
    for (unsigned i = 0; i < kBatch; ++i) {
      iov_[i] = {out_[i].data(), 0};
      msgs_[i].msg_hdr = msghdr{};
      msgs_[i].msg_hdr.msg_iov = &iov_[i];
      msgs_[i].msg_hdr.msg_iovlen = 1;
      inIov_[i] = {in_[i].data(), kMaxPacket};
      inMsgs_[i].msg_hdr = msghdr{};
      inMsgs_[i].msg_hdr.msg_iov = &inIov_[i];
      inMsgs_[i].msg_hdr.msg_iovlen = 1;
    }
  }
  ~Replayer() {
    for (auto& s : sources_) close(s.fd);
  }

  void run() {
    const uint64_t start = nowNs();
    const uint64_t end = start + static_cast<uint64_t>(o_.seconds * 1e9);
    uint64_t now = start;
    lastAnswerAt_ = start;
    const uint64_t refillNs = uint64_t(o_.refillMs) * 1'000'000u;
    while (now < end) {
      uint64_t due;
      if (o_.rate > 0) due = static_cast<uint64_t>(o_.rate * static_cast<double>(now - start) / 1e9);
      else if (now - lastAnswerAt_ > refillNs) {  // the window was lost: send it again, once
        due = t_.sent + std::min<uint64_t>(o_.window, kBatch);
        lastAnswerAt_ = now;
      } else due = t_.answered + o_.window;
      if (due > t_.sent) send(static_cast<unsigned>(std::min<uint64_t>(due - t_.sent, kBatch)), now);
      receiveAll();
      now = nowNs();
    }
    elapsed_ = static_cast<double>(now - start) / 1e9;
    // Stragglers: answers to queries sent in the last moments still count, for up to 1 s.
    const uint64_t drainEnd = now + 1'000'000'000;
    while (t_.answered + lateLost() < t_.sent && nowNs() < drainEnd) receiveAll();
  }

  void report() const {
    uint64_t lost = t_.sent - t_.answered;
    std::printf(
        "sent=%llu answered=%llu lost=%llu seconds=%.3f offered_qps=%.0f answered_qps=%.0f p50_us=%llu "
        "p99_us=%llu p999_us=%llu noerror=%llu nxdomain=%llu refused=%llu servfail=%llu other_rcode=%llu "
        "truncated=%llu unmatched=%llu\n",
        ull(t_.sent), ull(t_.answered), ull(lost), elapsed_, double(t_.sent) / elapsed_,
        double(t_.answered) / elapsed_, ull(hist_.percentileMicros(0.50)), ull(hist_.percentileMicros(0.99)),
        ull(hist_.percentileMicros(0.999)), ull(t_.rcodes[0]), ull(t_.rcodes[3]), ull(t_.rcodes[5]),
        ull(t_.rcodes[2]), ull(t_.answered - t_.rcodes[0] - t_.rcodes[3] - t_.rcodes[5] - t_.rcodes[2]),
        ull(t_.truncated), ull(t_.unmatched));
  }

 private:
  static unsigned long long ull(uint64_t v) { return v; }
  uint64_t lateLost() const { return t_.overwritten; }

  void send(unsigned count, uint64_t now) {
    Source& s = sources_[round_++ % sources_.size()];
    for (unsigned i = 0; i < count; ++i) {
      const WireQuery& q = queries_[next_++ % queries_.size()];
      std::memcpy(out_[i].data(), q.bytes.data(), q.bytes.size());
      uint16_t id = s.nextId++;
      if (s.sentAt[id]) ++t_.overwritten;  // unanswered for 65,536 queries: lost
      s.sentAt[id] = now;
      out_[i][0] = static_cast<uint8_t>(id >> 8);
      out_[i][1] = static_cast<uint8_t>(id);
      iov_[i].iov_len = q.bytes.size();
    }
    for (unsigned done = 0; done < count;) {
      int n = sendmmsg(s.fd, msgs_.data() + done, count - done, 0);
      if (n <= 0) break;  // the socket buffer is full: those queries count as lost
      done += static_cast<unsigned>(n);
    }
    t_.sent += count;
  }

  void receiveAll() {
    for (Source& s : sources_) {
      for (;;) {
        int got = recvmmsg(s.fd, inMsgs_.data(), kBatch, MSG_DONTWAIT, nullptr);
        if (got <= 0) break;
        const uint64_t now = nowNs();
        lastAnswerAt_ = now;
        for (int i = 0; i < got; ++i) account(s, in_[i].data(), inMsgs_[i].msg_len, now);
        if (static_cast<unsigned>(got) < kBatch) break;
      }
    }
  }

  void account(Source& s, const uint8_t* p, size_t len, uint64_t now) {
    if (len < 12) return void(++t_.unmatched);
    uint16_t id = static_cast<uint16_t>(p[0] << 8 | p[1]);
    if (!s.sentAt[id]) return void(++t_.unmatched);
    hist_.add(now - s.sentAt[id]);
    s.sentAt[id] = 0;
    ++t_.answered;
    ++t_.rcodes[p[3] & 0x0F];
    if (p[2] & 0x02) ++t_.truncated;
  }

  const Options& o_;
  std::vector<WireQuery> queries_;
  std::vector<Source> sources_;
  size_t next_ = 0, round_ = 0;
  std::array<std::array<uint8_t, kMaxPacket>, kBatch> out_{}, in_{};
  std::array<iovec, kBatch> iov_{}, inIov_{};
  std::array<mmsghdr, kBatch> msgs_{}, inMsgs_{};
  Totals t_;
  LatencyHistogram hist_;
  double elapsed_ = 0;
  uint64_t lastAnswerAt_ = 0;
};

int usage() {
  std::fprintf(stderr,
               "usage: dns_replay mix plain|varied ZONE COUNT OUT [networks.csv]\n"
               "       dns_replay run -s ADDR -p PORT -f FILE [-e SUBNET] [-D 1] [-C COOKIE_HEX] [-Q RATE] [-w WINDOW] [-l SECONDS] "
               "[-k SOCKETS] [-R REFILL_MS]\n");
  return 2;
}

int runCommand(int argc, char** argv) {
  Options o;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "-s") o.server = value;
    else if (flag == "-p") o.port = std::stoi(value);
    else if (flag == "-f") o.file = value;
    else if (flag == "-e") o.ecs = value;
    else if (flag == "-D") o.dnssecOk = value == "1";
    else if (flag == "-C") {
      if (value.size() % 2 || (value.size() != 16 && (value.size() < 32 || value.size() > 80)))
        throw std::runtime_error("-C: a cookie is 16 hex digits, or 32 to 80 with a server cookie");
      for (size_t i = 0; i < value.size(); i += 2) o.cookie.push_back(static_cast<uint8_t>(std::stoi(value.substr(i, 2), nullptr, 16)));
    }
    else if (flag == "-Q") o.rate = std::stod(value);
    else if (flag == "-w") o.window = static_cast<unsigned>(std::stoul(value));
    else if (flag == "-l") o.seconds = std::stod(value);
    else if (flag == "-k") o.sockets = static_cast<unsigned>(std::stoul(value));
    else if (flag == "-R") o.refillMs = static_cast<unsigned>(std::stoul(value));
    else return usage();
  }
  if (o.file.empty() || o.sockets == 0 || o.seconds <= 0 || o.seconds > 600 || o.window == 0 || o.window > 60000 ||
      o.refillMs == 0 || o.refillMs > 60000)
    return usage();
  Replayer r(o, readQueries(o.file, o.ecs, o.dnssecOk, o.cookie));
  r.run();
  r.report();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc >= 2 && std::string(argv[1]) == "run") return runCommand(argc, argv);
    if ((argc == 6 || argc == 7) && std::string(argv[1]) == "mix") {
      bool varied = std::string(argv[2]) == "varied";
      if (varied != (argc == 7)) return usage();
      writeMix(argv[5], argv[3], std::stol(argv[4]), varied ? argv[6] : "");
      return 0;
    }
    return usage();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dns_replay: %s\n", e.what());
    return 1;
  }
}
