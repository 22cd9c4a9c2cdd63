// Calls engine::answerQuery for the property tests.
#include "tests/support/engine_call.hpp"

namespace lodestar::test {

size_t answerInto(const zones::View& view, const uint8_t* query, size_t size, const engine::Client& client,
                  uint8_t* out, size_t capacity, engine::QueryStats& stats) noexcept {
  engine::AnswerContext context(query, size, client, out, capacity);
  return engine::answerQuery(context, view, engine::Pipeline(stats));
}

}  // namespace lodestar::test
