// Fuzz target: any bytes as a history entry (an audit.log line, etcd P/history/*, an entry of
// `lodestarctl history`). The reader never throws; an entry it accepts reads back the same.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "dns/control/history_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto entry = lodestar::control::parseHistoryEntry(text, error);
  if (!entry) return 0;
  auto again = lodestar::control::readHistoryEntry(entry->toJson(), error);
  if (!again || again->toJson() != entry->toJson()) {
    std::fprintf(stderr, "a history entry did not read back the same: %s\n", text.c_str());
    std::abort();
  }
  return 0;
}
