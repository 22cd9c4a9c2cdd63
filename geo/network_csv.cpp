// CSV reading for lodestar-geodb: quoted cells, named columns, per-cell validation.
#include "geo/network_csv.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

namespace lodestar::geo {

namespace {

struct Cell {
  std::string text;
  int column;  // 1-based character position of the cell
};

bool splitRow(const std::string& line, std::vector<Cell>& cells) {
  cells.clear();
  Cell cur{{}, 1};
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') cur.text += line[++i];
      else if (c == '"') quoted = false;
      else cur.text += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.push_back(cur);
      cur = Cell{{}, static_cast<int>(i) + 2};
    } else if (c != '\r') {
      cur.text += c;
    }
  }
  cells.push_back(cur);
  return !quoted;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool parseDouble(const std::string& s, double lo, double hi, double& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out) && out >= lo && out <= hi;
}

bool upperCode(const std::string& s, size_t minLen, size_t maxLen) {
  if (s.size() < minLen || s.size() > maxLen) return false;
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  return true;
}

}  // namespace

bool readNetworkCsv(const std::string& path, std::vector<CsvNetwork>& out, std::vector<std::string>& errors) {
  std::ifstream in(path);
  if (!in) {
    errors.push_back(path + ": cannot open");
    return false;
  }
  return readNetworkCsv(path, in, out, errors);
}

bool readNetworkCsv(const std::string& path, std::istream& in, std::vector<CsvNetwork>& out,
                    std::vector<std::string>& errors) {
  static const std::set<std::string> kKnown = {"network", "continent", "country", "subdivision",
                                               "latitude", "longitude", "asn"};
  std::map<std::string, size_t> col;
  std::string line;
  std::vector<Cell> cells;
  int lineNo = 0;
  std::map<std::string, int> seen;  // network (canonical text) → line, for duplicates
  auto fail = [&](int column, const std::string& msg) {
    errors.push_back(path + ":" + std::to_string(lineNo) + ":" + std::to_string(column) + ": " + msg);
  };
  while (std::getline(in, line)) {
    ++lineNo;
    if (trim(line).empty() || line[0] == '#') continue;
    if (!splitRow(line, cells)) {
      fail(1, "unclosed quote");
      continue;
    }
    if (col.empty()) {
      for (size_t i = 0; i < cells.size(); ++i) {
        std::string name = trim(cells[i].text);
        if (!kKnown.count(name)) fail(cells[i].column, "unknown column '" + name + "'");
        else if (!col.emplace(name, i).second) fail(cells[i].column, "column '" + name + "' appears twice");
      }
      if (!col.count("network")) fail(1, "the header row has no 'network' column");
      if (!errors.empty()) return false;
      continue;
    }
    auto get = [&](const char* name, Cell& c) {
      auto it = col.find(name);
      if (it == col.end() || it->second >= cells.size()) return false;
      c = cells[it->second];
      c.text = trim(c.text);
      return !c.text.empty();
    };
    if (cells.size() != col.size()) {
      fail(1, "expected " + std::to_string(col.size()) + " cells, found " + std::to_string(cells.size()));
      continue;
    }
    CsvNetwork row;
    Cell c;
    size_t errorsBefore = errors.size();
    if (!get("network", c)) {
      fail(1, "empty network");
      continue;
    }
    auto prefix = wire::Prefix::parse(c.text);
    if (!prefix) fail(c.column, "'" + c.text + "' is not a network such as 192.0.2.0/24 (host bits must be zero)");
    else if (prefix->length == 0) fail(c.column, "a /0 network covers everything; leave it out and use the map's default");
    else if (auto [it, fresh] = seen.emplace(prefix->toString(), lineNo); !fresh)  // however it is spelled
      fail(c.column, "network " + c.text + " also on line " + std::to_string(it->second));
    else row.network = *prefix;
    if (get("continent", c)) {
      if (!upperCode(c.text, 2, 2)) fail(c.column, "continent '" + c.text + "' is not a two-letter code such as EU");
      row.facts.continent = c.text;
    }
    if (get("country", c)) {
      if (!upperCode(c.text, 2, 2)) fail(c.column, "country '" + c.text + "' is not an ISO code such as DE");
      row.facts.country = c.text;
    }
    if (get("subdivision", c)) {
      if (!upperCode(c.text, 1, 3)) fail(c.column, "subdivision '" + c.text + "' is not an ISO 3166-2 code such as CA");
      row.facts.subdivision = c.text;
    }
    Cell lat, lon;
    bool hasLat = get("latitude", lat), hasLon = get("longitude", lon);
    if (hasLat != hasLon) {
      fail((hasLat ? lat : lon).column, "latitude and longitude go together");
    } else if (hasLat) {
      if (!parseDouble(lat.text, -90, 90, row.facts.latitude)) fail(lat.column, "latitude '" + lat.text + "' is not in [-90, 90]");
      if (!parseDouble(lon.text, -180, 180, row.facts.longitude))
        fail(lon.column, "longitude '" + lon.text + "' is not in [-180, 180]");
      row.facts.hasLocation = true;
    }
    if (get("asn", c)) {
      auto [end, ec] = std::from_chars(c.text.data(), c.text.data() + c.text.size(), row.facts.asn);
      if (ec != std::errc() || end != c.text.data() + c.text.size() || row.facts.asn == 0)
        fail(c.column, "asn '" + c.text + "' is not a number from 1 to 4294967295");
    }
    if (errors.size() == errorsBefore) out.push_back(row);
  }
  if (col.empty()) errors.push_back(path + ": no header row");
  return errors.empty();
}

}  // namespace lodestar::geo
