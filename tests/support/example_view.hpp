// One of the example zone files under tests/data loaded into a View, for the unit tests that
// judge admin requests and fail-open against it; the test stops with the loader's report when
// the file does not load.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "tests/support/temp_dir.hpp"
#include "zones/view_loader.hpp"

namespace lodestar::test {

/// `relative` is under tests/data, e.g. "steering/windows.example.yaml".
inline std::unique_ptr<zones::View> exampleView(const std::string& relative) {
  yaml::Diagnostics d;
  auto view = zones::loadView({dataPath(relative)}, nullptr, d);
  INFO(d.report());
  REQUIRE(view);
  return view;
}

}  // namespace lodestar::test
