// Calls engine::answerQuery for the property tests.
#include "tests/support/engine_call.hpp"

namespace lodestar::test {

size_t answerInto(const zones::View& view, const uint8_t* query, size_t size, const engine::Client& client,
                  uint8_t* out, size_t capacity, engine::QueryStats& stats) noexcept {
  engine::AnswerContext context(query, size, client, out, capacity);
  return engine::answerQuery(context, view, engine::Pipeline(stats));
}

std::optional<Answer> askView(const zones::View& view, const std::string& name, const char* type) {
  static uint8_t out[65535];
  engine::QueryStats stats;
  const engine::Client client{*wire::Address::parse("198.51.100.7"), engine::Transport::Udp};
  const auto q = QueryBuilder().name(name).type(type).bytes();
  return parseAnswer(Bytes(out, out + answerInto(view, q.data(), q.size(), client, out, sizeof out, stats)));
}

}  // namespace lodestar::test
