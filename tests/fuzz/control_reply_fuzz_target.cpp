// Fuzz target: any bytes as the daemon's reply, read as lodestarctl reads it and printed by
// every subcommand's printer. The reader never throws and a reply it accepts reads back the
// same; a printer given a reply of another shape throws only nlohmann::json's exceptions
// (which lodestarctl reports as "not in the shape this lodestarctl reads"), never anything else.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include "dns/control/protocol.hpp"
#include "tools/lodestarctl/commands.hpp"

using namespace lodestar;

namespace {

[[noreturn]] void broken(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "%s\nreply (%zu bytes): %.*s\n", what.c_str(), input.size(), static_cast<int>(input.size()),
               input.data());
  std::abort();
}

// The printers write to std::cout; the fuzzer's output stays readable without them.
struct Silenced {
  std::ostringstream sink;
  std::streambuf* out = std::cout.rdbuf(sink.rdbuf());
  std::streambuf* err = std::cerr.rdbuf(sink.rdbuf());
  ~Silenced() {
    std::cout.rdbuf(out);
    std::cerr.rdbuf(err);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto reply = control::parseReply(bytes);
  if (!reply) return 0;
  auto again = control::parseReply(reply->dump() + "\n");
  if (!again || *again != *reply) broken("a reply did not read back the same", bytes);
  const auto result = reply->find("result");
  const nlohmann::json shown = result != reply->end() ? *result : *reply;
  for (const auto& row : lodestarctl::subcommands()) {
    if (!row.print) continue;  // a command run here (check-delegation) prints no daemon reply
    for (bool flag : {false, true}) {
      lodestarctl::Request sent{row.name, {{"cluster", flag}, {"detail", flag}}};
      Silenced quiet;
      try {
        row.print(sent, shown);
      } catch (const nlohmann::json::exception&) {
        // lodestarctl says the reply is not in the shape it reads
      } catch (const std::exception& e) {
        broken("the " + row.name + " printer threw " + e.what(), bytes);
      }
    }
  }
  return 0;
}
