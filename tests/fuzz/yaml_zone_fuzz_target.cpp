// Fuzz target: any bytes as a zone policy file (YAML), compiled against the test geo
// database. A refusal says where (file:line:column); an accepted zone answers every name it
// holds within the answer invariants, in health and admin states drawn from the input.
#include <cstdint>
#include <string>
#include <string_view>

#include "dns/wire/name_text.hpp"
#include "tests/fuzz/loaded_zone_check.hpp"
#include "zones/record_text.hpp"
#include "zones/pool_reader.hpp"
#include "zones/yaml_zone_loader.hpp"

using namespace lodestar;

namespace {
// A name as written, made absolute.
std::string absolute(const std::string& text) { return text.back() == '.' ? text : text + "."; }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // A folder that does not exist: an 'include:' reads no file of this machine by accident.
  const std::string file = "/nonexistent-fuzz/zone.yaml";
  yaml::Diagnostics diags;
  yaml::YamlReader yaml(file, diags);
  yaml::Node root = yaml.parse(text);
  zones::LoadContext ctx(fuzz::testDatabase(), nullptr);
  if (root.isMap() && root["regions"]) zones::readRegions(yaml, root["regions"], ctx);
  ctx.freezeRegions();
  auto zone = zones::compileYamlZone(yaml, root, ctx);
  // As the view loader takes it: a zone only when no part of its file had an error (the
  // regions are read before the zone is compiled).
  const bool accepted = zone && diags.ok();
  fuzz::checkDiagnostics(diags, file, accepted, text, root.isNull() && root.line() == 0);
  if (!accepted) return 0;
  // The zone is the one the file names, never another (the root zone for an empty name).
  // Names match in any case (RFC 4343): the zone keeps its apex in lower case.
  {
    const std::string named = root["zone"].scalar();
    auto expected = named.empty() ? std::nullopt : zones::parseNameText(absolute(named), std::string(1, '\0'));
    if (!expected || wire::lowercaseWire(zone->apex()) != wire::lowercaseWire(*expected))
      fuzz::broken("the zone compiled is " + wire::nameToText(zone->apex()) + ", not the one named '" + named + "'", text);
  }
  fuzz::checkZoneAnswers(std::move(zone), ctx, fuzz::inputHash(data, size), text);
  return 0;
}
