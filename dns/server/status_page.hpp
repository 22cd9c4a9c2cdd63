// The live status page served at / (HTML, style and script in one document, compiled in).
#pragma once

#include <string_view>

namespace lodestar::server {

std::string_view statusPageHtml() noexcept;

}  // namespace lodestar::server
