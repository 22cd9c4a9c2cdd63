// posix_spawn in a new process group with signals unblocked (the daemon blocks them).
#include "health/child_process.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <set>

#include "dns/wire/duration.hpp"

extern char** environ;

namespace lodestar::health {

namespace {
std::set<pid_t>& running() {
  static std::set<pid_t> pids;  // control thread only
  return pids;
}
}  // namespace

void killRunningChildren() {
  for (pid_t pid : running()) {
    kill(-pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  running().clear();
}

std::string ChildResult::describe() const {
  if (!started) return error;
  if (timedOut) return error;
  if (signal) return "killed by signal " + std::to_string(signal);
  return "exit " + std::to_string(exitStatus);
}

void runChild(loop::EventLoop& loop, std::vector<std::string> argv, const std::vector<std::string>& extraEnv,
              std::chrono::milliseconds timeout, std::function<void(const ChildResult&)> done) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<std::string> envStore(extraEnv);
  std::vector<char*> env;
  for (char** e = environ; *e; ++e) env.push_back(*e);
  for (auto& e : envStore) env.push_back(e.data());
  env.push_back(nullptr);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group, so a timeout kills its children too
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], nullptr, &attr, args.data(), env.data());
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    ChildResult r;
    r.error = "cannot run " + argv[0] + ": " + std::strerror(rc);
    r.spawnError = rc;
    return done(r);
  }
  running().insert(pid);
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  auto state = std::make_shared<std::pair<loop::EventLoop::TimerId, std::function<void(const ChildResult&)>>>(0, std::move(done));
  auto reap = [&loop, pid, pidfd, state, timeout](bool timedOut) {
    if (!running().erase(pid)) return;  // already killed at shutdown
    int status = 0;
    // Without a pidfd (none to spare) the exit is only seen here: a child that is done was
    // not late.
    if (timedOut && pidfd < 0 && waitpid(pid, &status, WNOHANG) == pid) timedOut = false;
    else {
      if (timedOut) kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
    if (pidfd >= 0) {
      loop.unwatch(pidfd);
      close(pidfd);
    }
    if (!timedOut) loop.cancel(state->first);
    ChildResult r;
    r.started = true;
    r.timedOut = timedOut;
    if (timedOut) r.error = "killed after " + wire::formatDuration(timeout);
    else if (WIFEXITED(status)) r.exitStatus = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    state->second(r);
  };
  state->first = loop.after(timeout, [reap] { reap(true); });
  if (pidfd >= 0) loop.watch(pidfd, EPOLLIN, [reap](uint32_t) { reap(false); });
}

}  // namespace lodestar::health
