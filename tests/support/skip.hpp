// Skipping a test honestly under Catch2 v2, which has no SKIP: the test says why and returns;
// the binary then exits with kSkipReturnCode when everything it ran passed, and ctest (every
// test carries SKIP_RETURN_CODE) prints the test as "Skipped", never "Passed".
#pragma once

#include <catch2/catch.hpp>

namespace lodestar::test {

/// The exit code of a run in which nothing failed and some test skipped (automake's).
inline constexpr int kSkipReturnCode = 77;

/// Records that the running test could not run here.
void markSkipped() noexcept;
/// Whether any test of this run was skipped.
bool anySkipped() noexcept;

}  // namespace lodestar::test

/// Ends the running test as skipped, saying why (a test without a needed kernel feature or
/// privilege). Use only in the test case's own body: it returns from the enclosing function.
#define LODESTAR_SKIP(why)                \
  do {                                    \
    WARN("SKIPPED: " << why);             \
    ::lodestar::test::markSkipped();      \
    return;                               \
  } while (false)
