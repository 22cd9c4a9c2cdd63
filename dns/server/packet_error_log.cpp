// One line for many bad packets: the counts since the last line, by what went wrong.
#include "dns/server/packet_error_log.hpp"

#include "dns/wire/constants.hpp"

namespace lodestar::server {

PacketErrorLog::Errors PacketErrorLog::Errors::of(const engine::StatsTotals& t) noexcept {
  auto rcode = [&t](wire::Rcode r) { return t.byRcode[static_cast<size_t>(r) & (t.byRcode.size() - 1)]; };
  return {t.dropped, rcode(wire::Rcode::FormErr), rcode(wire::Rcode::NotImp), rcode(wire::Rcode::BadVers),
          t.unsent};
}

std::string PacketErrorLog::observe(const engine::StatsTotals& totals, Clock::time_point now, bool& warning) {
  const Errors e = Errors::of(totals);
  warning = false;
  if (!started_) {  // what came before the first look is in `lodestarctl stats`, not here
    started_ = true;
    since_ = e;
    sinceTime_ = now;
    return {};
  }
  const Errors d{e.dropped - since_.dropped, e.formErr - since_.formErr, e.notImp - since_.notImp,
                 e.badVers - since_.badVers, e.unsent - since_.unsent};
  if (!(d.dropped || d.formErr || d.notImp || d.badVers || d.unsent) || now < nextLine_) return {};
  std::string parts;
  auto part = [&parts](uint64_t n, const char* what) {
    if (n) parts += (parts.empty() ? "" : ", ") + std::to_string(n) + " " + what;
  };
  part(d.dropped, "dropped (not a query: shorter than a header, or a response)");
  part(d.formErr, "answered FORMERR (malformed)");
  part(d.notImp, "answered NOTIMP (an opcode other than QUERY)");
  part(d.badVers, "answered BADVERS (EDNS version above 0)");
  part(d.unsent, "answers not sent (the socket did not take them)");
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - sinceTime_).count();
  warning = d.unsent != 0;
  since_ = e;
  sinceTime_ = now;
  nextLine_ = now + every_;
  return "packets: in the last " + std::to_string(seconds < 1 ? 1 : seconds) + " s: " + parts +
         " (one line per " + std::to_string(every_.count()) + " s at most; totals in lodestarctl stats)";
}

}  // namespace lodestar::server
