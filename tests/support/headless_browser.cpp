#include "tests/support/headless_browser.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>

namespace lodestar::test {

namespace {

std::string base64Decode(const std::string& in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  std::string out;
  unsigned bits = 0;
  int have = 0;
  for (char c : in) {
    const int v = value(c);
    if (v < 0) continue;  // padding, line breaks
    bits = (bits << 6) | unsigned(v);
    have += 6;
    if (have >= 8) {
      have -= 8;
      out += char((bits >> have) & 0xff);
    }
  }
  return out;
}

}  // namespace

bool HeadlessBrowser::available() { return std::system("command -v chromium >/dev/null 2>&1") == 0; }

HeadlessBrowser::HeadlessBrowser(const std::string& url, int width, int height, const nlohmann::json& headers) {
  int in[2], out[2];  // in: we write, the browser reads on 3; out: it writes on 4
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const std::string profile = "--user-data-dir=" + profile_.path();
  const std::string size = "--window-size=" + std::to_string(width) + "," + std::to_string(height);
  pid_ = fork();
  if (pid_ == 0) {
    dup2(in[0], 3);
    dup2(out[1], 4);
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    // Root in a test machine: no sandbox; no GPU, no first-run work, nothing fetched.
    execlp("chromium", "chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-extensions", "--disable-background-networking", "--disable-sync", "--hide-scrollbars",
           "--remote-debugging-pipe", profile.c_str(), size.c_str(), "about:blank", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  toBrowser_ = in[1];
  fromBrowser_ = out[0];
  if (pid_ < 0) throw std::runtime_error("fork failed");
  const auto target = call("Target.createTarget", {{"url", "about:blank"}}, false);
  sessionId_ = call("Target.attachToTarget", {{"targetId", target.at("targetId")}, {"flatten", true}}, false)
                   .at("sessionId")
                   .get<std::string>();
  call("Emulation.setDeviceMetricsOverride", {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", width < 600}});
  call("Page.enable", nlohmann::json::object());
  if (!headers.empty()) {
    call("Network.enable", nlohmann::json::object());
    call("Network.setExtraHTTPHeaders", {{"headers", headers}});
  }
  call("Page.navigate", {{"url", url}});
}

HeadlessBrowser::~HeadlessBrowser() {
  if (toBrowser_ >= 0) close(toBrowser_);
  if (fromBrowser_ >= 0) close(fromBrowser_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

nlohmann::json HeadlessBrowser::call(const std::string& method, const nlohmann::json& params, bool inPage) {
  const int id = nextId_++;
  nlohmann::json message = {{"id", id}, {"method", method}, {"params", params}};
  if (inPage) message["sessionId"] = sessionId_;
  std::string bytes = message.dump();
  bytes += '\0';
  for (size_t sent = 0; sent < bytes.size();) {
    const ssize_t n = write(toBrowser_, bytes.data() + sent, bytes.size() - sent);
    if (n <= 0) throw std::runtime_error("chromium went away (" + method + ")");
    sent += size_t(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    // Events come between the replies: skip every message that is not this call's reply.
    for (size_t end; (end = pending_.find('\0')) != std::string::npos;) {
      auto reply = nlohmann::json::parse(pending_.substr(0, end), nullptr, false);
      pending_.erase(0, end + 1);
      if (!reply.is_object() || reply.value("id", -1) != id) continue;
      if (reply.contains("error")) throw std::runtime_error(method + ": " + reply["error"].dump());
      return reply.value("result", nlohmann::json::object());
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fromBrowser_, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, int(left.count())) <= 0) throw std::runtime_error("no reply to " + method);
    char buf[65536];
    const ssize_t n = read(fromBrowser_, buf, sizeof buf);
    if (n <= 0) throw std::runtime_error("chromium went away (" + method + ")");
    pending_.append(buf, size_t(n));
  }
}

nlohmann::json HeadlessBrowser::evaluate(const std::string& expression) {
  const auto r = call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}});
  if (r.contains("exceptionDetails")) throw std::runtime_error("page threw: " + r["exceptionDetails"].dump());
  return r.at("result").value("value", nlohmann::json());
}

std::string HeadlessBrowser::screenshotPng() {
  return base64Decode(call("Page.captureScreenshot", {{"format", "png"}}).at("data").get<std::string>());
}

}  // namespace lodestar::test
