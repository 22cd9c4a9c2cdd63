// The answer path's name index: every name found, absent names missed, duplicates refused,
// and places (not addresses) kept while the array of values grows under it.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "zones/name_index.hpp"

using lodestar::zones::NameIndex;

namespace {
struct ItsOwnName {
  std::string_view operator()(const std::string& s) const noexcept { return s; }
};
}  // namespace

TEST_CASE("the name index finds each of 10,000 names and misses near neighbours", "[zones][index]") {
  std::vector<std::string> names;
  NameIndex<std::string, ItsOwnName> index;
  // Added one by one as the array grows (it moves several times): no reserve, so the index
  // grows too, hashing the keys again from their places.
  for (int i = 0; i < 10000; ++i) {
    std::string label = "host" + std::to_string(i);
    names.push_back(std::string(1, static_cast<char>(label.size())) + label + std::string("\7example\0", 9));
    REQUIRE(index.emplace(static_cast<uint32_t>(names.size() - 1), names.data()));
  }
  CHECK(index.size() == names.size());
  names.push_back(names[42]);
  CHECK_FALSE(index.emplace(static_cast<uint32_t>(names.size() - 1), names.data()));  // present: refused
  names.pop_back();
  CHECK(index.size() == names.size());
  CHECK(index.find(names[42], names.data()) == &names[42]);
  int misplaced = 0, phantom = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    if (index.find(names[i], names.data()) != &names[i]) ++misplaced;
    std::string other = names[i];
    other.back() = 'x';  // same length, last byte differs
    if (index.find(other, names.data())) ++phantom;
    if (index.find(std::string_view(names[i]).substr(0, names[i].size() - 1), names.data())) ++phantom;
  }
  CHECK(misplaced == 0);
  CHECK(phantom == 0);

  // Reserved for far more than it holds, then fitted: every name is still found.
  NameIndex<std::string, ItsOwnName> generous;
  generous.reserve(1'000'000, names.data());
  for (uint32_t i = 0; i < 100; ++i) REQUIRE(generous.emplace(i, names.data()));
  generous.fit(names.data());
  CHECK(generous.size() == 100);
  for (uint32_t i = 0; i < 100; ++i) CHECK(generous.find(names[i], names.data()) == &names[i]);
  CHECK_FALSE(generous.find(names[100], names.data()));
  NameIndex<std::string, ItsOwnName> empty;
  CHECK(empty.find(names[0], names.data()) == nullptr);
}
