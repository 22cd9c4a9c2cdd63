// The names of DNS numbers, for logs, stats, checks and tools.
#include "dns/wire/constants.hpp"

#include <array>
#include <utility>

namespace lodestar::wire {

namespace {
constexpr std::array<std::pair<uint16_t, const char*>, 12> kRcodes = {{{0, "NOERROR"},
                                                                      {1, "FORMERR"},
                                                                      {2, "SERVFAIL"},
                                                                      {3, "NXDOMAIN"},
                                                                      {4, "NOTIMP"},
                                                                      {5, "REFUSED"},
                                                                      {6, "YXDOMAIN"},
                                                                      {7, "YXRRSET"},
                                                                      {8, "NXRRSET"},
                                                                      {9, "NOTAUTH"},
                                                                      {16, "BADVERS"},
                                                                      {23, "BADCOOKIE"}}};
}  // namespace

std::string rcodeName(uint16_t rcode) {
  for (const auto& [n, name] : kRcodes)
    if (n == rcode) return name;
  return "RCODE" + std::to_string(rcode);
}

int rcodeFromName(std::string_view name) {
  for (const auto& [n, text] : kRcodes)
    if (name == text) return n;
  return -1;
}

}  // namespace lodestar::wire
