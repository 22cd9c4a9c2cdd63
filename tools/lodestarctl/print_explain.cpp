// lodestarctl explain: the steering decision, then the answer decoded by ldns.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <vector>

#include "tools/lodestarctl/printers.hpp"
#include "zones/ldns.hpp"

namespace lodestarctl {

// The answer bytes, decoded by ldns (an independent parser), with the steering laid out.
void printExplain(const nlohmann::json& result) {
  if (result.contains("note")) std::cout << result["note"].get<std::string>() << "\n";
  if (!result["steering"].is_null()) {
    const auto& s = result["steering"];
    std::cout << s["record"].get<std::string>() << " is steered by " << s["policy"].get<std::string>() << " over pool "
              << s["pool"].get<std::string>() << "\n";
    std::cout << "  located by   " << s["located_by"].get<std::string>() << "\n";
    if (s.contains("geo")) {
      std::cout << "  geo facts    ";
      if (s["geo"].is_string()) std::cout << s["geo"].get<std::string>();
      else {
        const auto& g = s["geo"];
        std::cout << "continent " << g.value("continent", std::string("-")) << ", country " << g.value("country", std::string("-"))
                  << ", subdivision " << g.value("subdivision", std::string("-"));
        if (g.contains("location")) std::cout << ", location " << g["location"][0].get<double>() << "," << g["location"][1].get<double>();
        if (s.contains("geo_network_length")) std::cout << " (database network /" << s["geo_network_length"].get<int>() << ")";
      }
      std::cout << "\n";
    }
    if (s.contains("map_key")) std::cout << "  map key      " << s["map_key"].get<std::string>() << "\n";
    std::cout << "  region order";
    for (const auto& r : s["order"]) {
      std::cout << "  " << r["region"].get<std::string>();
      if (r.value("drained", false)) std::cout << " [drained]";
      if (r.contains("up")) std::cout << " (up " << r["up"]["ipv4"].get<std::string>() << " IPv4, " << r["up"]["ipv6"].get<std::string>() << " IPv6)";
      if (r.contains("cname")) std::cout << " (cname " << r["cname"]["target"].get<std::string>() << (r["cname"]["up"].get<bool>() ? ", up)" : ", down)");
    }
    std::cout << "\n";
    if (s.contains("chosen")) {
      std::string chosen;
      for (const auto& r : s["chosen"]) chosen += (chosen.empty() ? "" : ", ") + r.get<std::string>();
      std::cout << "  answered by  " << (chosen.empty() ? "(no region has endpoints of this family)" : chosen) << "\n";
    }
    std::cout << "  min_healthy  " << s["min_healthy"].get<int>() << "\n  ECS scope    /" << s["ecs_scope"].get<int>() << "\n";
    if (s.value("fail_open", false))
      std::cout << "  FAIL OPEN    no region of the order is usable: the answer lists endpoints whatever their "
                   "health (all_down: fail_open)\n";
  }
  std::string hex = result["answer"].get<std::string>();
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, bytes.data(), bytes.size()) != LDNS_STATUS_OK) {
    std::cout << "  (no answer)\n";
    return;
  }
  char* text = ldns_pkt2str(pkt);
  std::cout << "the answer, exactly as the daemon gives it:\n";
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(";; Query time", 0) != 0 && line.rfind(";; WHEN", 0) != 0 && line.rfind(";; SERVER", 0) != 0)
      std::cout << line << "\n";
  free(text);
  ldns_pkt_free(pkt);
}

}  // namespace lodestarctl
