// The RR type table: sorted and unique, every mnemonic both ways, RFC 3597 TYPE#### both
// ways, the answer writer's compressed names, and agreement with ldns on every type both know.
#include <catch2/catch.hpp>

#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "dns/wire/rdata_names.hpp"
#include "dns/wire/rr_type.hpp"
#include "zones/ldns.hpp"

using namespace lodestar;
using wire::NameLayout;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Which of ldns's fields (by index) our layout says are names, where it says fixed places.
std::vector<size_t> nameFields(NameLayout layout) {
  switch (layout) {
    case NameLayout::None:
    case NameLayout::Variable: return {};
    case NameLayout::Name:
    case NameLayout::LeadingName: return {0};
    case NameLayout::TwoNames: return {0, 1};
    case NameLayout::NumberName: return {1};
    case NameLayout::NumberTwoNames: return {1, 2};
    case NameLayout::Srv: return {3};
    case NameLayout::Naptr: return {5};
    case NameLayout::Signer: return {7};
  }
  return {};
}

constexpr size_t kRepeatedNames = 99;  // names repeated to the end of the RDATA (HIP's servers)

std::vector<size_t> ldnsNameFields(const ldns_rr_descriptor* d) {
  std::vector<size_t> out;
  for (size_t i = 0; i < d->_maximum; ++i)
    if (ldns_rr_descriptor_field_type(d, i) == LDNS_RDF_TYPE_DNAME) out.push_back(i);
  if (d->_variable == LDNS_RDF_TYPE_DNAME) out.push_back(kRepeatedNames);
  return out;
}

std::string ldnsName(uint16_t type) {
  char* s = ldns_rr_type2str(static_cast<ldns_rr_type>(type));
  std::string out = s ? s : "";
  free(s);
  return out;
}

}  // namespace

TEST_CASE("the RR type table is sorted by number with no number or mnemonic twice", "[wire][rrtype]") {
  std::set<std::string> mnemonics;
  for (size_t i = 0; i < wire::kRrTypes.size(); ++i) {
    if (i > 0) CHECK(wire::kRrTypes[i - 1].number < wire::kRrTypes[i].number);
    CHECK(mnemonics.insert(std::string(wire::kRrTypes[i].mnemonic)).second);
    CHECK_FALSE(wire::kRrTypes[i].mnemonic.empty());
  }
}

TEST_CASE("the numbers the code names (constants.hpp) are the table's", "[wire][rrtype]") {
  // A test, not a static_assert: under -fsanitize=undefined GCC 12 cannot evaluate the
  // table's search at compile time.
  using namespace lodestar::wire;
  const std::pair<const char*, uint16_t> named[] = {
      {"A", rrtype::A},     {"NS", rrtype::NS},   {"CNAME", rrtype::CNAME}, {"SOA", rrtype::SOA},
      {"PTR", rrtype::PTR}, {"MX", rrtype::MX},   {"TXT", rrtype::TXT},     {"AAAA", rrtype::AAAA},
      {"SRV", rrtype::SRV}, {"DNAME", rrtype::DNAME}, {"OPT", rrtype::OPT}, {"DS", rrtype::DS},
      {"CAA", rrtype::CAA}, {"ANY", rrtype::ANY}, {"AXFR", rrtype::AXFR},   {"IXFR", rrtype::IXFR}};
  for (const auto& [name, number] : named) {
    INFO(name);
    CHECK(rrTypeFromName(name) == number);
  }
}

TEST_CASE("every mnemonic round-trips, in any case", "[wire][rrtype]") {
  for (const wire::RrType& t : wire::kRrTypes) {
    INFO(t.mnemonic);
    CHECK(wire::rrTypeFromName(t.mnemonic) == t.number);
    CHECK(wire::rrTypeFromName(lower(t.mnemonic)) == t.number);
    CHECK(wire::rrTypeName(t.number) == t.mnemonic);
    CHECK(wire::rrTypeByNumber(t.number) == &t);
    CHECK(wire::rrTypeByMnemonic(lower(t.mnemonic)) == &t);
  }
  CHECK(wire::rrTypeFromName("AAAA") == wire::rrtype::AAAA);
  CHECK(wire::rrTypeFromName("nsap-ptr") == 23);
}

