// A real etcd cluster for tests: three members (Debian's etcd-server) on loopback ports the
// kernel hands out, each in a scratch data folder; members stop and start on demand and are
// ended by their PIDs when the fixture goes.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/support/daemon_process.hpp"

namespace lodestar::test {

/// Client TLS for the members (https:// client URLs, client certificates required).
struct EtcdTls {
  std::string ca, serverCert, serverKey;  // the members'
  std::string clientCert, clientKey;      // what the fixture itself connects with
};

class EtcdCluster {
 public:
  /// Starts `members` members and waits until they serve writes (throws after ~15 s).
  explicit EtcdCluster(int members = 3, std::optional<EtcdTls> tls = std::nullopt);
  ~EtcdCluster();
  EtcdCluster(const EtcdCluster&) = delete;
  EtcdCluster& operator=(const EtcdCluster&) = delete;

  /// "http://127.0.0.1:PORT" of every member.
  std::vector<std::string> endpoints() const;
  /// The endpoints as a YAML flow list: [http://..., ...].
  std::string endpointsYaml() const;
  void stop(int member);   // SIGTERM and wait (a paused member is continued first)
  /// SIGSTOP: the member freezes with its connections open (a hung process); resume() or
  /// stop() continues it.
  void pause(int member);
  void resume(int member);
  void start(int member);  // again, with its data; waits until it answers
  void stopAll();
  void startAll();
  /// Waits until a write through any member succeeds (quorum is back).
  void waitWritable();
  int size() const { return static_cast<int>(members_.size()); }
  /// Whether etcd is installed here.
  static bool available();

 private:
  struct Member {
    std::string name, dataDir;
    uint16_t clientPort = 0, peerPort = 0;
    pid_t pid = -1;
    bool paused = false;
  };
  void launch(Member& m, bool fresh);
  TempDir dir_;
  std::optional<EtcdTls> tls_;
  std::vector<Member> members_;
  std::string initialCluster_;
};

}  // namespace lodestar::test
