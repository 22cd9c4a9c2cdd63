// The headers nearly every test file opens, compiled once per test binary (CMake's precompiled
// header): Catch2's single header alone took ~3 s of each test file's ~5 s, four builds over.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>
