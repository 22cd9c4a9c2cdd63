// lodestar-geodb: builds a City-shaped MaxMind DB from a CSV of networks.
#include <fstream>
#include <iostream>
#include <string>

#include "geo/mmdb_writer.hpp"
#include "geo/network_csv.hpp"

namespace {
int usage(std::ostream& out, int code) {
  out << "usage: lodestar-geodb build NETWORKS.csv -o OUT.mmdb\n"
         "  The CSV's header row names its columns:\n"
         "    network,continent,country,subdivision,latitude,longitude[,asn]\n"
         "  Empty cells are allowed; a more specific network wins over a wider one.\n";
  return code;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help")) return usage(std::cout, 0);
  if (argc != 5 || std::string(argv[1]) != "build" || std::string(argv[3]) != "-o") return usage(std::cerr, 2);
  std::string csv = argv[2], output = argv[4];
  std::vector<lodestar::geo::CsvNetwork> rows;
  std::vector<std::string> errors;
  if (!lodestar::geo::readNetworkCsv(csv, rows, errors)) {
    for (const auto& e : errors) std::cerr << e << "\n";
    return 1;
  }
  lodestar::geo::MmdbWriter writer;
  for (const auto& r : rows) writer.insert(r.network, r.facts);
  std::string bytes;
  try {
    bytes = writer.serialize("Lodestar-City", "Built by lodestar-geodb from " + csv);
  } catch (const std::exception& e) {
    std::cerr << csv << ": " << e.what() << "\n";
    return 1;
  }
  // Write beside the target, then rename: a reader never sees half a file.
  std::string temp = output + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::cerr << temp << ": cannot write\n";
      return 1;
    }
  }
  if (std::rename(temp.c_str(), output.c_str()) != 0) {
    std::cerr << output << ": cannot rename " << temp << " into place\n";
    return 1;
  }
  std::cout << output << ": " << writer.networkCount() << " networks, " << bytes.size() << " bytes\n";
  return 0;
}
