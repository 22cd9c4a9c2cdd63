// ldns does the parsing of presentation format (after the fast path for the common types);
// we keep only wire bytes.
#include "zones/record_text.hpp"

#include <memory>

#include "zones/common_record_text.hpp"
#include "zones/ldns.hpp"

namespace lodestar::zones {

namespace {

struct RdfFree {
  void operator()(ldns_rdf* p) const { ldns_rdf_deep_free(p); }
};
struct RrFree {
  void operator()(ldns_rr* p) const { ldns_rr_free(p); }
};
struct BufferFree {
  void operator()(ldns_buffer* p) const { ldns_buffer_free(p); }
};
using RdfPtr = std::unique_ptr<ldns_rdf, RdfFree>;

RdfPtr originRdf(std::string_view originWire) {
  return RdfPtr(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, originWire.size(), originWire.data()));
}

std::string rdfBytes(const ldns_rdf* rdf) {
  return std::string(reinterpret_cast<const char*>(ldns_rdf_data(rdf)), ldns_rdf_size(rdf));
}

}  // namespace

std::optional<ParsedRecord> parseRecordText(const std::string& text, uint32_t defaultTtl,
                                            std::string_view originWire, std::string& error) {
  ParsedRecord out;
  if (parseCommonRecord(text, defaultTtl, originWire, out)) return out;
  return parseRecordTextByLdns(text, defaultTtl, originWire, error);
}

std::optional<ParsedRecord> parseRecordTextByLdns(const std::string& text, uint32_t defaultTtl,
                                                  std::string_view originWire, std::string& error) {
  ParsedRecord out;
  RdfPtr origin = originRdf(originWire);
  ldns_rr* raw = nullptr;
  ldns_status s = ldns_rr_new_frm_str(&raw, text.c_str(), defaultTtl, origin.get(), nullptr);
  std::unique_ptr<ldns_rr, RrFree> rr(raw);
  if (s != LDNS_STATUS_OK || !rr) {
    error = ldns_get_errorstr_by_id(s);
    return std::nullopt;
  }
  out.owner = rdfBytes(ldns_rr_owner(rr.get()));
  out.type = static_cast<uint16_t>(ldns_rr_get_type(rr.get()));
  out.rrclass = static_cast<uint16_t>(ldns_rr_get_class(rr.get()));
  out.ttl = ldns_rr_ttl(rr.get());
  std::unique_ptr<ldns_buffer, BufferFree> buf(ldns_buffer_new(512));
  if (ldns_rr_rdata2buffer_wire(buf.get(), rr.get()) != LDNS_STATUS_OK) {
    error = "cannot encode record data";
    return std::nullopt;
  }
  out.rdata.assign(reinterpret_cast<const char*>(ldns_buffer_begin(buf.get())), ldns_buffer_position(buf.get()));
  return out;
}

std::optional<std::string> parseNameText(std::string_view text, std::string_view originWire) {
  if (text == "@") return std::string(originWire);
  if (text.empty()) return std::nullopt;
  std::string copy(text);
  RdfPtr name(ldns_dname_new_frm_str(copy.c_str()));
  if (!name) return std::nullopt;
  if (copy.back() == '.' && !(copy.size() >= 2 && copy[copy.size() - 2] == '\\')) return rdfBytes(name.get());
  RdfPtr origin = originRdf(originWire);
  RdfPtr absolute(ldns_dname_cat_clone(name.get(), origin.get()));
  if (!absolute) return std::nullopt;
  return rdfBytes(absolute.get());
}

}  // namespace lodestar::zones
