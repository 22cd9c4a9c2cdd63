// Demo fixture: backends as child processes, stopped by PID.
#include "tests/support/demo_fixture.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace lodestar::test {

uint16_t freePort() {
  // The kernel may hand the same port out twice in a row: never return one twice.
  static std::set<uint16_t> given;
  for (;;) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    if (given.insert(ntohs(a.sin_port)).second) return ntohs(a.sin_port);
  }
}

Backend::Backend(const std::vector<std::string>& addresses, uint16_t port, bool hang) {
  std::vector<std::string> args = {LODESTAR_DEMO_BACKEND};
  for (const auto& a : addresses) {
    args.push_back("--listen");
    args.push_back(a + ":" + std::to_string(port));
  }
  if (hang) args.push_back("--hang");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start the demo backend");
  posix_spawn_file_actions_destroy(&actions);
  // Wait until it accepts connections.
  for (int i = 0; i < 100; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    inet_pton(AF_INET, addresses.front().c_str(), &sa.sin_addr);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
    close(fd);
    if (ok) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("the demo backend did not start listening");
}

Backend::~Backend() { stop(); }

void Backend::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

namespace {
const std::map<std::string, std::vector<std::string>> kRegions = {
    {"us-east", {"127.0.1.1", "127.0.1.2"}},
    {"eu-west", {"127.0.2.1", "127.0.2.2"}},
    {"ap-northeast", {"127.0.3.1", "127.0.3.2"}}};
}

DemoFixture::DemoFixture(std::vector<std::string> daemonPrefix, const std::string& moreConfig)
    : daemonPrefix_(std::move(daemonPrefix)) {
  namespace fs = std::filesystem;
  // The demo site the build made (examples/ plus its geo database); never its state.
  const std::string site = LODESTAR_DEMO_DIR;
  fs::copy_file(site + "/lodestar.yaml", dir_.path() + "/lodestar.yaml");
  fs::copy(site + "/zones", dir_.path() + "/zones", fs::copy_options::recursive);
  fs::copy(site + "/geo", dir_.path() + "/geo", fs::copy_options::recursive);
  checkPort_ = freePort();
  auto rewrite = [&](const std::string& file, const std::string& from, const std::string& to) {
    std::ifstream in(dir_.path() + "/" + file);
    std::stringstream text;
    text << in.rdbuf();
    dir_.write(file, std::regex_replace(text.str(), std::regex(from), to));
  };
  // Same demo, on ports the kernel picks, so a running demo or a parallel test never collides.
  rewrite("lodestar.yaml", ":5353", ":0");
  if (!moreConfig.empty()) {
    // Each top-level key given replaces the demo's block of that key (its line and the
    // indented lines under it), so a test can turn a setting of the example off or change it.
    std::ifstream in(dir_.path() + "/lodestar.yaml");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    in.close();
    auto topKey = [](const std::string& line) {
      const size_t colon = line.find(':');
      return !line.empty() && std::isalpha(static_cast<unsigned char>(line[0])) && colon != std::string::npos
                 ? line.substr(0, colon)
                 : std::string();
    };
    std::vector<std::string> given;
    std::istringstream more(moreConfig);
    for (std::string line; std::getline(more, line);)
      if (std::string k = topKey(line); !k.empty()) given.push_back(k);
    std::ofstream out(dir_.path() + "/lodestar.yaml", std::ios::trunc);
    bool skipping = false;
    for (const std::string& line : lines) {
      if (const std::string k = topKey(line); !k.empty())
        skipping = std::find(given.begin(), given.end(), k) != given.end();
      else if (!line.empty() && line[0] != ' ' && line[0] != '#')
        skipping = false;
      if (!skipping) out << line << "\n";
    }
    out << "\n" << moreConfig << "\n";
  }
  rewrite("zones/gtm.example.test.yaml", "port: 8080", "port: " + std::to_string(checkPort_));
  for (const auto& [region, addrs] : kRegions) startRegion(region);
  daemon_ = std::make_unique<DaemonProcess>(dir_.path() + "/lodestar.yaml", daemonPrefix_);
}

void DemoFixture::startRegion(const std::string& region, bool hang) {
  backends_[region].reset();
  backends_[region] = std::make_unique<Backend>(kRegions.at(region), checkPort_, hang);
}

void DemoFixture::stopRegion(const std::string& region) { backends_[region].reset(); }

void DemoFixture::restartDaemon(bool hard) {
  if (hard) kill(daemon_->pid(), SIGKILL);
  daemon_.reset();  // waits for it (or stops it with SIGTERM)
  daemon_ = std::make_unique<DaemonProcess>(dir_.path() + "/lodestar.yaml", daemonPrefix_);
}

}  // namespace lodestar::test
