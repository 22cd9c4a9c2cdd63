// An RRset's records' data packed after their lengths: every record back, in order, whatever
// its size (none, one byte, the 65,535 at most), and an empty list.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "zones/rdata_list.hpp"

using lodestar::zones::Arena;
using lodestar::zones::RdataList;

TEST_CASE("rdata list: records come back in order, of any size", "[zones][rdata]") {
  Arena arena;
  const std::vector<std::string> records{std::string("\xC0\x00\x02\x01", 4), "", "x", std::string(65535, '\xFF'),
                                         std::string(256, 'a')};
  const RdataList list = RdataList::pack(records, arena);
  REQUIRE(list.size() == records.size());
  CHECK_FALSE(list.empty());
  std::vector<std::string> back;
  for (std::string_view rd : list) back.emplace_back(rd);
  CHECK(back == records);
  CHECK(list.front() == records.front());
  for (size_t i = 0; i < records.size(); ++i) CHECK(list[i] == records[i]);

  const RdataList none = RdataList::pack(std::vector<std::string_view>{}, arena);
  CHECK(none.empty());
  CHECK(none.size() == 0);
  CHECK(none.begin() == none.end());
}
