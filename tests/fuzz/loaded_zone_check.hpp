// What the zone loaders' fuzz targets check on what they accept and refuse: every refusal
// says where (file:line:column), and an accepted zone answers every name it holds within
// the answer invariants.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "zones/load_context.hpp"
#include "zones/yaml/diagnostics.hpp"
#include "zones/zone.hpp"

namespace lodestar::fuzz {

/// The geo database of tests/data/geo/test-networks.csv, built once per process.
std::shared_ptr<const geo::Database> testDatabase();

/// Aborts (showing `input`) unless every error reported against `file` has a line and a
/// column, and the load's outcome agrees with its errors (`accepted` exactly when none).
/// `documentless`: the input holds no YAML document at all (nothing to point at).
void checkDiagnostics(const yaml::Diagnostics& diags, const std::string& file, bool accepted, std::string_view input,
                      bool documentless = false);

/// Publishes `zone` alone in a view (regions from `ctx`), draws health and admin states from
/// `seed`, and asks every name of the zone (a drawn sample of 16 when it has more) for several types, over UDP and TCP, from clients
/// in several areas: every answer must hold the answer invariants (aborts showing `input`).
void checkZoneAnswers(std::unique_ptr<zones::Zone> zone, zones::LoadContext& ctx, uint64_t seed, std::string_view input);

/// Prints what broke and the input, then aborts.
[[noreturn]] void broken(const std::string& what, std::string_view input);

/// FNV-1a of the input: the same bytes always meet the same states, so a finding replays.
uint64_t inputHash(const uint8_t* data, size_t size);

}  // namespace lodestar::fuzz
