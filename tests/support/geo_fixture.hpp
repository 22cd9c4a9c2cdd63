// Builds MaxMind DB files for tests with the same writer lodestar-geodb uses.
#pragma once

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "geo/database.hpp"
#include "geo/network_csv.hpp"
#include "tests/support/temp_dir.hpp"

namespace lodestar::test {

/// Writes `rows` as an .mmdb in `dir` and opens it; fails the test on any error.
std::shared_ptr<geo::Database> buildDatabase(const TempDir& dir, const std::vector<geo::CsvNetwork>& rows,
                                             const std::string& name = "test.mmdb");
/// Reads a CSV (lodestar-geodb format) from tests/data.
std::vector<geo::CsvNetwork> readCsv(const std::string& dataRelativePath);
/// `count` random, non-identical networks of both families with random areas and coordinates.
std::vector<geo::CsvNetwork> randomNetworks(size_t count, std::mt19937& rng);
/// A random address of the family.
wire::Address randomAddress(wire::Family family, std::mt19937& rng);

}  // namespace lodestar::test
