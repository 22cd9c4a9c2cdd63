// The one place the in-process property tests (allocation, fuzz) call the answer path, so a
// change of its signature is one edit here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "dns/engine/answer.hpp"
#include "tests/support/dns_message.hpp"

namespace lodestar::test {

/// Answers `query[0..size)` from `view` into `out` as the workers do; returns the length
/// (0: nothing to send). Allocates nothing (the allocation test holds it to that).
size_t answerInto(const zones::View& view, const uint8_t* query, size_t size, const engine::Client& client,
                  uint8_t* out, size_t capacity, engine::QueryStats& stats) noexcept;

/// NAME TYPE asked of `view` over UDP by a client at 198.51.100.7, without stages; the answer
/// as ldns parsed it (nullopt when ldns rejects it).
std::optional<Answer> askView(const zones::View& view, const std::string& name, const char* type);

}  // namespace lodestar::test
