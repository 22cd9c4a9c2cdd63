// libmaxminddb behind our own types; all of its structures stay in this file.
#include "geo/database.hpp"

#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace lodestar::geo {

namespace {

std::string stringAt(MMDB_entry_s entry, const char* const* path) {
  MMDB_entry_data_s data;
  if (MMDB_aget_value(&entry, &data, path) != MMDB_SUCCESS || !data.has_data || data.type != MMDB_DATA_TYPE_UTF8_STRING)
    return {};
  return std::string(data.utf8_string, data.data_size);
}

std::optional<double> doubleAt(MMDB_entry_s entry, const char* const* path) {
  MMDB_entry_data_s data;
  if (MMDB_aget_value(&entry, &data, path) != MMDB_SUCCESS || !data.has_data) return std::nullopt;
  if (data.type == MMDB_DATA_TYPE_DOUBLE) return data.double_value;
  if (data.type == MMDB_DATA_TYPE_FLOAT) return data.float_value;
  return std::nullopt;
}

GeoFacts decode(MMDB_entry_s entry) {
  static const char* const kContinent[] = {"continent", "code", nullptr};
  static const char* const kCountry[] = {"country", "iso_code", nullptr};
  static const char* const kRegistered[] = {"registered_country", "iso_code", nullptr};
  static const char* const kSubdivision[] = {"subdivisions", "0", "iso_code", nullptr};
  static const char* const kLatitude[] = {"location", "latitude", nullptr};
  static const char* const kLongitude[] = {"location", "longitude", nullptr};
  static const char* const kAsn[] = {"autonomous_system_number", nullptr};
  GeoFacts f;
  f.continent = stringAt(entry, kContinent);
  f.country = stringAt(entry, kCountry);
  if (f.country.empty()) f.country = stringAt(entry, kRegistered);  // anycast and satellite ranges
  f.subdivision = stringAt(entry, kSubdivision);
  auto lat = doubleAt(entry, kLatitude);
  auto lon = doubleAt(entry, kLongitude);
  if (lat && lon) {
    f.hasLocation = true;
    f.latitude = *lat;
    f.longitude = *lon;
  }
  MMDB_entry_data_s data;
  if (MMDB_aget_value(&entry, &data, kAsn) == MMDB_SUCCESS && data.has_data && data.type == MMDB_DATA_TYPE_UINT32)
    f.asn = data.uint32;
  return f;
}

Database::Record toRecord(uint32_t value, uint8_t type, const MMDB_entry_s& entry) {
  switch (type) {
    case MMDB_RECORD_TYPE_SEARCH_NODE: return {Database::Record::Kind::Node, value};
    case MMDB_RECORD_TYPE_DATA: return {Database::Record::Kind::Data, entry.offset};
    default: return {Database::Record::Kind::Empty, 0};
  }
}

// The largest database we copy (GeoIP2 City is ~100 MB; Enterprise editions ~1 GB).
constexpr off_t kMaxDatabaseBytes = off_t(4) << 30;

// A copy of the file in memory only this process can reach (a memfd). libmaxminddb maps
// the file it opens and reads it live, so mapping the operator's file would let `cp` over
// it change answers or fault the daemon (SIGBUS on a truncated page). Returns -1 with
// `error` set.
int privateCopy(const std::string& path, std::string& error, wire::ContentDigest& digest) {
  int in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (in < 0) {
    error = path + ": cannot open the geo database: " + std::strerror(errno);
    return -1;
  }
  struct stat st {};
  if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxDatabaseBytes) {
    error = path + (S_ISREG(st.st_mode) ? ": the geo database is larger than 4 GB" : ": cannot open the geo database: not a regular file");
    ::close(in);
    return -1;
  }
  int out = memfd_create("lodestar-geo", MFD_CLOEXEC);
  if (out < 0) {
    error = path + ": cannot copy the geo database into memory: " + std::strerror(errno);
    ::close(in);
    return -1;
  }
  std::vector<char> buffer(1 << 20);
  off_t total = 0;
  for (;;) {
    ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || (total += n) > kMaxDatabaseBytes) {
      if (n < 0 || total > kMaxDatabaseBytes) {
        error = path + ": cannot read the geo database: " + (n < 0 ? std::strerror(errno) : "it grew past 4 GB");
        ::close(in);
        ::close(out);
        return -1;
      }
      break;
    }
    digest.add(buffer.data(), static_cast<size_t>(n));
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out, buffer.data() + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        error = path + ": cannot copy the geo database into memory: " + std::strerror(errno);
        ::close(in);
        ::close(out);
        return -1;
      }
      done += w;
    }
  }
  ::close(in);
  return out;
}

}  // namespace

