// Key pairs for tests, written as ldns-keygen writes them (BIND's .key and .private).
#pragma once

#include <string>

#include "tests/support/temp_dir.hpp"

namespace lodestar::test {

/// Writes a new key pair for `zone` ("signed.test.") in `dir`; `algorithm` 13 or 15, `ksk`
/// sets the SEP flag (257). Returns its base name, "Kzone.+alg+tag".
std::string writeKeyPair(const TempDir& dir, const std::string& zone, int algorithm, bool ksk);

}  // namespace lodestar::test
