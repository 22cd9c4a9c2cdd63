// Names of the answer kinds, one table for logs, explain and metrics.
#include "dns/engine/answer_context.hpp"

namespace lodestar::engine {

const char* answerKindName(AnswerKind kind) noexcept {
  switch (kind) {
    case AnswerKind::Dropped: return "dropped";
    case AnswerKind::Error: return "error";
    case AnswerKind::Refused: return "refused";
    case AnswerKind::Static: return "static";
    case AnswerKind::Steered: return "steered";
    case AnswerKind::CnameChain: return "cname_chain";
    case AnswerKind::Referral: return "referral";
    case AnswerKind::NxDomain: return "nxdomain";
    case AnswerKind::NoData: return "nodata";
  }
  return "unknown";
}

}  // namespace lodestar::engine
