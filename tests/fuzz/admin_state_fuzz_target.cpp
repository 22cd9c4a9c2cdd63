// Fuzz target: any bytes as an admin state (admin-state.json, etcd P/admin). The reader never
// throws; what it keeps is written and read back to the same state, with nothing dropped.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "dns/server/admin_state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> dropped;
  std::string error;
  auto state = lodestar::server::AdminState::parse(text, dropped, error);
  if (!state) return 0;
  const std::string written = lodestar::server::adminStateText(*state);
  dropped.clear();
  auto again = lodestar::server::AdminState::parse(written, dropped, error);
  if (!again || !dropped.empty() || lodestar::server::adminStateText(*again) != written) {
    std::fprintf(stderr, "an admin state did not read back the same: %s\n", text.c_str());
    std::abort();
  }
  return 0;
}
