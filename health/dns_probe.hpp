// The dns probe: one query through c-ares to the endpoint itself, checked for rcode and,
// optionally, an expected address in the answer. Driven by the control loop.
#pragma once

#include <string>

#include "health/state/check_spec.hpp"
#include "health/loop/event_loop.hpp"
#include "health/prober.hpp"

namespace lodestar::health {

void startDnsProbe(loop::EventLoop& loop, const CheckSpec& spec, const std::string& address, Prober::Done done);

}  // namespace lodestar::health
