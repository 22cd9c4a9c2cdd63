// libcurl's multi interface on our event loop: sockets and timeouts come from the loop, so
// any number of transfers run at once on the control thread.
#pragma once

#include <curl/curl.h>

#include <functional>
#include <memory>
#include <unordered_map>

#include "health/loop/event_loop.hpp"

namespace lodestar::health {

class CurlDriver {
 public:
  using Done = std::function<void(CURLcode)>;

  explicit CurlDriver(loop::EventLoop& loop);
  ~CurlDriver();
  CurlDriver(const CurlDriver&) = delete;
  CurlDriver& operator=(const CurlDriver&) = delete;

  /// Runs `easy` (set up by the caller); `done` runs on the loop when it finishes, after
  /// which the caller owns `easy` again and cleans it up.
  void add(CURL* easy, Done done);

 private:
  static int onSocket(CURL*, curl_socket_t s, int what, void* user, void*);
  static int onTimer(CURLM*, long timeoutMs, void* user);
  void finishDone();

  loop::EventLoop& loop_;
  CURLM* multi_;
  loop::EventLoop::TimerId timer_ = 0;
  std::unordered_map<CURL*, Done> transfers_;
};

}  // namespace lodestar::health
