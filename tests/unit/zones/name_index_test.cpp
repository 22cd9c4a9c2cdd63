// The answer path's name index: every name found, absent names missed, duplicates refused.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "zones/name_index.hpp"

using lodestar::zones::NameIndex;

TEST_CASE("the name index finds each of 10,000 names and misses near neighbours", "[zones][index]") {
  std::vector<std::string> names;
  for (int i = 0; i < 10000; ++i) {
    std::string label = "host" + std::to_string(i);
    names.push_back(std::string(1, static_cast<char>(label.size())) + label + std::string("\7example\0", 9));
  }
  std::vector<int> values(names.size());
  NameIndex<int> index;
  for (size_t i = 0; i < names.size(); ++i) REQUIRE(index.emplace(names[i], &values[i]));
  CHECK(index.size() == names.size());
  CHECK_FALSE(index.emplace(names[42], &values[0]));  // present: refused, unchanged
  CHECK(index.find(names[42]) == &values[42]);
  int misplaced = 0, phantom = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    if (index.find(names[i]) != &values[i]) ++misplaced;
    std::string other = names[i];
    other.back() = 'x';  // same length, last byte differs
    if (index.find(other)) ++phantom;
    if (index.find(std::string_view(names[i]).substr(0, names[i].size() - 1))) ++phantom;
  }
  CHECK(misplaced == 0);
  CHECK(phantom == 0);
  NameIndex<int> empty;
  CHECK(empty.find(names[0]) == nullptr);
}
