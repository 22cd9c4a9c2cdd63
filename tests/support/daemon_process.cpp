// Process control and loopback sockets for end-to-end tests.
#include "tests/support/daemon_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace lodestar::test {

DaemonProcess::DaemonProcess(const std::string& configPath, const std::vector<std::string>& prefix,
                             const std::string& otherBinary) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  std::string binary = otherBinary.empty() ? std::string(LODESTAR_BINARY) : otherBinary;
  std::vector<std::string> words = prefix;
  for (std::string w : {binary, std::string("-c"), configPath}) words.push_back(w);
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  // The prefix must exec the daemon (nsenter does), so that pid_ is the daemon's own.
  int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  stderrFd_ = fds[0];
  if (rc != 0) throw std::runtime_error("cannot start " + binary);
  // The daemon's stderr is read all the time: a full pipe would block its logging thread
  // (the control thread) and stall reloads and health checks in a long test.
  logReader_ = std::thread([this] {
    char buf[4096];
    for (ssize_t n; (n = read(stderrFd_, buf, sizeof buf)) > 0;) {
      std::lock_guard<std::mutex> g(logLock_);
      log_.append(buf, static_cast<size_t>(n));
    }
    logEnded_ = true;
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::regex ready(R"(ready: .* on (.*))");
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::string text = log();
    std::smatch m;
    if (std::regex_search(text, m, ready)) {
      std::string list = m[1];
      std::smatch p;
      if (std::regex_search(list, p, std::regex(R"(127\.0\.0\.1:(\d+))"))) port4_ = static_cast<uint16_t>(std::stoi(p[1]));
      if (std::regex_search(list, p, std::regex(R"(\[::1\]:(\d+))"))) port6_ = static_cast<uint16_t>(std::stoi(p[1]));
      return;
    }
    if (!alive()) break;
  }
  stop();
  std::string text = log();
  closeLog();
  throw std::runtime_error("lodestar did not become ready; its log:\n" + text);
}

DaemonProcess::~DaemonProcess() {
  stop();
  closeLog();
}

void DaemonProcess::closeLog() {
  // The reader ends at EOF, once the daemon (and every child that inherited stderr) is gone.
  if (logReader_.joinable()) logReader_.join();
  if (stderrFd_ >= 0) close(stderrFd_);
  stderrFd_ = -1;
}

std::string DaemonProcess::log() {
  std::lock_guard<std::mutex> g(logLock_);
  return log_;
}

bool DaemonProcess::alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int DaemonProcess::stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      for (int k = 0; k < 100 && !logEnded_; ++k)  // the last lines reach the reader
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

namespace {
socklen_t loopback(bool ipv6, uint16_t port, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (ipv6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    a->sin6_addr = in6addr_loopback;
    return sizeof *a;
  }
  auto* a = reinterpret_cast<sockaddr_in*>(&ss);
  a->sin_family = AF_INET;
  a->sin_port = htons(port);
  a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sizeof *a;
}
}  // namespace

std::optional<Bytes> DaemonProcess::udp(const Bytes& query, bool ipv6, std::chrono::milliseconds timeout) {
  int fd = socket(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_storage ss;
  socklen_t len = loopback(ipv6, ipv6 ? port6_ : port4_, ss);
  connect(fd, reinterpret_cast<sockaddr*>(&ss), len);
  send(fd, query.data(), query.size(), 0);
  pollfd p{fd, POLLIN, 0};
  std::optional<Bytes> out;
  if (poll(&p, 1, static_cast<int>(timeout.count())) == 1) {
    Bytes buf(65535);
    ssize_t n = recv(fd, buf.data(), buf.size(), 0);
    if (n >= 0) {
      buf.resize(static_cast<size_t>(n));
      out = std::move(buf);
    }
  }
  close(fd);
  return out;
}

std::vector<Bytes> DaemonProcess::tcp(const std::vector<Bytes>& queries, std::chrono::milliseconds timeout) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_storage ss;
  socklen_t len = loopback(false, port4_, ss);
  std::vector<Bytes> answers;
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    close(fd);
    return answers;
  }
  Bytes out;
  for (const auto& q : queries) {
    out.push_back(static_cast<uint8_t>(q.size() >> 8));
    out.push_back(static_cast<uint8_t>(q.size()));
    out.insert(out.end(), q.begin(), q.end());
  }
  (void)!send(fd, out.data(), out.size(), MSG_NOSIGNAL);
  Bytes in;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (answers.size() < queries.size() && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) != 1) continue;
    uint8_t buf[8192];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.insert(in.end(), buf, buf + n);
    while (in.size() >= 2 && in.size() >= 2u + (size_t(in[0]) << 8 | in[1])) {
      size_t mlen = size_t(in[0]) << 8 | in[1];
      answers.emplace_back(in.begin() + 2, in.begin() + 2 + static_cast<long>(mlen));
      in.erase(in.begin(), in.begin() + 2 + static_cast<long>(mlen));
    }
  }
  close(fd);
  return answers;
}

Answer DaemonProcess::ask(const QueryBuilder& q) {
  // Like a real stub resolver, try again when a datagram goes missing on a loaded machine.
  std::optional<Bytes> bytes;
  for (int attempt = 0; attempt < 3 && !bytes; ++attempt) bytes = udp(q.bytes(), false, std::chrono::milliseconds(1500));
  if (!bytes) throw std::runtime_error("no UDP answer for " + q.qname);
  auto a = parseAnswer(*bytes);
  if (!a) throw std::runtime_error("ldns cannot parse the answer for " + q.qname);
  return *a;
}

Answer DaemonProcess::askTcp(const QueryBuilder& q) {
  auto answers = tcp({q.bytes()});
  if (answers.size() != 1) throw std::runtime_error("no TCP answer for " + q.qname);
  auto a = parseAnswer(answers[0]);
  if (!a) throw std::runtime_error("ldns cannot parse the TCP answer for " + q.qname);
  return *a;
}

unsigned descriptorsOf(pid_t pid) {
  unsigned n = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++n;
  return n;
}

}  // namespace lodestar::test
