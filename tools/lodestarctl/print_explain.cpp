// lodestarctl explain: the steering decision, then the answer decoded by ldns.
#include <charconv>
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
  if (result.contains("note")) std::cout << result.at("note").get<std::string>() << "\n";
  if (!result.at("steering").is_null()) {
    const auto& s = result.at("steering");
    std::cout << s.at("record").get<std::string>() << " is steered by " << s.at("policy").get<std::string>() << " over pool "
              << s.at("pool").get<std::string>() << "\n";
    std::cout << "  located by   " << s.at("located_by").get<std::string>() << "\n";
    if (s.contains("geo")) {
      std::cout << "  geo facts    ";
      if (s.at("geo").is_string()) std::cout << s.at("geo").get<std::string>();
      else {
        const auto& g = s.at("geo");
        std::cout << "continent " << g.value("continent", std::string("-")) << ", country " << g.value("country", std::string("-"))
                  << ", subdivision " << g.value("subdivision", std::string("-"));
        if (g.contains("location")) std::cout << ", location " << g.at("location").at(0).get<double>() << "," << g.at("location").at(1).get<double>();
        if (s.contains("geo_network_length")) std::cout << " (database network /" << integer(s.at("geo_network_length")) << ")";
      }
      std::cout << "\n";
    }
    if (s.contains("map_key")) std::cout << "  map key      " << s.at("map_key").get<std::string>() << "\n";
    std::cout << "  region order";
    for (const auto& r : s.at("order")) {
      std::cout << "  " << r.at("region").get<std::string>();
      if (r.value("drained", false)) std::cout << " [drained]";
      if (r.contains("up")) std::cout << " (up " << r.at("up").at("ipv4").get<std::string>() << " IPv4, " << r.at("up").at("ipv6").get<std::string>() << " IPv6)";
      if (r.contains("cname")) std::cout << " (cname " << r.at("cname").at("target").get<std::string>() << (r.at("cname").at("up").get<bool>() ? ", up)" : ", down)");
    }
    std::cout << "\n";
    if (s.contains("chosen")) {
      std::string chosen;
      for (const auto& r : s.at("chosen")) chosen += (chosen.empty() ? "" : ", ") + r.get<std::string>();
      std::cout << "  answered by  " << (chosen.empty() ? "(no region has endpoints of this family)" : chosen) << "\n";
    }
    std::cout << "  min_healthy  " << integer(s.at("min_healthy")) << "\n  ECS scope    /" << integer(s.at("ecs_scope")) << "\n";
    if (s.value("fail_open", false))
      std::cout << "  FAIL OPEN    no region of the order is usable: the answer lists endpoints whatever their "
                   "health (all_down: fail_open)\n";
  }
  std::string hex = result.at("answer").get<std::string>();
  std::vector<uint8_t> bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    unsigned byte = 0;
    auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, byte, 16);
    if (ec != std::errc() || end != hex.data() + i + 2) {
      bytes.clear();  // not hex (std::stoi threw past the printer's JSON errors): no answer to show
      break;
    }
    bytes.push_back(static_cast<uint8_t>(byte));
  }
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
