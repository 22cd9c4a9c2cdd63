// The answer path: an answer context (query bytes, client, output buffer) + view + the
// worker's pipeline → answer bytes and what was decided. Pure and noexcept: no locks, no
// allocation, no I/O, so it is tested without sockets.
#pragma once

#include <cstddef>

#include "dns/engine/answer_context.hpp"
#include "dns/engine/pipeline.hpp"

namespace lodestar::zones {
class View;
}

namespace lodestar::engine {

/// Answers the query in `a.data[0..a.size)` into `a.out`, filling the rest of `a` (kind,
/// zone, node, steering decision, ECS scope, rcode, TC, length) and counting it in the
/// pipeline's stats. Returns `a.length`; 0 means send nothing.
size_t answerQuery(AnswerContext& a, const zones::View& view, const Pipeline& pipeline) noexcept;

}  // namespace lodestar::engine
