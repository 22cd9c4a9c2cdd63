// Runs the fuzz target without libFuzzer (gcc builds, ctest): every corpus file, then
// random mutations of them, bounded in count and time.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  std::vector<std::vector<uint8_t>> corpus;
  long mutations = 0, seconds = 60;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--mutations" && i + 1 < argc) mutations = std::atol(argv[++i]);
    else if (arg == "--seconds" && i + 1 < argc) seconds = std::atol(argv[++i]);
    else {
      for (const auto& e : std::filesystem::directory_iterator(arg)) {
        std::ifstream in(e.path(), std::ios::binary);
        corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
    }
  }
  if (corpus.empty()) {
    std::fprintf(stderr, "usage: query_fuzz_runner CORPUS_DIR [--mutations N] [--seconds S]\n");
    return 2;
  }
  for (const auto& c : corpus) LLVMFuzzerTestOneInput(c.data(), c.size());
  std::mt19937_64 rng(20261125);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  long done = 0;
  for (; done < mutations && (done % 1024 || std::chrono::steady_clock::now() < deadline); ++done) {
    std::vector<uint8_t> b = corpus[rng() % corpus.size()];
    switch (rng() % 4) {
      case 0:  // flip bytes
        for (int k = 0, n = 1 + static_cast<int>(rng() % 8); k < n && !b.empty(); ++k) b[rng() % b.size()] = static_cast<uint8_t>(rng());
        break;
      case 1:  // truncate
        b.resize(b.empty() ? 0 : rng() % b.size());
        break;
      case 2:  // splice another entry's tail
        {
          const auto& o = corpus[rng() % corpus.size()];
          if (!o.empty()) b.insert(b.end(), o.begin() + static_cast<long>(rng() % o.size()), o.end());
        }
        break;
      default:  // insert random bytes
        for (int k = 0, n = 1 + static_cast<int>(rng() % 16); k < n; ++k)
          b.insert(b.begin() + static_cast<long>(b.empty() ? 0 : rng() % b.size()), static_cast<uint8_t>(rng()));
    }
    LLVMFuzzerTestOneInput(b.data(), b.size());
  }
  std::printf("%zu corpus entries, %ld mutations: no crash\n", corpus.size(), done);
  return 0;
}
