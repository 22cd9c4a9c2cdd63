// One top-level key of a YAML file without parsing the rest: the view loader's first pass
// wants only each zone file's `regions:`, and parsing whole files twice took half of a big
// load when yaml-cpp parsed them (~2,000 instructions a byte; libyaml parses them now).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lodestar::yaml {

/// The text of top-level `key`'s block in `text` (block style: `key:` at column 0, its value
/// after it and on the lines below up to the next top-level line), every line before it left
/// empty so that lines and columns are where they were in `text`. An empty string when the
/// file plainly has no such key. Nullopt when the file may not be that plain (flow style or
/// a sequence at the top, several documents or directives, the key quoted or written twice,
/// anchors or aliases in the block): the caller parses the whole file.
std::optional<std::string> topLevelBlock(std::string_view text, std::string_view key);

}  // namespace lodestar::yaml
