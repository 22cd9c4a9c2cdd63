// lodestarctl stats, history, and the outcome of reload, check, ping, drain, undrain, force.
#include <cstdint>
#include <iostream>
#include <string>

#include "dns/control/history_entry.hpp"
#include "dns/wire/utc_time.hpp"
#include "tools/lodestarctl/printers.hpp"

namespace lodestarctl {

using lodestar::wire::formatUtc;

void printStats(const nlohmann::json& s) {
  std::cout << "queries      " << integer(s, "queries") << "  (with ECS " << integer(s, "with_ecs") << ")\n"
            << "dropped      " << integer(s, "dropped") << "  (no answer: not a query, or malformed)\n"
            << "unsent       " << integer(s, "unsent", 0) << "  (answers the UDP socket did not take: its buffer full)\n"
            << "truncated    " << integer(s, "truncated") << "  (TC=1: too big for the client's UDP size)\n";
  if (s.contains("dnssec"))
    std::cout << "dnssec       " << integer(s.at("dnssec"), "signatures_made") << " signatures made online, "
              << integer(s.at("dnssec"), "cache_hits") << " from the cache, " << integer(s.at("dnssec"), "signing_failures")
              << " answers left unsigned (signing failed)\n";
  if (s.contains("rate_limit") && s.at("rate_limit").is_object()) {
    const nlohmann::json& rl = s.at("rate_limit");
    const nlohmann::json none = nlohmann::json::object();
    const nlohmann::json& drops = rl.contains("dropped") && rl.at("dropped").is_object() ? rl.at("dropped") : none;
    const nlohmann::json& slips = rl.contains("slipped") && rl.at("slipped").is_object() ? rl.at("slipped") : none;
    uint64_t dropped = 0, slipped = 0;
    std::string classes;
    for (const auto& [klass, n] : drops.items()) {
      const uint64_t d = static_cast<uint64_t>(integer(drops, klass.c_str(), 0));
      const uint64_t t = static_cast<uint64_t>(integer(slips, klass.c_str(), 0));
      dropped += d;
      slipped += t;
      if (d + t) classes += (classes.empty() ? " (" : ", ") + klass + " " + std::to_string(d + t);
    }
    std::cout << "rate limit   " << dropped << " answers dropped, " << slipped << " sent empty with TC=1" << classes
              << (classes.empty() ? "" : ")") << "\n";
  }
  if (s.contains("cookies") && s.at("cookies").is_object()) {
    const nlohmann::json& c = s.at("cookies");
    std::cout << "cookies      " << integer(c, "valid") << " valid server cookies, " << integer(c, "client_only")
              << " client cookies only (given one), " << integer(c, "invalid") << " invalid (given a new one)\n";
  }
  std::cout
            << "fail open    " << integer(s, "fail_open") << "  (no usable region: endpoints served whatever their health); records failing open now "
            << integer(s, "fail_open_records") << ", entered " << integer(s, "fail_open_entered") << " time(s)\n"
            << "reloads      " << integer(s, "reloads") << " applied, " << integer(s, "failed_reloads") << " failed\n"
            << "health       " << integer(s, "health_changes") << " state changes, " << integer(s, "probe_local_failures")
            << " probes failed on this machine (not held against endpoints)\n"
            << "tcp          " << integer(s, "tcp_connections") << " connections open of at most "
            << integer(s, "tcp_max_connections") << "; " << integer(s, "tcp_refused", 0) << " refused, "
            << integer(s, "tcp_evicted", 0) << " closed to make room\n";
  for (const auto& [key, title] : {std::pair{"by_rcode", "rcodes      "}, std::pair{"by_qtype", "types       "},
                                    std::pair{"answers_by_region", "regions     "}, std::pair{"by_zone", "zones       "}}) {
    if (!s.contains(key) || s[key].empty()) continue;
    std::cout << title;
    for (const auto& [k, v] : s[key].items()) std::cout << " " << k << " " << integer(v);
    std::cout << "\n";
  }
  if (s.contains("detail") && s.at("detail").is_string())
    std::cout << "detail       " << s.at("detail").get<std::string>() << " (configure http: to count them)\n";
  // A line per steered record that answered: there may be thousands that did not.
  if (s.contains("answers_by_record"))
    for (const auto& [record, regions] : s.at("answers_by_record").items()) {
      std::string line;
      uint64_t sum = 0;
      for (const auto& [region, v] : regions.items()) {
        const int64_t n = integer(v);
        sum += static_cast<uint64_t>(n);
        line += " " + region + " " + std::to_string(n);
      }
      if (sum > 0) std::cout << "record       " << record << ":" << line << "\n";
    }
  if (s.contains("xdp")) {
    const auto& x = s.at("xdp");
    std::cout << "xdp          " << x.value("interface", std::string()) << " (" << x.value("mode", std::string()) << "): ";
    if (!x.value("on", false)) {
      std::cout << "OFF, the sockets answer every query: " << x.value("error", std::string()) << "\n";
      return;
    }
    std::cout << "on" << (x.contains("note") ? "; " + x.value("note", std::string()) : "") << "\n";
    // answered: the kernel completed the reply's transmit; unsent: queued, not completed yet.
    for (const auto& q : x.at("queues"))
      std::cout << "  queue " << integer(q, "queue") << "    " << integer(q, "received") << " frames in, "
                << integer(q, "answered") << " answered (sent), " << integer(q, "unsent") << " queued but not yet sent, "
                << integer(q, "malformed") << " malformed, " << integer(q, "transmit_full") << " lost to a full transmit ring"
                << (q.value("zero_copy", false) ? " (zero-copy)" : " (copy mode)") << "\n";
  }
}

void printXdpLine(const nlohmann::json& x) {
  std::cout << "xdp: ";
  if (x.value("on", false))
    std::cout << "on " << x.value("interface", std::string()) << " (" << x.value("mode", std::string()) << " mode), "
              << x.value("queues", nlohmann::json::array()).size() << " queue(s); their counters: lodestarctl stats"
              << (x.contains("note") ? "; " + x.value("note", std::string()) : "") << "\n";
  else
    std::cout << "OFF on " << x.value("interface", std::string()) << " (" << x.value("mode", std::string())
              << " mode), the sockets answer every query: " << x.value("error", std::string()) << "\n";
}

void printHistory(const nlohmann::json& result) {
  // Not the cluster's history (etcd away): said first, before any entry.
  if (auto note = result.find("note"); note != result.end() && note->is_string()) std::cout << *note->get_ptr<const std::string*>() << "\n";
  const auto list = result.find("history");
  if (list == result.end() || !list->is_array() || list->empty()) std::cout << "no admin actions recorded\n";
  if (list == result.end() || !list->is_array()) return;
  for (const auto& item : *list) {
    std::string error;
    auto h = lodestar::control::readHistoryEntry(item, error);
    if (!h) {  // one unreadable entry is said and skipped; the others are still shown
      std::cout << "(an entry lodestarctl cannot read: " << error << ")\n";
      continue;
    }
    std::cout << formatUtc(h->time) << "  " << h->command << " " << h->target;
    if (!h->state.empty()) std::cout << " " << h->state;
    if (!h->node.empty()) std::cout << "  on " << h->node;
    std::cout << "  by uid " << h->uid;
    if (!h->reason.empty()) std::cout << "  \"" << h->reason << "\"";
    if (!h->result.empty()) std::cout << "  " << h->result;
    if (h->revision) std::cout << "  revision " << h->revision;
    std::cout << "\n";
  }
}

void printOutcome(const std::string& command, const nlohmann::json& result) {
  if (result.contains("summary")) {
    std::cout << result.at("summary").get<std::string>();
  } else if (result.value("dry_run", false)) {
    std::cout << "dry run: nothing changed; computed by the answer path's own region choice\n";
    if (result.at("moves").empty()) std::cout << "  no client would get a different region\n";
    for (const auto& m : result.at("moves")) {
      auto list = [](const nlohmann::json& regions) {
        std::string text;
        for (const auto& r : regions) text += (text.empty() ? "" : ", ") + r.get<std::string>();
        return text.empty() ? std::string("(none)") : text;
      };
      std::cout << "  " << m.at("record").get<std::string>() << " (" << m.at("policy").get<std::string>() << "), "
                << m.at("clients").get<std::string>() << ": " << list(m.at("from")) << " -> " << list(m.at("to"));
      if (m.value("fail_open", false)) std::cout << "  [FAIL OPEN: no usable region left]";
      if (m.value("spill", false)) std::cout << "  [spread over the next regions by client network]";
      std::cout << "\n";
    }
    for (const auto& r : result.at("left_without_region"))
      std::cout << "  would leave " << r.get<std::string>() << " without a usable region (refused without --force)\n";
    // A refused one says so on stderr, with its reason (the daemon's error).
    if (!result.value("refused", false)) std::cout << "to apply it, run the same command without --dry-run\n";
  } else if (result.contains("window")) {
    std::cout << command << " " << result.at("target").get<std::string>() << ": scheduled from "
              << formatUtc(integer(result.at("window").at("start"))) << " to "
              << formatUtc(integer(result.at("window").at("end"))) << "\n";
  } else if (result.contains("target") && !result.value("changed", true)) {
    std::cout << command << " " << result.at("target").get<std::string>() << ": nothing to do ("
              << (command == "undrain" ? "it was not drained" : command == "drain" ? "it was drained already"
                                                                                   : "that was its state already")
              << ")\n";
  } else if (result.contains("target") && result.contains("acknowledged")) {
    // In a cluster: committed in etcd, then applied by each expected node (or not, in time).
    const auto& a = result.at("acknowledged");
    auto names = [](const nlohmann::json& list) {
      std::string text;
      for (const auto& n : list) text += (text.empty() ? "" : ", ") + n.get<std::string>();
      return text;
    };
    const int64_t revision = integer(result, "revision");
    std::cout << command << " " << result.at("target").get<std::string>() << ": ";
    if (a.value("complete", false)) {
      std::cout << "applied on " << names(a.at("applied_on")) << " in " << integer(a, "ms") << " ms (revision "
                << revision << ")\n";
    } else {
      std::cout << "committed (revision " << revision << "); applied on "
                << (a.at("applied_on").empty() ? std::string("no node") : names(a.at("applied_on")));
      for (const auto& m : a.at("not_applied")) std::cout << "; " << m.value("why", m.value("node", std::string()));
      std::cout << " (waited " << integer(a, "waited_ms") << " ms)\n";
    }
  } else if (result.contains("target")) {
    std::cout << command << " " << result.at("target").get<std::string>() << ": done";
    if (result.contains("revision")) std::cout << " on every node (etcd revision " << integer(result.at("revision")) << ")";
    if (result.value("local", false)) std::cout << " on this node only (--local)";
    std::cout << "\n";
  } else {
    std::cout << result.dump() << "\n";
  }
}

}  // namespace lodestarctl