TEST_CASE("RFC 3597 TYPE#### both ways for types without a name", "[wire][rrtype]") {
  CHECK(wire::rrTypeName(12345) == "TYPE12345");
  CHECK(wire::rrTypeName(65280) == "TYPE65280");
  CHECK(wire::rrTypeName(0) == "TYPE0");
  CHECK(wire::rrTypeName(65535) == "TYPE65535");
  CHECK(wire::rrTypeFromName("TYPE12345") == 12345);
  CHECK(wire::rrTypeFromName("type65535") == 65535);
  CHECK(wire::rrTypeFromName("TYPE0") == 0);
  // A named type in the generic form is that type (RFC 3597 section 5).
  CHECK(wire::rrTypeFromName("TYPE28") == wire::rrtype::AAAA);
  CHECK(wire::rrTypeName(*wire::rrTypeFromName("TYPE1")) == "A");
  for (uint32_t n = 0; n <= 0xFFFF; ++n) {
    const auto number = static_cast<uint16_t>(n);
    if (wire::rrTypeFromName(wire::rrTypeName(number)) != number) FAIL("type " << n << " does not round-trip");
  }
  for (const char* bad : {"", "TYPE", "TYPE65536", "TYPE99999", "TYPE28x", "TYPE-1", "TYPE 1", "TYPE1234567", "AAAAA",
                          "A ", "TYP28", "NSAP_PTR"}) {
    INFO(bad);
    CHECK_FALSE(wire::rrTypeFromName(bad));
  }
  CHECK(wire::rrTypeMnemonic(12345).empty());
  CHECK(wire::rrTypeByNumber(12345) == nullptr);
}

TEST_CASE("only NS, CNAME, SOA, PTR and MX have their names compressed", "[wire][rrtype]") {
  std::set<uint16_t> compressed;
  for (const wire::RrType& t : wire::kRrTypes)
    if (t.compressed) compressed.insert(t.number);
  CHECK(compressed == std::set<uint16_t>{wire::rrtype::NS, wire::rrtype::CNAME, wire::rrtype::SOA, wire::rrtype::PTR,
                                         wire::rrtype::MX});
  for (uint32_t n = 0; n <= 0xFFFF; ++n) {
    const auto* t = wire::rrTypeByNumber(static_cast<uint16_t>(n));
    const NameLayout expected = t && t->compressed ? t->names : NameLayout::None;
    if (wire::compressedNameLayout(static_cast<uint16_t>(n)) != expected) FAIL("type " << n);
  }
  // The spans the writer compresses (as before the table): SRV's target stays as it is.
  const std::string name("\3www\7example\4test\0", 18), mbox("\4host\7example\4test\0", 19);
  CHECK(wire::compressibleNames(wire::rrtype::CNAME, name).count == 1);
  const auto mx = wire::compressibleNames(wire::rrtype::MX, std::string("\0\12", 2) + name);
  REQUIRE(mx.count == 1);
  CHECK((mx.name[0].at == 2 && mx.name[0].length == name.size()));
  const auto soa = wire::compressibleNames(wire::rrtype::SOA, name + mbox + std::string(20, '\0'));
  REQUIRE(soa.count == 2);
  CHECK((soa.name[0].at == 0 && soa.name[0].length == name.size()));
  CHECK((soa.name[1].at == name.size() && soa.name[1].length == mbox.size()));
  CHECK(wire::compressibleNames(wire::rrtype::SRV, std::string(6, '\0') + name).count == 0);
  CHECK(wire::compressibleNames(wire::rrtype::DNAME, name).count == 0);
}

TEST_CASE("the table agrees with ldns on every type both know", "[wire][rrtype][ldns]") {
  unsigned both = 0;
  for (uint32_t n = 0; n <= 0xFFFF; ++n) {
    const auto number = static_cast<uint16_t>(n);
    const std::string theirs = ldnsName(number);
    const wire::RrType* ours = wire::rrTypeByNumber(number);
    // ldns names every type it knows, and calls the others TYPE####, as we do.
    INFO("type " << n << ": ldns " << theirs);
    CHECK(theirs == wire::rrTypeName(number));
    if (!ours) continue;
    ++both;
    CHECK(static_cast<uint16_t>(ldns_get_rr_type_by_name(std::string(ours->mnemonic).c_str())) == number);
    CHECK(static_cast<uint16_t>(ldns_get_rr_type_by_name(lower(ours->mnemonic).c_str())) == number);
    // Where ldns reads a name (LDNS_RDF_TYPE_DNAME), our layout says a name; the types whose
    // names move with other fields (A6, IPSECKEY, HIP) are Variable.
    const ldns_rr_descriptor* d = ldns_rr_descript(number);
    REQUIRE(d);
    const std::vector<size_t> theirFields = ldnsNameFields(d);
    if (ours->names == NameLayout::Variable)  // ldns: a field of its own, or HIP's servers at the end
      CHECK((theirFields.empty() || theirFields == std::vector<size_t>{kRepeatedNames}));
    else
      CHECK(theirFields == nameFields(ours->names));
    // ldns compresses a superset of ours (the obsolete MD, MF, MB, MG, MR and MINFO too).
    if (ours->compressed) CHECK(d->_compress == LDNS_RR_COMPRESS);
  }
  CHECK(both == wire::kRrTypes.size());
}
