#include "tests/support/etcd_cluster.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "dns/cluster/etcd_client.hpp"
#include "tests/support/demo_fixture.hpp"

namespace lodestar::test {

bool EtcdCluster::available() { return access("/usr/bin/etcd", X_OK) == 0; }

EtcdCluster::EtcdCluster(int members, std::optional<EtcdTls> tls) : tls_(std::move(tls)) {
  for (int i = 0; i < members; ++i) {
    Member m;
    m.name = "m" + std::to_string(i + 1);
    m.dataDir = dir_.path() + "/" + m.name;
    m.clientPort = freePort();
    m.peerPort = freePort();
    initialCluster_ += (i ? "," : "") + m.name + "=http://127.0.0.1:" + std::to_string(m.peerPort);
    members_.push_back(m);
  }
  for (auto& m : members_) launch(m, true);
  waitWritable();
}

EtcdCluster::~EtcdCluster() { stopAll(); }

std::vector<std::string> EtcdCluster::endpoints() const {
  std::vector<std::string> out;
  for (const auto& m : members_) out.push_back((tls_ ? "https" : "http") + std::string("://127.0.0.1:") + std::to_string(m.clientPort));
  return out;
}

std::string EtcdCluster::endpointsYaml() const {
  std::string out = "[";
  for (const auto& e : endpoints()) out += (out.size() > 1 ? ", " : "") + e;
  return out + "]";
}

void EtcdCluster::launch(Member& m, bool fresh) {
  const std::string peer = "http://127.0.0.1:" + std::to_string(m.peerPort);
  const std::string client = (tls_ ? "https" : "http") + std::string("://127.0.0.1:") + std::to_string(m.clientPort);
  std::vector<std::string> args = {"/usr/bin/etcd",
                                   "--name", m.name,
                                   "--data-dir", m.dataDir,
                                   "--listen-peer-urls", peer,
                                   "--initial-advertise-peer-urls", peer,
                                   "--listen-client-urls", client,
                                   "--advertise-client-urls", client,
                                   "--initial-cluster", initialCluster_,
                                   "--initial-cluster-state", fresh ? "new" : "existing",
                                   "--initial-cluster-token", "lodestar-test",
                                   "--heartbeat-interval", "50",
                                   "--election-timeout", "500",
                                   "--log-level", "error"};
  if (tls_)
    args.insert(args.end(), {"--cert-file", tls_->serverCert, "--key-file", tls_->serverKey, "--trusted-ca-file",
                             tls_->ca, "--client-cert-auth"});
  const std::string log = dir_.path() + "/" + m.name + ".log";
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  m.pid = pid;
}

void EtcdCluster::waitWritable() {
  cluster::EtcdOptions options{endpoints(), {}, {}, {}, {}, {}, std::chrono::milliseconds(500)};
  if (tls_) {
    options.caFile = tls_->ca;
    options.certFile = tls_->clientCert;
    options.keyFile = tls_->clientKey;
  }
  cluster::EtcdClient client(options);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  for (;;) {
    try {
      client.put("/lodestar-test/ready", "1");
      return;
    } catch (const cluster::EtcdError& e) {
      if (std::chrono::steady_clock::now() > until) throw std::runtime_error(std::string("etcd did not start: ") + e.what());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void EtcdCluster::stop(int member) {
  Member& m = members_.at(static_cast<size_t>(member));
  if (m.pid <= 0) return;
  resume(member);  // a stopped process would not act on SIGTERM
  kill(m.pid, SIGTERM);
  int status = 0;
  waitpid(m.pid, &status, 0);
  m.pid = -1;
}

void EtcdCluster::pause(int member) {
  Member& m = members_.at(static_cast<size_t>(member));
  if (m.pid <= 0 || m.paused) return;
  kill(m.pid, SIGSTOP);
  m.paused = true;
}

void EtcdCluster::resume(int member) {
  Member& m = members_.at(static_cast<size_t>(member));
  if (m.pid <= 0 || !m.paused) return;
  kill(m.pid, SIGCONT);
  m.paused = false;
}

void EtcdCluster::start(int member) {
  Member& m = members_.at(static_cast<size_t>(member));
  if (m.pid > 0) return;
  launch(m, false);
}

void EtcdCluster::stopAll() {
  for (int i = 0; i < size(); ++i) stop(i);
}

void EtcdCluster::startAll() {
  for (int i = 0; i < size(); ++i) start(i);
  waitWritable();
}

}  // namespace lodestar::test
