// Fuzz target: any bytes as a node report (etcd P/nodes/ns1). The reader never throws; a
// report it accepts is written back and read again to the same report.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "dns/server/node_report.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto report = lodestar::server::parseNodeReport(text, "ns1", error);
  if (!report) return 0;
  auto again = lodestar::server::parseNodeReport(report->text(), "ns1", error);
  if (!again || again->text() != report->text()) {
    std::fprintf(stderr, "a node report did not read back the same: %s\n", text.c_str());
    std::abort();
  }
  return 0;
}
