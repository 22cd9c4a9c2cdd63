// Expands directories, loads every zone policy file and rejects duplicate zones.
#include "zones/view_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

#include "zones/yaml/file_read.hpp"
#include "zones/yaml/top_level_block.hpp"
#include "zones/yaml_zone_loader.hpp"
#include "zones/pool_reader.hpp"
#include "dns/wire/name_text.hpp"

namespace lodestar::zones {

LoadedView loadViewAndAdmin(const std::vector<std::string>& paths, std::shared_ptr<const geo::Database> db,
                            yaml::Diagnostics& diags, health::Registry* registry, const View* previous) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      files.push_back(p);  // reading it says what is wrong with it, if anything
      continue;
    }
    // Every *.yaml entry is meant as a zone: one that is not a readable file (a dangling
    // symlink, a loop, a FIFO, a folder) is an error when it is read, never skipped.
    std::vector<std::string> found;
    fs::directory_iterator it(p, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      auto ext = it->path().extension();
      if (ext == ".yaml" || ext == ".yml") found.push_back(it->path().string());
    }
    if (ec) diags.error({p, 0, 0}, "cannot list the folder: " + ec.message());
    std::sort(found.begin(), found.end());
    if (found.empty() && !ec) diags.warning({p, 0, 0}, "folder holds no zone policy files (*.yaml)");
    files.insert(files.end(), found.begin(), found.end());
  }
  // Regions are global: read them from every file before any pool or record names one.
  // Files are not kept parsed (parsed YAML is far larger than the view), and this first pass
  // parses only each file's `regions:` block when the file is plain enough to cut it out.
  LoadContext ctx(db, registry);
  if (previous)
    for (const auto& z : previous->zones()) ctx.setPreviousSerial(z->apex(), z->serial());
  for (const auto& f : files) {
    yaml::Diagnostics firstPass;  // unreadable files and syntax errors are reported once, by the second pass
    yaml::YamlReader reader(f, firstPass);
    std::string error;
    const auto text = yaml::readWholeFile(f, yaml::kMaxYamlFileBytes, error);
    if (!text) continue;
    const auto block = yaml::topLevelBlock(*text, "regions");
    if (block && block->empty()) continue;
    YAML::Node root = block ? reader.parse(*block) : YAML::Node(YAML::NodeType::Undefined);
    if (!root.IsMap()) root = reader.parse(*text);  // not cut out, or the cut did not parse: the whole file
    if (root.IsMap() && root["regions"]) {
      yaml::YamlReader regionsReader(f, diags);
      readRegions(regionsReader, root["regions"], ctx);
    }
  }
  ctx.freezeRegions();
  auto view = std::make_unique<View>();
  std::map<std::string, std::string> fileOf;  // zone apex → the file that defined it
  for (const auto& f : files) {
    yaml::YamlReader reader(f, diags);
    auto zone = compileYamlZone(reader, reader.load(), ctx);
    if (!zone) continue;
    std::string apex = wire::nameToText(zone->apex());
    if (!view->add(std::move(zone)))
      diags.error({f, 0, 0}, "zone " + apex + " is defined here and in " + fileOf[apex] + "; remove one");
    else fileOf[apex] = f;
  }
  if (!diags.ok()) return {};
  view->indexNames();
  view->setRegions(ctx.regions(), ctx.sharedAdminCells());
  view->setDatabase(ctx.sharedDatabase());
  return {std::move(view), ctx.sharedAdminCells()};
}

}  // namespace lodestar::zones
