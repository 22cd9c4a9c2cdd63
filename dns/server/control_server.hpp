// The control socket: a Unix stream socket (mode 0660, so access follows file permissions);
// each connection carries one JSON request, answered by the daemon's handler.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "health/event_loop.hpp"

namespace lodestar::dns {

class ControlServer {
 public:
  /// command, arguments, caller's uid → response (built with controlOk / controlError).
  using Handler = std::function<nlohmann::json(const std::string& command, const nlohmann::json& args, uid_t uid)>;

  /// Binds `path` (replacing a stale socket file) on `loop`. Throws std::runtime_error.
  ControlServer(health::EventLoop& loop, std::string path, Handler handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

 private:
  /// How long a connection may take to send its request.
  static constexpr std::chrono::milliseconds kRequestTimeout{10000};

  struct Client {
    int fd = -1;
    uid_t uid = 0;
    std::string in;
    std::string out;
    size_t sent = 0;
    size_t drained = 0;  // bytes read and thrown away after the response
    bool ended = false;  // the client closed its side: what came is the whole request
    health::EventLoop::TimerId deadline = 0;  // closes a connection whose request never ends
  };
  void accept();
  void onReadable(int fd);
  void onWritable(int fd);
  void drain(int fd);
  void respond(Client& c, const nlohmann::json& response);
  void drop(int fd);

  health::EventLoop& loop_;
  std::string path_;
  Handler handler_;
  int listenFd_ = -1;
  std::unordered_map<int, Client> clients_;
};

}  // namespace lodestar::dns
