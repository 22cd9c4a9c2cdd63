// The Prometheus text exposition format (version 0.0.4): families with their HELP and TYPE,
// then their samples, label values escaped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lodestar::server {

class PrometheusText {
 public:
  using Labels = std::vector<std::pair<std::string_view, std::string>>;

  /// Starts a family; its samples follow. `type` is counter, gauge, histogram or untyped.
  void family(std::string_view name, std::string_view type, std::string_view help);
  /// A sample of the family begun last (`suffix` for a histogram's _bucket, _sum, _count).
  void sample(const Labels& labels, double value, std::string_view suffix = {});
  void sample(const Labels& labels, uint64_t value, std::string_view suffix = {});

  const std::string& text() const noexcept { return out_; }

  /// A finite number in its shortest form that reads back the same (a histogram's `le`).
  static std::string number(double value);

 private:
  void begin(const Labels& labels, std::string_view suffix);
  std::string out_;
  std::string name_;
};

}  // namespace lodestar::server
