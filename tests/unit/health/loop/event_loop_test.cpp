// The control thread's EventLoop on its own: timers in time order, cancel, callbacks that
// change the loop while it runs, fd watches, and stop. Timers are set in the past so that
// nothing sleeps.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "health/loop/event_loop.hpp"

using lodestar::loop::EventLoop;
using namespace std::chrono_literals;

namespace {

struct Pipe {
  int fds[2];
  Pipe() { REQUIRE(pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0); }
  ~Pipe() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  int readEnd() const { return fds[0]; }
  void put() const { REQUIRE(write(fds[1], "x", 1) == 1); }
  void drain() const {
    char b[16];
    while (read(fds[0], b, sizeof b) > 0) {}
  }
};

}  // namespace

TEST_CASE("event loop: due timers fire once, in time order, not in the order they were set", "[health][loop]") {
  EventLoop loop;
  std::string fired;
  const auto now = EventLoop::Clock::now();
  loop.at(now - 1ms, [&] { fired += "c"; });
  loop.at(now - 3ms, [&] { fired += "a"; });
  loop.at(now - 2ms, [&] { fired += "b"; });
  loop.at(now + 1h, [&] { fired += "later"; });
  loop.runOnce(0ms);
  CHECK(fired == "abc");
  loop.runOnce(0ms);
  CHECK(fired == "abc");
}

TEST_CASE("event loop: a cancelled timer never fires, and callbacks may set and cancel timers", "[health][loop]") {
  EventLoop loop;
  std::vector<std::string> fired;
  const auto past = EventLoop::Clock::now() - 10ms;
  auto gone = loop.at(past, [&] { fired.push_back("cancelled"); });
  loop.cancel(gone);
  EventLoop::TimerId victim = 0;
  loop.at(past, [&] {
    fired.push_back("first");
    loop.cancel(victim);                                          // a later due timer of this round
    loop.at(past, [&] { fired.push_back("set by first"); });  // due at once
  });
  victim = loop.at(past + 1ms, [&] { fired.push_back("victim"); });
  loop.runOnce(0ms);
  CHECK(fired == std::vector<std::string>{"first", "set by first"});
  loop.cancel(victim);  // cancelling twice, or a fired timer, is harmless
  loop.cancel(12345);
}

TEST_CASE("event loop: watched fds call back with their events until unwatched", "[health][loop]") {
  EventLoop loop;
  Pipe a, b;
  int aCalls = 0, bCalls = 0;
  loop.watch(a.readEnd(), EPOLLIN, [&](uint32_t events) {
    CHECK((events & EPOLLIN) != 0);
    ++aCalls;
    a.drain();
  });
  loop.watch(b.readEnd(), EPOLLIN, [&](uint32_t) {
    ++bCalls;
    b.drain();
  });
  loop.runOnce(0ms);
  CHECK(aCalls + bCalls == 0);
  a.put();
  loop.runOnce(1000ms);
  CHECK(aCalls == 1);
  CHECK(bCalls == 0);

  SECTION("unwatch") {
    loop.unwatch(a.readEnd());
    a.put();
    loop.runOnce(0ms);
    CHECK(aCalls == 1);
  }
  SECTION("a callback that unwatches another fd ready in the same round: that one is not called") {
    loop.watch(a.readEnd(), EPOLLIN, [&](uint32_t) {
      ++aCalls;
      a.drain();
      loop.unwatch(b.readEnd());
    });
    loop.watch(b.readEnd(), EPOLLIN, [&](uint32_t) {
      ++bCalls;
      b.drain();
      loop.unwatch(a.readEnd());
    });
    a.put();
    b.put();
    loop.runOnce(1000ms);
    CHECK(aCalls + bCalls == 2);  // exactly one of the two ran
  }
  SECTION("a callback may unwatch itself") {
    loop.watch(a.readEnd(), EPOLLIN, [&](uint32_t) {
      ++aCalls;
      loop.unwatch(a.readEnd());
    });
    a.put();
    loop.runOnce(1000ms);
    loop.runOnce(0ms);
    CHECK(aCalls == 2);
  }
}

TEST_CASE("event loop: run returns after stop, and runs again", "[health][loop]") {
  EventLoop loop;
  int rounds = 0;
  for (int pass = 0; pass < 2; ++pass) {
    loop.at(EventLoop::Clock::now() - 1ms, [&] {
      ++rounds;
      loop.stop();
    });
    loop.run();
  }
  CHECK(rounds == 2);
}

TEST_CASE("event loop: a wait ends at the next timer, not at the longest wait", "[health][loop]") {
  EventLoop loop;
  bool fired = false;
  loop.after(20ms, [&] { fired = true; });
  const auto start = EventLoop::Clock::now();
  while (!fired && EventLoop::Clock::now() - start < 5s) loop.runOnce(10s);
  CHECK(fired);
  CHECK(EventLoop::Clock::now() - start < 5s);
}
