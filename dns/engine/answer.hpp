// The answer path: an answer context (query bytes, client, output buffer) + view + the
// worker's pipeline → answer bytes and what was decided. Pure and noexcept: no locks, no
// allocation, no I/O, so it is tested without sockets.
#pragma once

#include <cstddef>

#include "dns/engine/answer_context.hpp"
#include "dns/engine/pipeline.hpp"
#include "zones/steered_record.hpp"
#include "zones/zone.hpp"

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
// The metrics' detail of an answer, from its context: its zone, its record and region.
[[gnu::always_inline]] inline void countDetail(const AnswerContext& a, QueryStats& stats) noexcept {
  static_assert(zones::Zone::kNoStatsSlot < QueryStats::kZoneSlots, "every zone's slot is one");
  if (a.zone) ++stats.byZone[a.zone->statsSlot()];
  // A steered answer always has its record; the all policy chooses no region first.
  if (a.kind == AnswerKind::Steered && a.steering.regionCount)
    stats.countSteered(size_t{a.steering.record->statsBlock} + a.steering.regions[0]);
}
}  // namespace detail

/// Answers the query in `a.data[0..a.size)` into `a.out`, filling the rest of `a` (kind,
/// zone, node, steering decision, ECS scope, rcode, TC, length) and counting it in the
/// pipeline's stats. Returns `a.length`; 0 means send nothing.
inline size_t answerQuery(AnswerContext& a, const zones::View& view, const Pipeline& pipeline) noexcept;

/// The same, with the pipeline's detailed() known to the caller: a loop that answers many
/// queries chooses once (the UDP loop, per thread) and its queries pay no test for it.
template <bool Detailed>
[[gnu::always_inline]] inline size_t answerQueryAs(AnswerContext& a, const zones::View& view,
                                                  const Pipeline& pipeline) noexcept {
  if constexpr (!Detailed) {
    return detail::answerInto(a, a.out, view, pipeline);
  } else {
    const size_t length = pipeline.timeThisOne() ? detail::answerTimed(a, view, pipeline)
                                                 : detail::answerInto(a, a.out, view, pipeline);
    detail::countDetail(a, pipeline.stats());
    return length;
  }
}

inline size_t answerQuery(AnswerContext& a, const zones::View& view, const Pipeline& pipeline) noexcept {
  return pipeline.detailed() ? answerQueryAs<true>(a, view, pipeline) : answerQueryAs<false>(a, view, pipeline);
}

}  // namespace lodestar::engine
