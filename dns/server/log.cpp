// The writer thread owns the descriptor; callers only append to a bounded queue under a
// mutex held for a move. Its state is never destroyed: lines logged while the process exits
// stay safe, and the thread dies with the process.
#include "dns/server/log.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "dns/wire/utc_time.hpp"

namespace lodestar::server {

namespace {

constexpr size_t kMaxQueued = 4096;  // lines; past it they are dropped and counted

// systemd sets JOURNAL_STREAM to "DEVICE:INODE" of the stream it gave; a child that moved
// stderr elsewhere (a file, a terminal) inherits the variable, so the descriptor is compared.
bool stderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  unsigned long long dev = 0, ino = 0;
  struct stat st {};
  return stream && std::sscanf(stream, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
         st.st_dev == dev && st.st_ino == ino;
}

struct Writer {
  std::mutex lock;
  std::condition_variable wake, drained;
  std::deque<std::string> queue;
  bool writing = false;
  uint64_t droppedUntold = 0;
  std::atomic<uint64_t> dropped{0};
  std::atomic<int> format{int(LogFormat::Text)};
  std::atomic<int> level{int(LogLevel::Info)};
  const bool journald = stderrIsJournal();

  // The thread takes no signal (it inherits the mask at creation: every signal blocked), so
  // SIGTERM and SIGHUP still reach the daemon's signalfd however early the first line is.
  Writer() {
    sigset_t all, before;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &before);
    std::thread writer([this] { run(); });
    pthread_setname_np(writer.native_handle(), "lodestar-log");
    writer.detach();
    pthread_sigmask(SIG_SETMASK, &before, nullptr);
  }

  void run() {
    std::unique_lock<std::mutex> held(lock);
    for (;;) {
      wake.wait(held, [this] { return !queue.empty() || droppedUntold; });
      std::deque<std::string> batch;
      batch.swap(queue);
      if (droppedUntold) {
        batch.push_back(formatLogLine(LogFormat(format.load()), LogLevel::Warning,
                                      "log: " + std::to_string(droppedUntold) +
                                          " line(s) dropped: stderr did not keep up (lodestar_log_lines_dropped_total)",
                                      nowMillis(), journald));
        droppedUntold = 0;
      }
      writing = true;
      held.unlock();
      for (const auto& line : batch) writeAll(line);
      held.lock();
      writing = false;
      if (queue.empty()) drained.notify_all();
    }
  }

  static void writeAll(const std::string& line) {
    for (size_t done = 0; done < line.size();) {
      const ssize_t n = write(STDERR_FILENO, line.data() + done, line.size() - done);
      if (n > 0) {
        done += size_t(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && errno == EAGAIN) {  // a non-blocking stderr: wait for room (this thread only)
        pollfd p{STDERR_FILENO, POLLOUT, 0};
        poll(&p, 1, 1000);
      } else {
        return;  // stderr closed: nothing to do
      }
    }
  }

  static int64_t nowMillis() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
  }
};

Writer& writer() {
  static Writer* w = new Writer;  // never destroyed: see above
  return *w;
}

}  // namespace

const char* logLevelName(LogLevel level) noexcept {
  return level == LogLevel::Info ? "info" : level == LogLevel::Warning ? "warning" : "error";
}

std::string formatLogLine(LogFormat format, LogLevel level, std::string_view message, int64_t unixMillis,
                          bool journald) {
  if (format == LogFormat::Json) {
    const std::string text(message);
    return nlohmann::json{{"time", wire::formatUtcMillis(unixMillis)}, {"level", logLevelName(level)}, {"message", text}}
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
           "\n";
  }
  std::string line;
  if (journald) {
    line = level == LogLevel::Info ? "<6>" : level == LogLevel::Warning ? "<4>" : "<3>";  // syslog priorities
  } else {
    line = wire::formatUtcMillis(unixMillis);
    line += ' ';
  }
  line += logLevelName(level);
  line += ": ";
  line += message;
  line += '\n';
  return line;
}

void configureLog(const LogSettings& settings) {
  writer().format = int(settings.format);
  writer().level = int(settings.level);
}

void logLine(LogLevel level, std::string_view message) {
  Writer& w = writer();
  if (int(level) < w.level.load()) return;
  std::string line = formatLogLine(LogFormat(w.format.load()), level, message, Writer::nowMillis(), w.journald);
  {
    std::lock_guard<std::mutex> held(w.lock);
    if (w.queue.size() >= kMaxQueued) {
      ++w.droppedUntold;
      w.dropped.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    w.queue.push_back(std::move(line));
  }
  w.wake.notify_one();
}

uint64_t logLinesDropped() { return writer().dropped.load(std::memory_order_relaxed); }

void flushLog(int ms) {
  Writer& w = writer();
  std::unique_lock<std::mutex> held(w.lock);
  w.drained.wait_for(held, std::chrono::milliseconds(ms),
                     [&w] { return w.queue.empty() && !w.writing && !w.droppedUntold; });
}

}  // namespace lodestar::server
