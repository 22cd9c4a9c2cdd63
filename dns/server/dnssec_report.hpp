// What `lodestarctl status` and `lodestarctl dnssec` say of the signed zones: each key, its
// DS for the parent, and when the static signatures expire and are made again.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "zones/view.hpp"

namespace lodestar::server {

/// One entry per signed zone of `view` (only `zone`, in presentation form, when not empty).
nlohmann::json dnssecReport(const zones::View& view, const std::string& zone = {});

}  // namespace lodestar::server
