// Steered answers: locate the client, order the regions by the record's policy, filter by
// health (× admin overrides), and write the chosen endpoints.
#pragma once

#include <cstddef>
#include <string_view>

#include "dns/engine/answer_context.hpp"
#include "dns/engine/response.hpp"
#include "zones/steered_record.hpp"
#include "zones/zone.hpp"

namespace lodestar::engine {

/// Writes the A or AAAA answer of `node`, a steered name (ANY answers as A), its owner
/// written as a pointer to `ownerOffset`. Returns false when the answer is NODATA (no
/// endpoint of that family, or all down with `all_down: nodata`). The decision goes into
/// `a.steering`. Six parameters: all of them travel in registers.
bool answerSteered(Response& r, AnswerContext& a, const wire::Query& q, const Client& client, const zones::Node& node,
                   size_t ownerOffset) noexcept;

}  // namespace lodestar::engine
