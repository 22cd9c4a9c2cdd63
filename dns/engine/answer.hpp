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

namespace detail {
// The answer path proper. The answer's buffer comes in as a parameter, not read from the
// context: the compiler then knows that writing the answer cannot touch the query parsed in
// its frame or the message being built, and keeps them in registers (read back from the
// context, every byte written would force them to be loaded again: ~8 % more instructions).
size_t answerInto(AnswerContext& a, uint8_t* out, const zones::View& view, const Pipeline& pipeline) noexcept;
// The same, timed into the pipeline's histogram (Pipeline::timeThisOne()).
size_t answerTimed(AnswerContext& a, const zones::View& view, const Pipeline& pipeline) noexcept;
}  // namespace detail

/// Answers the query in `a.data[0..a.size)` into `a.out`, filling the rest of `a` (kind,
/// zone, node, steering decision, ECS scope, rcode, TC, length) and counting it in the
/// pipeline's stats. Returns `a.length`; 0 means send nothing.
inline size_t answerQuery(AnswerContext& a, const zones::View& view, const Pipeline& pipeline) noexcept {
  if (pipeline.timeThisOne()) [[unlikely]]
    return detail::answerTimed(a, view, pipeline);
  return detail::answerInto(a, a.out, view, pipeline);
}

}  // namespace lodestar::engine
