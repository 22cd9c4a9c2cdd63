// Expands directories, loads every zone policy file and rejects duplicate zones; a load that
// replaces a view keeps that view's zones whose files are unchanged instead of compiling them.
#include "zones/view_loader.hpp"

#include <ctime>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>

#include "dns/wire/content_digest.hpp"
#include "dns/wire/name_text.hpp"
#include "zones/pool_reader.hpp"
#include "zones/yaml/file_read.hpp"
#include "zones/yaml/top_level_block.hpp"
#include "zones/yaml_zone_loader.hpp"

namespace lodestar::zones {

namespace {

std::vector<std::string> policyFiles(const std::vector<std::string>& paths, yaml::Diagnostics& diags) {
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
  return files;
}

uint64_t digestOf(std::string_view bytes) {
  wire::ContentDigest d;
  d.add(bytes);
  return d.value();
}

// What every zone of a load is compiled against besides its own files: the global regions
// (their ids are in every pool), the geo database (in every decision tree) and the registry
// the health cells come from. Two loads with the same inputs compile the same bytes alike.
std::string compileInputs(const LoadContext& ctx, const health::Registry* registry) {
  std::string out;
  for (const auto& r : ctx.regions()) {
    char where[64];
    std::snprintf(where, sizeof where, " %d %a %a\n", r.hasLocation ? 1 : 0, r.latitude, r.longitude);
    out += std::to_string(r.name.size()) + ":" + r.name + where;  // by length: a name may hold any byte
  }
  out += "db " + (ctx.database() ? ctx.database()->digest() : std::string("none")) + "\n";
  out += "registry " + std::to_string(registry->id());
  return out;
}

// Whether compiling again what `origin` names would read the same bytes: the policy file
// (read by the first pass as `policyDigest`) and each zone file it includes.
bool unchanged(const ZoneOrigin& origin, uint64_t policyDigest) {
  if (origin.sources.empty() || origin.policyDigest() != policyDigest) return false;
  for (size_t i = 1; i < origin.sources.size(); ++i) {
    std::string error;
    auto text = yaml::readWholeFile(origin.sources[i].first, yaml::kMaxZoneFileBytes, error);
    if (!text || digestOf(*text) != origin.sources[i].second) return false;
  }
  return true;
}

// The zones of `previous` a load might keep, by policy file: those compiled with the registry
// this load has (the inputs are compared once the regions are read).
std::map<std::string, std::shared_ptr<Zone>> candidates(const View* previous, const health::Registry* registry) {
  std::map<std::string, std::shared_ptr<Zone>> out;
  if (!previous || !registry || !previous->extendableAdmin()) return out;
  for (const auto& zone : previous->zones())
    if (zone->origin() && !zone->origin()->sources.empty()) out[zone->origin()->policyFile()] = zone;
  return out;
}

// Whether the zones of `previous` may be kept by a load with these `inputs`: not when they
// were compiled against others, nor when its override table holds more than twice the
// endpoints it serves (slots of zones dropped by earlier reloads: a load from scratch frees
// them), or too few left for a view as large again.
bool keepable(const View& previous, const std::string& inputs) {
  if (previous.reuseInputs() != inputs) return false;
  size_t live = 0;
  forEachEndpoint(previous, [&live](const EndpointInView&) { ++live; });
  const size_t used = previous.extendableAdmin()->endpointCount();
  // Room for the whole view again, so that a load never runs out of table while keeping zones.
  return used <= 2 * live + 4096 && used + live <= AdminCells::kCapacity / 2;
}

}  // namespace

LoadedView loadViewAndAdmin(const std::vector<std::string>& paths, std::shared_ptr<const geo::Database> db,
                            yaml::Diagnostics& diags, health::Registry* registry, const View* previous) {
  const std::vector<std::string> files = policyFiles(paths, diags);
  // Regions are global: read them from every file before any pool or record names one.
  // Files are not kept parsed (a parsed tree is larger than what it compiles to), and this first pass
  // parses only each file's `regions:` block when the file is plain enough to cut it out.
  LoadContext ctx(db, registry);
  if (previous)
    for (const auto& z : previous->zones()) ctx.setPreviousSerial(z->apex(), z->serial());
  auto keep = candidates(previous, registry);
  std::vector<std::optional<uint64_t>> policyDigests(files.size());
  std::vector<size_t> definedFrom(files.size() + 1);  // each file's slice of ctx.definitions()
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& f = files[i];
    definedFrom[i] = ctx.definitions().size();
    yaml::Diagnostics firstPass;  // unreadable files and syntax errors are reported once, by the second pass
    yaml::YamlReader reader(f, firstPass);
    std::string error;
    const auto text = yaml::readWholeFile(f, yaml::kMaxYamlFileBytes, error);
    if (!text) continue;
    policyDigests[i] = digestOf(*text);
    // A file as the zone kept from it was compiled from defines what it defined then.
    auto kept = keep.find(f);
    if (kept != keep.end() && kept->second->origin()->policyDigest() == *policyDigests[i]) {
      for (const auto& [region, where] : kept->second->origin()->regions) ctx.defineRegion(region, where, diags);
      continue;
    }
    const auto block = yaml::topLevelBlock(*text, "regions");
    if (block && block->empty()) continue;
    yaml::Node root = block ? reader.parse(*block) : yaml::Node();
    if (!root.isMap()) root = reader.parse(*text);  // not cut out, or the cut did not parse: the whole file
    if (root.isMap() && root["regions"]) {
      yaml::YamlReader regionsReader(f, diags);
      readRegions(regionsReader, root["regions"], ctx);
    }
  }
  definedFrom[files.size()] = ctx.definitions().size();
  // Only a load that shares the served view's health registry may keep its zones (their
  // cells are that registry's); a check without one compiles everything.
  const std::string inputs = registry ? compileInputs(ctx, registry) : std::string();
  if (!keep.empty() && !keepable(*previous, inputs)) keep.clear();
  // Kept zones point into the table they were compiled with: without it, none is kept.
  if (!ctx.freezeRegions(keep.empty() ? nullptr : previous->extendableAdmin())) keep.clear();
  // Policies compiled before (by kept zones, or by files since edited) are not compiled again.
  if (!keep.empty()) ctx.seedPolicies(previous->reusablePolicies());

