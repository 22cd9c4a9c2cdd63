// `drill`: where each area's clients went, which regions took them, how fast the answers
// changed, and when the region comes back.
#include <iostream>
#include <string>

#include "dns/wire/utc_time.hpp"
#include "tools/lodestarctl/printers.hpp"

namespace lodestarctl {

namespace {

std::string joined(const nlohmann::json& list, const char* none = "(none)") {
  std::string text;
  for (const auto& v : list) text += (text.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
  return text.empty() ? std::string(none) : text;
}

void printAreas(const nlohmann::json& r) {
  const auto& areas = r.at("areas");
  if (!r.value("geo_database", false)) {
    std::cout << "areas: no geo database is configured; the groups below are every client there is\n";
    return;
  }
  std::cout << "where each area's clients go (" << integer(r, "areas_sampled") << " areas sampled";
  if (!r.value("sample_complete", true)) std::cout << ", the database walked only in part";
  std::cout << "; " << r.at("areas_unchanged").size() << " keep their answers";
  if (!r.at("areas_unchanged").empty() && r.at("areas_unchanged").size() <= 20)
    std::cout << ": " << joined(r.at("areas_unchanged"));
  std::cout << "):\n";
  if (areas.empty()) std::cout << "  no sampled client's answers change\n";
  for (const auto& a : areas)
    for (const auto& rec : a.at("records")) {
      std::cout << "  " << a.at("area").get<std::string>() << " (" << a.value("continent", std::string("?")) << ")  "
                << rec.at("record").get<std::string>() << "  " << joined(rec.at("from")) << " -> "
                << joined(rec.at("to")) << "  " << integer(rec, "clients") << "/" << integer(a, "clients_sampled")
                << " sampled clients";
      if (rec.value("fail_open", false)) std::cout << "  [FAIL OPEN: no usable region left]";
      std::cout << "\n";
    }
  if (!r.at("took").empty()) std::cout << "regions that take them:\n";
  for (const auto& t : r.at("took")) {
    std::cout << "  " << t.at("region").get<std::string>() << ": " << integer(t, "clients_sampled")
              << " sampled clients from " << joined(t.at("areas"));
    std::string capacity;
    for (const auto& [pool, c] : t.at("capacity").items())
      capacity += (capacity.empty() ? "" : ", ") + std::to_string(integer(c)) + " in pool " + pool;
    if (!capacity.empty()) std::cout << " (capacity " << capacity << ")";
    if (t.value("fail_open", false)) std::cout << "  [some only because no region is usable: they fail open]";
    std::cout << "\n";
  }
}

}  // namespace

void printDrill(const nlohmann::json& r) {
  const std::string region = r.at("region").get<std::string>();
  const bool dryRun = r.value("dry_run", false);
  std::cout << "drill " << region << ": ";
  if (dryRun) std::cout << "dry run, nothing changed; it would be";
  std::cout << (dryRun ? " " : "") << "down from " << lodestar::wire::formatUtc(integer(r, "start")) << " to "
            << lodestar::wire::formatUtc(integer(r, "end"))
            << (dryRun ? "\n" : " (a maintenance window: lodestar ends it on time, whatever happens to this tool)\n");
  if (!dryRun) {
    const auto& changed = r.at("answers_changed_ms");
    if (changed.is_null())
      std::cout << "answers: " << integer(r, "answers_moved") << " of " << r.at("answers_checked").size()
                << " sampled clients were answered as predicted on this node within the time asked; not these:\n";
    else if (r.at("answers_checked").empty())
      std::cout << "answers: no sampled client's answer changes\n";
    else
      std::cout << "answers: changed on this node " << integer(changed) << " ms after the change was made (the answer "
                << "path asked for " << r.at("answers_checked").size() << " sampled clients)\n";
    if (changed.is_null())
      for (const auto& a : r.at("answers_checked"))
        if (!a.value("as_predicted", false))
          std::cout << "  " << a.at("record").get<std::string>() << " for " << a.at("client").get<std::string>() << " ("
                    << a.at("area").get<std::string>() << "): " << joined(a.at("regions")) << ", predicted "
                    << joined(a.at("expected")) << "\n";
    const auto& drain = r.at("drain");
    if (drain.contains("acknowledged")) {
      const auto& ack = drain.at("acknowledged");
      std::cout << "cluster: " << (ack.value("complete", false) ? "applied on " : "committed; applied on ")
                << joined(ack.at("applied_on"), "no node");
      if (ack.value("complete", false) && ack.contains("ms")) std::cout << " in " << integer(ack, "ms") << " ms";
      if (ack.contains("not_applied"))
        for (const auto& m : ack.at("not_applied")) std::cout << "; " << m.value("why", m.value("node", std::string()));
      std::cout << "\n";
    }
  }
  if (integer(r, "ttl") > 0)
    std::cout << "resolvers keep answers given before for up to " << integer(r, "ttl") << " s (the records' TTL)\n";
  printAreas(r);
  const auto& moves = r.at("moves");
  std::cout << "by each record's own client groups:\n";
  if (moves.empty()) std::cout << "  no group's answers change\n";
  for (const auto& m : moves) {
    std::cout << "  " << m.at("record").get<std::string>() << " (" << m.at("policy").get<std::string>() << "), "
              << m.at("clients").get<std::string>() << ": " << joined(m.at("from")) << " -> " << joined(m.at("to"));
    if (m.value("fail_open", false)) std::cout << "  [FAIL OPEN: no usable region left]";
    if (m.value("spill", false)) std::cout << "  [spread over the next regions by client network]";
    std::cout << "\n";
  }
  if (dryRun) std::cout << "to run it, give the same command without --dry-run\n";
}

}  // namespace lodestarctl
