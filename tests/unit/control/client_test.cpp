// lodestarctl's side of the control socket against a daemon that stops answering half-way:
// the error says the connection closed before the whole answer, not that the answer was
// unreadable (a reload's long reply cut at the daemon's deadline read that way, issue 32).
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>

#include "dns/control/client.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

// Listens at `path`, reads one request line, writes `reply` and closes.
class OneReplyServer {
 public:
  OneReplyServer(const std::string& path, std::string reply) : reply_(std::move(reply)) {
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(fd_, 1) == 0);
    thread_ = std::thread([this] {
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      char b;
      while (read(c, &b, 1) == 1 && b != '\n') {
      }
      (void)!write(c, reply_.data(), reply_.size());
      close(c);
    });
  }
  ~OneReplyServer() {
    thread_.join();
    close(fd_);
  }

 private:
  int fd_ = -1;
  std::string reply_;
  std::thread thread_;
};

std::string errorFor(const std::string& reply) {
  lodestar::test::TempDir dir;
  const std::string path = dir.path() + "/control.sock";
  OneReplyServer server(path, reply);
  std::string error;
  const auto response = lodestar::control::request(path, "reload", nlohmann::json::object(), error);
  CHECK_FALSE(response.has_value());
  return error;
}

}  // namespace

TEST_CASE("control client: a connection closed before the whole answer is told as such", "[control][regression]") {
  CHECK(errorFor("{\"ok\": true, \"result\": {\"zones\": [") ==
        "lodestar closed the control connection before the whole answer (34 bytes came)");
  CHECK(errorFor("") == "lodestar closed the control connection without answering");
  CHECK(errorFor("not json\n") == "lodestar sent an unreadable answer");
}