  LoadedView out;
  auto view = std::make_unique<View>();
  std::map<std::string, std::string> fileOf;  // zone apex → the file that defined it
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& f = files[i];
    std::shared_ptr<Zone> zone;
    auto kept = keep.find(f);
    // A signed zone whose signatures are due to be made again is compiled (and signed) anew:
    // the daemon re-signs due zones in place (dnssec::resignView) only while no load runs, so
    // a load may start from a view holding a due zone; keeping it would publish signatures
    // about to expire, to be signed again at once on the control side.
    const bool due = kept != keep.end() && kept->second->resignAt() && kept->second->resignAt() <= std::time(nullptr);
    if (kept != keep.end() && !due && policyDigests[i] && unchanged(*kept->second->origin(), *policyDigests[i])) {
      zone = kept->second;
      for (const auto& [path, digest] : zone->origin()->sources) diags.noteSource(path, digest);
      for (const auto& w : zone->origin()->warnings) diags.warning(w.where, w.message);
      ++out.kept;
    } else {
      const size_t sourcesBefore = diags.sourceLog().size();
      const size_t warningsBefore = diags.warnings().size();
      yaml::YamlReader reader(f, diags);
      auto compiled = compileYamlZone(reader, reader.load(), ctx);
      ++out.compiled;
      if (!compiled) continue;
      ZoneOrigin origin;
      origin.sources.assign(diags.sourceLog().begin() + static_cast<ptrdiff_t>(sourcesBefore), diags.sourceLog().end());
      origin.warnings.assign(diags.warnings().begin() + static_cast<ptrdiff_t>(warningsBefore), diags.warnings().end());
      origin.regions.assign(ctx.definitions().begin() + static_cast<ptrdiff_t>(definedFrom[i]),
                            ctx.definitions().begin() + static_cast<ptrdiff_t>(definedFrom[i + 1]));
      compiled->setOrigin(std::move(origin));
      zone = std::move(compiled);
    }
    std::string apex = wire::nameToText(zone->apex());
    if (!view->add(std::move(zone)))
      diags.error({f, 0, 0}, "zone " + apex + " is defined here and in " + fileOf[apex] + "; remove one");
    else fileOf[apex] = f;
  }
  if (!diags.ok()) return out;
  view->indexNames();
  view->setRegions(ctx.regions(), ctx.sharedAdminCells());
  view->setDatabase(ctx.sharedDatabase());
  if (registry) view->setReuse(inputs, ctx.sharedAdminCells(), ctx.policiesUsedBy(*view));
  out.view = std::move(view);
  out.admin = ctx.sharedAdminCells();
  return out;
}

}  // namespace lodestar::zones
