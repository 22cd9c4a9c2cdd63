// Fuzz target: any bytes through the parser and the whole answer path, against a real view.
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <memory>

#include "dns/engine/answer.hpp"
#include "dns/wire/query.hpp"
#include "zones/view_loader.hpp"

namespace {
const lodestar::zones::View& fuzzView() {
  static std::unique_ptr<lodestar::zones::View> view = [] {
    lodestar::zones::Diagnostics d;
    auto v = lodestar::zones::loadView({LODESTAR_SOURCE_DIR "/tests/data/e2e/zones"}, nullptr, d);
    if (!v) {
      std::fprintf(stderr, "%s", d.report().c_str());
      std::abort();
    }
    return v;
  }();
  return *view;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static uint8_t out[65535];
  lodestar::wire::Query q;
  (void)lodestar::wire::parseQuery(data, size, q);
  lodestar::engine::QueryStats stats;
  for (auto transport : {lodestar::engine::Transport::Udp, lodestar::engine::Transport::Tcp}) {
    lodestar::engine::Client client{*lodestar::wire::Address::parse("192.0.2.1"), transport};
    lodestar::engine::AnswerContext ctx(data, size, client, out, sizeof out);
    size_t n = lodestar::engine::answerQuery(ctx, fuzzView(), lodestar::engine::Pipeline(stats));
    if (n != 0 && (n < 12 || n > sizeof out)) std::abort();
    if (transport == lodestar::engine::Transport::Udp && n > 1232) std::abort();
  }
  return 0;
}
