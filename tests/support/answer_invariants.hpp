// What every answer must hold, whatever the query was: the query fuzzer's oracle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace lodestar::test {

/// The largest UDP answer the workers send (their default udpLimit).
inline constexpr size_t kUdpAnswerCap = 1232;

/// Checks the answer `answer[0..answerSize)` given to `query[0..querySize)` over UDP or TCP:
/// empty exactly when the query is dropped; ID, opcode and question echoed; every name's
/// compression pointers point backwards (and past the header); the header's section counts
/// are what the bytes hold, walked here and parsed by ldns, with nothing after the last
/// record; at most one OPT, in the additional section, and one whenever the query had one;
/// over UDP no larger than the query's EDNS size capped at kUdpAnswerCap (512 without EDNS),
/// over TCP never TC; an ECS option echoes the query's family and source prefix with a scope
/// no longer than that prefix. Returns "" or the first broken rule.
std::string answerViolation(const uint8_t* query, size_t querySize, const uint8_t* answer, size_t answerSize,
                            bool udp);

}  // namespace lodestar::test
