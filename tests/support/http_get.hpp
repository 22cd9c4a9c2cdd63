// A plain HTTP/1.1 GET over loopback for the tests of the daemon's HTTP listener.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lodestar::test {

struct HttpReply {
  int status = 0;  // 0: no answer (refused, closed, or timed out)
  std::string headers;  // the status line and headers, as sent
  std::string body;
};

/// GET `path` from 127.0.0.1:`port` (or [::1] with `ipv6`), with `headers` ("Name: value")
/// added; the connection closes after the reply. `method` for the tests of other methods.
HttpReply httpGet(uint16_t port, const std::string& path, const std::vector<std::string>& headers = {},
                  bool ipv6 = false, const std::string& method = "GET");

/// One sample's value from a Prometheus text scrape (`series` as written, labels in order),
/// or -1 when the series is absent.
double metricValue(const std::string& scrape, const std::string& series);

}  // namespace lodestar::test