std::unique_ptr<Database> Database::open(const std::string& path, std::string& error) {
  std::unique_ptr<Database> db(new Database());
  db->mmdb_ = std::make_unique<MMDB_s>();
  db->path_ = path;
  wire::ContentDigest digest;
  int copy = privateCopy(path, error, digest);
  db->digest_ = digest.hex();
  if (copy < 0) return nullptr;
  // libmaxminddb opens by name: the copy's /proc name; the mapping outlives the descriptor.
  std::string copyPath = "/proc/self/fd/" + std::to_string(copy);
  int status = MMDB_open(copyPath.c_str(), MMDB_MODE_MMAP, db->mmdb_.get());
  ::close(copy);
  if (status != MMDB_SUCCESS) {
    error = path + ": cannot open the geo database: " + MMDB_strerror(status);
    if (status == MMDB_IO_ERROR) error += std::string(" (") + std::strerror(errno) + ")";
    db->mmdb_.reset();
    return nullptr;
  }
  // The IPv4 tree of an IPv6 database starts 96 zero bits down from the root.
  if (db->mmdb_->metadata.ip_version == 4) {
    db->ipv4Root_ = {Record::Kind::Node, 0};
  } else {
    Record r{Record::Kind::Node, 0};
    for (int i = 0; i < 96 && r.kind == Record::Kind::Node; ++i) {
      Record left, right;
      if (!db->children(r.value, left, right)) {
        error = path + ": the geo database is corrupt (bad search tree near the root)";
        return nullptr;
      }
      r = left;
    }
    db->ipv4Root_ = r;
  }
  return db;
}

Database::~Database() {
  if (mmdb_) MMDB_close(mmdb_.get());
}

Database::Record Database::root(wire::Family family) const {
  if (family == wire::Family::IPv4) return ipv4Root_;
  if (mmdb_->metadata.ip_version == 4) return {};  // no IPv6 data at all
  return {Record::Kind::Node, 0};
}

bool Database::children(uint32_t node, Record& left, Record& right) const {
  MMDB_search_node_s n;
  if (MMDB_read_node(mmdb_.get(), node, &n) != MMDB_SUCCESS) return false;
  if (n.left_record_type == MMDB_RECORD_TYPE_INVALID || n.right_record_type == MMDB_RECORD_TYPE_INVALID) return false;
  left = toRecord(static_cast<uint32_t>(n.left_record), n.left_record_type, n.left_record_entry);
  right = toRecord(static_cast<uint32_t>(n.right_record), n.right_record_type, n.right_record_entry);
  // Child node numbers must lie inside the tree, or a corrupt file could loop.
  return (left.kind != Record::Kind::Node || left.value < nodeCount()) &&
         (right.kind != Record::Kind::Node || right.value < nodeCount());
}

const GeoFacts* Database::facts(uint32_t dataOffset) const {
  auto it = factsCache_.find(dataOffset);
  if (it != factsCache_.end()) return &it->second;
  MMDB_entry_s entry{mmdb_.get(), dataOffset};
  // A full decode validates the record against the file's bounds.
  MMDB_entry_data_list_s* list = nullptr;
  int status = MMDB_get_entry_data_list(&entry, &list);
  MMDB_free_entry_data_list(list);
  if (status != MMDB_SUCCESS) return nullptr;
  return &factsCache_.emplace(dataOffset, decode(entry)).first->second;
}

Database::Lookup Database::lookup(const wire::Address& address) const {
  sockaddr_storage ss{};
  if (address.family == wire::Family::IPv4) {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    std::memcpy(&in->sin_addr, address.bytes.data(), 4);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    std::memcpy(&in6->sin6_addr, address.bytes.data(), 16);
  }
  int error = 0;
  MMDB_lookup_result_s r = MMDB_lookup_sockaddr(mmdb_.get(), reinterpret_cast<sockaddr*>(&ss), &error);
  Lookup out;
  if (error != MMDB_SUCCESS) return out;
  out.prefixLength = r.netmask;
  // libmaxminddb reports IPv4 netmasks in the 128-bit tree of an IPv6 database.
  if (address.family == wire::Family::IPv4 && mmdb_->metadata.ip_version == 6)
    out.prefixLength = r.netmask >= 96 ? r.netmask - 96 : 0;
  if (r.found_entry) {
    out.found = true;
    out.facts = decode(r.entry);
  }
  return out;
}

std::string Database::description() const {
  return std::string(mmdb_->metadata.database_type ? mmdb_->metadata.database_type : "?") + ", " +
         std::to_string(mmdb_->metadata.node_count) + " nodes, IPv" + std::to_string(mmdb_->metadata.ip_version);
}

uint32_t Database::nodeCount() const noexcept { return mmdb_->metadata.node_count; }

}  // namespace lodestar::geo
