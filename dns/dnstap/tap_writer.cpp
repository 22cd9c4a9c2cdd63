// The writer thread and its Frame Streams output.
#include "dns/dnstap/tap_writer.hpp"

#include <pthread.h>

#include <chrono>
#include <stdexcept>

#include <fstrm.h>

namespace lodestar::dnstap {

namespace {

constexpr char kContentType[] = "protobuf:dnstap.Dnstap";
constexpr unsigned kPerRingPerPass = 256;  // so one busy thread cannot starve the others' rings

int64_t steadySeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

fstrm_writer* makeWriter(const TapSettings& s) {
  fstrm_writer_options* wopt = fstrm_writer_options_init();
  fstrm_writer_options_add_content_type(wopt, kContentType, sizeof kContentType - 1);
  fstrm_writer* w = nullptr;
  if (!s.file.empty()) {
    fstrm_file_options* fopt = fstrm_file_options_init();
    fstrm_file_options_set_file_path(fopt, s.file.c_str());
    w = fstrm_file_writer_init(fopt, wopt);
    fstrm_file_options_destroy(&fopt);
  } else {
    fstrm_unix_writer_options* uopt = fstrm_unix_writer_options_init();
    fstrm_unix_writer_options_set_socket_path(uopt, s.socket.c_str());
    w = fstrm_unix_writer_init(uopt, wopt);
    fstrm_unix_writer_options_destroy(&uopt);
  }
  fstrm_writer_options_destroy(&wopt);
  return w;
}

}  // namespace

TapWriter::TapWriter(TapSettings settings) : settings_(std::move(settings)) {}

TapWriter::~TapWriter() { stop(); }

TapRing& TapWriter::addProducer(bool tcp) { return rings_.emplace_back(settings_.queue, tcp); }

void TapWriter::nameRegions(uint64_t viewSerial, std::vector<std::string> names) {
  std::lock_guard<std::mutex> hold(namesLock_);
  newNames_.emplace_back(viewSerial, std::move(names));
}

bool TapWriter::takeNewNames() {
  std::lock_guard<std::mutex> hold(namesLock_);
  if (newNames_.empty()) return false;
  for (auto& n : newNames_) names_.push_back(std::move(n));
  newNames_.clear();
  while (names_.size() > kViewsNamed) names_.pop_front();
  return true;
}

std::string_view TapWriter::regionName(const TapRecord& rec, std::string& scratch) {
  if (rec.regionId == TapRecord::kNoRegion) return {};
  // A view's names are given before it is published: a record of a view not known yet means
  // they came after this pass took the last ones, so take them again once.
  for (int pass = 0; pass < 2; ++pass) {
    for (auto it = names_.rbegin(); it != names_.rend(); ++it)  // the newest view first: the usual one
      if (it->first == rec.viewSerial)
        return rec.regionId < it->second.size() ? std::string_view(it->second[rec.regionId]) : std::string_view();
    if (!takeNewNames()) break;
  }
  scratch = "#" + std::to_string(rec.regionId);
  return scratch;
}

void TapWriter::start() {
  writer_ = makeWriter(settings_);
  if (!writer_) throw std::runtime_error("dnstap: cannot set up the output");
  if (!settings_.file.empty()) {
    if (fstrm_writer_open(writer_) != fstrm_res_success) {
      fstrm_writer_destroy(&writer_);
      throw std::runtime_error("dnstap: cannot open " + settings_.file + " for writing");
    }
    open_ = true;
  }
  ticks_.emplace(clock_);  // before the workers start: their first records are newer
  thread_ = std::thread([this] { run(); });
  pthread_setname_np(thread_.native_handle(), "lodestar-tap");
}

void TapWriter::stop() {
  if (thread_.joinable()) {
    stopping_.store(true, std::memory_order_relaxed);
    thread_.join();
  }
  if (writer_) fstrm_writer_destroy(&writer_);  // closes: a file gets its STOP frame
  open_ = false;
}

TapWriter::Counts TapWriter::counts() const noexcept {
  Counts c;
  c.frames = frames_.load(std::memory_order_relaxed);
  c.droppedUnwritten = unwritten_.load(std::memory_order_relaxed);
  c.responsesTooBig = tooBig_.load(std::memory_order_relaxed);
  for (const auto& r : rings_) c.droppedFull += r.dropped();
  return c;
}

void TapWriter::run() {
  // The answering threads cannot wake this one without a system call per query, so it looks
  // every 2 ms: at most ~2 ms × the rate of queries wait in a ring.
  while (!stopping_.load(std::memory_order_relaxed))
    if (!drain()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  while (drain()) {
  }
}

bool TapWriter::connected() {
  if (open_) return true;
  const int64_t now = steadySeconds();
  if (now < nextConnect_) return false;
  nextConnect_ = now + 1;
  open_ = fstrm_writer_open(writer_) == fstrm_res_success;
  return open_;
}

void TapWriter::write(const std::vector<uint8_t>& frame) {
  if (!connected()) {
    unwritten_.store(unwritten_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return;
  }
  if (fstrm_writer_write(writer_, frame.data(), frame.size()) == fstrm_res_success) {
    frames_.store(frames_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return;
  }
  // The reader went away (or the disk is full): close, count, and try again in a second.
  unwritten_.store(unwritten_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  fstrm_writer_close(writer_);
  open_ = false;
  nextConnect_ = steadySeconds() + 1;
}

bool TapWriter::drain() {
  bool any = false;
  std::vector<uint8_t> bytes;
  std::string scratch;
  ticks_->update();
  for (auto& ring : rings_)
    for (unsigned n = 0; n < kPerRingPerPass; ++n) {
      const TapRecord* rec = ring.front();
      if (!rec) break;
      any = true;
      const TapFrame frame{ticks_->toTime(rec->ticks), ring.tcp(), regionName(*rec, scratch)};
      if (settings_.queries) {
        encodeQuery(*rec, frame, settings_.who, bytes);
        write(bytes);
      }
      if (settings_.responses) {
        if (!rec->responseKept) {
          tooBig_.store(tooBig_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        } else if (rec->responseLength) {
          encodeResponse(*rec, frame, settings_.who, bytes);
          write(bytes);
        }
      }
      ring.pop();
    }
  return any;
}

}  // namespace lodestar::dnstap
