// The rise/fall state machine, driven result by result.
#include <catch2/catch.hpp>

#include "health/state/state_machine.hpp"

using namespace lodestar::health;

TEST_CASE("an endpoint starts up and falls after `fall` failures, in doubt before", "[health][fsm]") {
  StateMachine m(2, 3);
  CHECK(m.state() == Observed::Up);
  CHECK(m.record(false));
  CHECK(m.state() == Observed::InDoubt);
  CHECK(m.wantsRecheck());
  CHECK_FALSE(m.record(false));
  CHECK(m.state() == Observed::InDoubt);
  CHECK(m.record(false));
  CHECK(m.state() == Observed::Down);
  CHECK_FALSE(m.wantsRecheck());
  CHECK_FALSE(m.record(false));
}

TEST_CASE("one success ends the doubt, so a lone lost probe never withdraws", "[health][fsm]") {
  StateMachine m(2, 2);
  m.record(false);
  CHECK(m.state() == Observed::InDoubt);
  CHECK(m.record(true));
  CHECK(m.state() == Observed::Up);
  for (int i = 0; i < 10; ++i) {
    m.record(false);
    m.record(true);
  }
  CHECK(m.state() == Observed::Up);  // flapping every other probe never reaches fall=2
}

TEST_CASE("a down endpoint needs `rise` successes in a row", "[health][fsm]") {
  StateMachine m(3, 1);
  CHECK(m.record(false));
  CHECK(m.state() == Observed::Down);
  CHECK_FALSE(m.record(true));
  CHECK(m.wantsRecheck());
  CHECK_FALSE(m.record(true));
  CHECK_FALSE(m.record(false));  // the run is broken: start again
  CHECK_FALSE(m.record(true));
  CHECK_FALSE(m.record(true));
  CHECK(m.record(true));
  CHECK(m.state() == Observed::Up);
}

TEST_CASE("rise 1 and fall 1 act on every result", "[health][fsm]") {
  StateMachine m(1, 1);
  CHECK(m.record(false));
  CHECK(m.state() == Observed::Down);
  CHECK(m.record(true));
  CHECK(m.state() == Observed::Up);
}

TEST_CASE("flap damping: the third fall within the window holds the endpoint down for the hold time",
          "[health][fsm][flap][regression]") {
  using namespace std::chrono_literals;
  StateMachine m(1, 1, {3, 60s, 120s});
  auto t = StateMachine::Clock::time_point{} + 1000s;
  // Two flaps: each fall and rise moves traffic, as before.
  for (int i = 0; i < 2; ++i) {
    CHECK(m.record(false, t));
    CHECK_FALSE(m.justHeld());
    t += 5s;
    CHECK(m.record(true, t));
    t += 5s;
  }
  CHECK(m.record(false, t));  // the third fall within 60 s
  CHECK(m.justHeld());
  const auto fell = t;
  CHECK(m.heldUntil() == fell + 120s);
  for (int i = 0; i < 20; ++i) {  // healthy probes for 100 s: still down
    t += 5s;
    CHECK_FALSE(m.record(true, t));
    CHECK(m.state() == Observed::Down);
  }
  t = fell + 121s;
  CHECK(m.record(true, t));  // the hold is over: up on the next success
  CHECK(m.state() == Observed::Up);
}

TEST_CASE("flap damping: falls spread wider than the window never hold", "[health][fsm][flap]") {
  using namespace std::chrono_literals;
  StateMachine m(1, 1, {3, 60s, 120s});
  auto t = StateMachine::Clock::time_point{} + 1000s;
  for (int i = 0; i < 10; ++i) {
    CHECK(m.record(false, t));
    CHECK_FALSE(m.justHeld());
    t += 1s;
    CHECK(m.record(true, t));  // back at once each time
    t += 40s;                  // three falls span 80 s > 60 s
  }
}
