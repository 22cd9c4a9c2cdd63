// RR type numbers as text: the table's mnemonic, or RFC 3597's TYPE12345.
#include "dns/wire/rr_type.hpp"

namespace lodestar::wire {

std::string rrTypeName(uint16_t number) {
  const std::string_view mnemonic = rrTypeMnemonic(number);
  return mnemonic.empty() ? "TYPE" + std::to_string(number) : std::string(mnemonic);
}

}  // namespace lodestar::wire
