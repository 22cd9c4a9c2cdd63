// lodestarctl export: the daemon's records (wire form) as RFC 1035 text, each rendered by ldns.
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "tools/lodestarctl/printers.hpp"
#include "zones/ldns.hpp"

namespace lodestarctl {

namespace {

// Pairs of hex digits, nothing else: a reply that is not so is not one this tool reads.
std::vector<uint8_t> unhex(const std::string& text) {
  auto digit = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::runtime_error("'" + text.substr(0, 40) + "' is not hex");
  };
  if (text.size() % 2) throw std::runtime_error("an odd number of hex digits");
  std::vector<uint8_t> out;
  for (size_t i = 0; i < text.size(); i += 2) out.push_back(static_cast<uint8_t>(digit(text[i]) << 4 | digit(text[i + 1])));
  return out;
}

void put16(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

}  // namespace

void printExport(const Request& sent, const nlohmann::json& result) {
  std::cout << "; zone " << result.at("zone").get<std::string>() << " as lodestar answers it; steered names as answered to "
            << sent.args.value("client", std::string()) << "\n";
  if (sent.args.value("nsec_chain", false) && result.value("signed", false))
    std::cout << "; with an NSEC chain made for this export: the server itself denies with compact NSECs (RFC 9824)\n";
  for (const auto& r : result.at("records")) {
    // One record in wire form, as ldns reads it from a message.
    std::vector<uint8_t> rr = unhex(r.at("owner").get<std::string>());
    put16(rr, static_cast<uint32_t>(integer(r, "type")));
    put16(rr, 1);
    const uint32_t ttl = static_cast<uint32_t>(integer(r, "ttl"));
    put16(rr, ttl >> 16);
    put16(rr, ttl & 0xFFFF);
    const std::vector<uint8_t> rdata = unhex(r.at("rdata").get<std::string>());
    put16(rr, static_cast<uint32_t>(rdata.size()));
    rr.insert(rr.end(), rdata.begin(), rdata.end());
    ldns_rr* parsed = nullptr;
    size_t pos = 0;
    if (ldns_wire2rr(&parsed, rr.data(), rr.size(), &pos, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK) {
      std::cout << "; a record ldns cannot read: " << r.dump() << "\n";
      continue;
    }
    std::unique_ptr<char, void (*)(void*)> text(ldns_rr2str(parsed), free);
    ldns_rr_free(parsed);
    std::string line = text ? text.get() : "";
    while (!line.empty() && line.back() == '\n') line.pop_back();
    std::cout << line;
    if (r.contains("note")) std::cout << " ; " << r.at("note").get<std::string>();
    std::cout << "\n";
  }
}

}  // namespace lodestarctl
