// Fuzz target: any bytes as an RFC 1035 zone file for example.test. A refusal says where
// (file:line:column); an accepted zone answers every name it holds within the answer
// invariants.
#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/loaded_zone_check.hpp"
#include "zones/zone_builder.hpp"
#include "zones/zone_file_loader.hpp"

using namespace lodestar;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // A folder that does not exist: a relative $INCLUDE reads no file of this machine.
  const std::string file = "/nonexistent-fuzz/example.test.zone";
  yaml::Diagnostics diags;
  zones::ZoneBuilder builder(std::string_view("\7example\4test\0", 14), {file, 1, 1});
  zones::loadZoneText(file, text, 3600, builder, diags);
  auto zone = builder.build(diags);
  // As the policy loader takes it: a zone only when no line of its file had an error.
  fuzz::checkDiagnostics(diags, file, zone && diags.ok(), text);
  if (zone && diags.ok()) {
    zones::LoadContext ctx(nullptr, nullptr);
    ctx.freezeRegions();
    fuzz::checkZoneAnswers(std::move(zone), ctx, fuzz::inputHash(data, size), text);
  }
  return 0;
}
