// Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
// JSON messages ending in NUL on descriptors 3 and 4), for the tests of the status page: it
// opens a page, evaluates JavaScript in it and takes screenshots, while the test changes the
// world underneath. Stopped by PID.
#pragma once

#include <sys/types.h>

#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/temp_dir.hpp"

namespace lodestar::test {

class HeadlessBrowser {
 public:
  /// Whether a chromium binary is on PATH (else the test reports itself skipped).
  static bool available();

  /// Starts chromium and opens `url` in a page of `width`×`height` CSS pixels, sending
  /// `headers` ({"Authorization": "Bearer ..."}) with every request. Throws
  /// std::runtime_error when it cannot.
  explicit HeadlessBrowser(const std::string& url, int width = 1280, int height = 900,
                           const nlohmann::json& headers = nlohmann::json::object());
  ~HeadlessBrowser();
  HeadlessBrowser(const HeadlessBrowser&) = delete;
  HeadlessBrowser& operator=(const HeadlessBrowser&) = delete;

  /// The value of `expression` evaluated in the page (awaited when it is a promise).
  nlohmann::json evaluate(const std::string& expression);
  /// A PNG of the page as it is drawn now.
  std::string screenshotPng();

 private:
  nlohmann::json call(const std::string& method, const nlohmann::json& params, bool inPage = true);

  TempDir profile_;
  pid_t pid_ = -1;
  int toBrowser_ = -1, fromBrowser_ = -1;
  std::string sessionId_;
  int nextId_ = 1;
  std::string pending_;  // bytes read past the last whole message
};

}  // namespace lodestar::test
