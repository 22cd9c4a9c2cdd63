// The dnstap query log: answering threads put TapRecords in their own bounded rings, and one
// thread of its own encodes them (tap_message.hpp) and writes Frame Streams (libfstrm) to a
// file or a Unix socket. Full rings and an absent socket reader drop and count; nothing here
// ever makes a worker wait.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>
#include <string>
#include <thread>

#include "dns/dnstap/tap_clock.hpp"
#include "dns/dnstap/tap_message.hpp"
#include "dns/dnstap/tap_ring.hpp"

struct fstrm_writer;

namespace lodestar::dnstap {

struct TapSettings {
  std::string file;    // write to this file (truncated at start), or
  std::string socket;  // to a reader on this Unix socket (reconnected once a second while absent)
  TapIdentity who;
  bool queries = true;     // AUTH_QUERY frames
  bool responses = true;   // AUTH_RESPONSE frames
  size_t queue = 1024;     // records per answering thread's ring
};

class TapWriter {
 public:
  explicit TapWriter(TapSettings settings);
  ~TapWriter();  // stop()
  TapWriter(const TapWriter&) = delete;
  TapWriter& operator=(const TapWriter&) = delete;

  /// A ring for one answering thread (`tcp`: it answers over TCP). Before start() only; it
  /// lives as long as the writer.
  TapRing& addProducer(bool tcp);
  /// The clock the answering threads stamp their records with (TapRecord::ticks).
  TapClock clock() const noexcept { return clock_; }
  /// The region names of a view (by RegionId), given before the view is published: a worker
  /// records only the view's serial and the RegionId, and this thread writes the name. Any
  /// thread; the newest kViewsNamed views are kept (a record of an older one is named "#ID").
  void nameRegions(uint64_t viewSerial, std::vector<std::string> names);
  static constexpr size_t kViewsNamed = 8;
  /// Opens a file output (throws std::runtime_error saying why it cannot) and starts the
  /// thread; a socket is connected by the thread.
  void start();
  /// Writes what the rings hold, closes the output (a file is complete then) and joins.
  void stop();

  struct Counts {
    uint64_t frames = 0;            // written
    uint64_t droppedFull = 0;       // a ring was full: the worker went on without it
    uint64_t droppedUnwritten = 0;  // no reader on the socket, or a write failed
    uint64_t responsesTooBig = 0;   // the response did not fit beside the query: its query alone
  };
  Counts counts() const noexcept;

 private:
  void run();
  bool drain();  // false when every ring was empty
  void write(const std::vector<uint8_t>& frame);
  bool connected();
  bool takeNewNames();  // false when none were given since the last time
  /// The name of `rec`'s region ("" none), into `scratch` when it is not a known name.
  std::string_view regionName(const TapRecord& rec, std::string& scratch);

  TapSettings settings_;
  TapClock clock_ = TapClock::forThisMachine();
  std::optional<TickConverter> ticks_;  // made by start(): this thread's alone then
  std::deque<TapRing> rings_;  // stable addresses
  fstrm_writer* writer_ = nullptr;
  bool open_ = false;
  int64_t nextConnect_ = 0;  // steady seconds: when to try the socket again
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> frames_{0}, unwritten_{0}, tooBig_{0};
  using Names = std::pair<uint64_t, std::vector<std::string>>;  // a view's serial, its regions
  std::mutex namesLock_;         // between nameRegions() and this thread only
  std::vector<Names> newNames_;  // given, not yet taken by this thread
  std::deque<Names> names_;      // this thread's: the newest views, oldest first
};

}  // namespace lodestar::dnstap
