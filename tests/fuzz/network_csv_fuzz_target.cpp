// Fuzz target: any bytes as the networks CSV of `lodestar-geodb build`. The reader never
// throws; every row error says file:line:column; the rows it accepts, written back as CSV,
// read again to the same rows; and the database built from them (in memory) answers each
// row's network with that row's facts, or with a more specific network's.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "geo/database.hpp"
#include "geo/mmdb_writer.hpp"
#include "geo/network_csv.hpp"

using namespace lodestar;

namespace {

[[noreturn]] void broken(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "%s\ninput (%zu bytes):\n%.*s\n", what.c_str(), input.size(), static_cast<int>(input.size()),
               input.data());
  std::abort();
}

std::string csvOf(const std::vector<geo::CsvNetwork>& rows) {
  std::ostringstream out;
  out.precision(17);
  out << "network,continent,country,subdivision,latitude,longitude,asn\n";
  for (const auto& r : rows) {
    out << r.network.toString() << ',' << r.facts.continent << ',' << r.facts.country << ',' << r.facts.subdivision << ',';
    if (r.facts.hasLocation) out << r.facts.latitude << ',' << r.facts.longitude;
    else out << ',';
    out << ',';
    if (r.facts.asn) out << r.facts.asn;
    out << '\n';
  }
  return out.str();
}

bool sameRows(const std::vector<geo::CsvNetwork>& a, const std::vector<geo::CsvNetwork>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!(a[i].network == b[i].network) || !(a[i].facts == b[i].facts)) return false;
  return true;
}

// The database built from `rows`, through a memory file (no disk per input).
std::unique_ptr<geo::Database> buildInMemory(const std::vector<geo::CsvNetwork>& rows, std::string_view input) {
  geo::MmdbWriter writer;
  for (const auto& r : rows) writer.insert(r.network, r.facts);
  std::string bytes;
  try {
    bytes = writer.serialize("Lodestar-City", "fuzz");
  } catch (const std::exception&) {
    return nullptr;  // lodestar-geodb reports it (the file would be too large)
  }
  int fd = memfd_create("fuzz.mmdb", MFD_CLOEXEC);
  if (fd < 0 || write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
    std::perror("memfd");
    std::abort();
  }
  std::string error;
  auto db = geo::Database::open("/proc/self/fd/" + std::to_string(fd), error);
  close(fd);
  if (!db) broken("the database built from accepted rows does not open: " + error, input);
  return db;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string file = "fuzz.csv";
  std::vector<geo::CsvNetwork> rows;
  std::vector<std::string> errors;
  std::istringstream in(text);
  const bool ok = geo::readNetworkCsv(file, in, rows, errors);
  if (ok != errors.empty()) broken("the outcome disagrees with the errors", text);
  for (const auto& e : errors) {
    unsigned line = 0, column = 0;
    char colon = 0;
    if (e == file + ": no header row") continue;
    if (e.rfind(file + ":", 0) != 0 || std::sscanf(e.c_str() + file.size() + 1, "%u:%u%c", &line, &column, &colon) != 3 ||
        colon != ':' || line < 1 || column < 1)
      broken("an error without file:line:column: " + e, text);
  }
  if (!ok) return 0;
  std::vector<geo::CsvNetwork> again;
  std::istringstream written(csvOf(rows));
  if (!geo::readNetworkCsv(file, written, again, errors) || !sameRows(rows, again))
    broken("the accepted rows did not read back the same from\n" + csvOf(rows) +
               (errors.empty() ? "" : "\nerrors: " + errors.front()),
           text);
  if (rows.empty()) return 0;
  auto db = buildInMemory(rows, text);
  if (!db) return 0;
  for (const auto& r : rows) {
    auto found = db->lookup(r.network.address);
    if (!found.found || found.prefixLength < r.network.length ||
        (found.prefixLength == r.network.length && !(found.facts == r.facts)))
      broken("the database does not answer " + r.network.toString() + " with its row", text);
  }
  return 0;
}
