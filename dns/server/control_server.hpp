// The control socket: a Unix stream socket (mode 0660, so access follows file permissions);
// each connection carries one JSON request, answered by the daemon's handler.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "health/loop/event_loop.hpp"

namespace lodestar::server {

class ControlServer {
 public:
  /// Sends the response (built with controlOk / controlError); may be called later, from the
  /// loop, for a command that takes time (reload). Does nothing if the client has gone.
  using Reply = std::function<void(const nlohmann::json& response)>;
  /// command, arguments, caller's uid, and the way to answer.
  using Handler = std::function<void(const std::string& command, const nlohmann::json& args, uid_t uid, Reply reply)>;

  /// Binds `path` (replacing a stale socket file) on `loop`. Throws std::runtime_error.
  ControlServer(loop::EventLoop& loop, std::string path, Handler handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

 private:
  /// How long a connection may take to send its whole request (from the connect).
  static constexpr std::chrono::milliseconds kRequestTimeout{10000};
  /// How long a client may leave its reply unread before it is dropped.
  static constexpr std::chrono::milliseconds kIdleTimeout{10000};
  /// How long the connection stays after its reply, for a client still sending (so it can
  /// read the reply to an oversize request).
  static constexpr std::chrono::milliseconds kLinger{1000};
  /// The longest any connection lives, whatever it is doing (a reload's reply included).
  static constexpr std::chrono::milliseconds kTotalTimeout{120000};
  /// Connections at once; more are closed at once, so a flood cannot eat the descriptors
  /// kept for probes.
  static constexpr size_t kMaxClients = 64;

  struct Client {
    int fd = -1;
    uid_t uid = 0;
    std::string in;
    std::string out;
    size_t sent = 0;
    size_t drained = 0;  // bytes read and thrown away after the response
    bool ended = false;  // the client closed its side: what came is the whole request
    uint64_t serial = 0;  // tells a reply for this connection from one for a later one on the same fd
    loop::EventLoop::TimerId deadline = 0;  // closes the connection when its phase lasts too long
    std::chrono::steady_clock::time_point connected;
  };
  void accept();
  /// Drops `c` after `d`, or sooner when its total time runs out first.
  void arm(Client& c, std::chrono::milliseconds d);
  void pauseAccepting();
  void onReadable(int fd);
  void onWritable(int fd);
  void drain(int fd);
  void respond(Client& c, const nlohmann::json& response);
  void drop(int fd);

  loop::EventLoop& loop_;
  std::string path_;
  std::pair<dev_t, ino_t> made_{0, 0};  // the socket file this server bound: the only one it removes
  Handler handler_;
  int listenFd_ = -1;
  std::unordered_map<int, Client> clients_;
  uint64_t nextSerial_ = 1;
  std::chrono::milliseconds acceptBackoff_{0};  // out of descriptors: accepts pause this long
  loop::EventLoop::TimerId resumeAccepting_ = 0;
};

}  // namespace lodestar::server
