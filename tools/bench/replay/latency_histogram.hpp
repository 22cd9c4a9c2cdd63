// Answer latencies in 1 µs buckets up to 1 s (the last bucket takes the rest).
#pragma once

#include <cstdint>
#include <vector>

namespace lodestar::bench {

class LatencyHistogram {
 public:
  LatencyHistogram() : buckets_(1'000'001, 0) {}
  void add(uint64_t nanoseconds) noexcept {
    uint64_t us = nanoseconds / 1000;
    ++buckets_[us < buckets_.size() - 1 ? us : buckets_.size() - 1];
    ++count_;
  }
  uint64_t count() const noexcept { return count_; }
  /// The smallest latency in µs that `fraction` of the answers did not exceed.
  uint64_t percentileMicros(double fraction) const noexcept {
    if (count_ == 0) return 0;
    uint64_t want = static_cast<uint64_t>(fraction * static_cast<double>(count_) + 0.5);
    if (want == 0) want = 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      seen += buckets_[i];
      if (seen >= want) return i;
    }
    return buckets_.size() - 1;
  }

 private:
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
};

}  // namespace lodestar::bench
