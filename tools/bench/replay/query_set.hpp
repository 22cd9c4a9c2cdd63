// A benchmark's queries: read from a text file of "name type [client-subnet]" lines and
// encoded once into wire messages, so the send loop only copies bytes and stamps an ID.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lodestar::bench {

struct WireQuery {
  std::vector<uint8_t> bytes;  // ID bytes are zero; the sender stamps them
};

/// Reads `path`. Lines: "www.example. A" or "www.example. A 198.51.100.0/24" (an ECS option
/// with that source prefix); `ecsForAll`, when set, adds that subnet to lines without one.
/// `dnssecOk`: every query asks for DNSSEC records (EDNS with DO). Throws
/// std::runtime_error with "file:line: ..." on a bad line.
/// `cookie`: the data of a COOKIE option (RFC 7873) every query carries (empty: none).
std::vector<WireQuery> readQueries(const std::string& path, const std::string& ecsForAll, bool dnssecOk = false,
                                   const std::vector<uint8_t>& cookie = {});

/// Writes `count` lines of the benchmark mix for `zone`: 70 % steered www A, 10 % www AAAA,
/// 5 % static A, 15 % NXDOMAIN. With a networks CSV, every line gets a client subnet drawn
/// at random from those networks (the varied-ECS mix); without, none (plain; the caller
/// adds one fixed subnet for the all-ECS mix).
void writeMix(const std::string& path, const std::string& zone, long count, const std::string& networksCsv);

}  // namespace lodestar::bench
