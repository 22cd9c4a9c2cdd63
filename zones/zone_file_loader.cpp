// Master-file reading: we split entries (comments, parentheses, quotes, directives) and
// let ldns parse each record, which keeps line numbers exact and allows $INCLUDE.
#include "zones/zone_file_loader.hpp"

#include <future>
#include <sstream>

#include "dns/wire/constants.hpp"
#include "dns/wire/content_digest.hpp"
#include "zones/yaml/file_read.hpp"
#include "zones/record_text.hpp"
#include "dns/wire/duration.hpp"
#include "dns/wire/name_text.hpp"

namespace lodestar::zones {

namespace {

constexpr int kMaxIncludeDepth = 8;
constexpr size_t kDigestBesideBytes = 4 << 20;  // below, a thread costs more than it saves

struct Entry {
  std::string text;  // one logical line: comments dropped, parentheses joined
  int line = 0;
  int column = 1;
};

// Splits a master file into logical entries (RFC 1035 section 5.1), each handed to `onEntry`
// as it ends: a big file is never held twice. Runs of ordinary bytes are copied at once.
template <typename OnEntry>
bool splitEntries(const std::string& content, OnEntry&& onEntry, std::string& error, int& errorLine) {
  Entry cur;
  int line = 1, depth = 0, parenLine = 0;
  bool quoted = false;
  auto ordinary = [](char c) {
    return c != '"' && c != '\\' && c != ';' && c != '(' && c != ')' && c != '\n' && c != '\r';
  };
  auto endEntry = [&] {
    if (cur.text.find_first_not_of(" \t\r") != std::string::npos) onEntry(cur);
    cur.text.clear();
    cur.line = 0;
  };
  for (size_t i = 0; i < content.size(); ++i) {
    char c = content[i];
    if (cur.line == 0) cur.line = line;
    if (quoted) {
      cur.text += c;
      if (c == '\\' && i + 1 < content.size()) {
        cur.text += content[++i];
        if (content[i] == '\n') ++line;
      } else if (c == '"') {
        quoted = false;
      } else if (c == '\n') {
        error = "newline inside a quoted string";
        errorLine = line;
        return false;
      }
      continue;
    }
    switch (c) {
      case '"':
        quoted = true;
        cur.text += c;
        break;
      case '\\':
        cur.text += c;
        if (i + 1 < content.size()) cur.text += content[++i];
        break;
      case ';':
        while (i + 1 < content.size() && content[i + 1] != '\n') ++i;
        break;
      case '(':
        if (depth++ == 0) parenLine = line;
        cur.text += ' ';
        break;
      case ')':
        if (depth == 0) {
          error = "')' without '('";
          errorLine = line;
          return false;
        }
        --depth;
        cur.text += ' ';
        break;
      case '\n':
        ++line;
        if (depth > 0) cur.text += ' ';
        else endEntry();
        break;
      case '\r':
        break;
      default: {
        size_t end = i + 1;
        while (end < content.size() && ordinary(content[end])) ++end;
        cur.text.append(content, i, end - i);
        i = end - 1;
      }
    }
  }
  if (depth > 0) {
    error = "'(' is never closed";
    errorLine = parenLine;
    return false;
  }
  if (quoted) {
    error = "quoted string is never closed";
    errorLine = line;
    return false;
  }
  endEntry();
  return true;
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string directoryOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

// $TTL in the product's duration grammar, which takes BIND's units (1h30m, 1W) as they are.
bool parseTtl(const std::string& text, uint32_t& out, std::string& error) {
  auto v = wire::parseSeconds(text, 0, wire::kMaxTtl, error);
  if (v) out = static_cast<uint32_t>(*v);
  return v.has_value();
}

struct FileState {
  std::string origin;  // wire
  uint32_t ttl;
  std::string previousOwner;  // wire, as written; empty before the first record
};

void loadText(const std::string& path, const std::string& content, FileState state, int depth, ZoneBuilder& builder,
              yaml::Diagnostics& diags);

void loadFile(const std::string& path, FileState state, int depth, ZoneBuilder& builder, yaml::Diagnostics& diags) {
  std::string error;
  auto text = yaml::readWholeFile(path, yaml::kMaxZoneFileBytes, error);
  if (!text) {
    diags.error({path, 0, 0}, "zone file " + error);
    return;
  }
  loadText(path, *text, std::move(state), depth, builder, diags);
}

// $ORIGIN, $TTL and $INCLUDE (RFC 1035 section 5.1).
void directive(const std::string& path, const std::string& text, const yaml::SourceLocation& where, FileState& state,
               int depth, ZoneBuilder& builder, yaml::Diagnostics& diags) {
  auto w = words(text);
  if (w[0] == "$ORIGIN" && w.size() == 2) {
    auto origin = parseNameText(w[1], state.origin);
    if (!origin) diags.error(where, "bad $ORIGIN name '" + w[1] + "'");
    else state.origin = *origin;
  } else if (w[0] == "$TTL" && w.size() == 2) {
    std::string error;
    if (!parseTtl(w[1], state.ttl, error)) diags.error(where, "$TTL: " + error);
  } else if (w[0] == "$INCLUDE" && (w.size() == 2 || w.size() == 3)) {
    if (depth >= kMaxIncludeDepth) {
      diags.error(where, "$INCLUDE nested more than " + std::to_string(kMaxIncludeDepth) + " deep");
      return;
    }
    FileState inner = state;
    if (w.size() == 3) {
      auto origin = parseNameText(w[2], state.origin);
      if (!origin) {
        diags.error(where, "bad $INCLUDE origin '" + w[2] + "'");
        return;
      }
      inner.origin = *origin;
    }
    std::string target = w[1][0] == '/' ? w[1] : directoryOf(path) + w[1];
    // The origin returns to the includer's after the included file (RFC 1035 5.1).
    loadFile(target, inner, depth + 1, builder, diags);
  } else {
    diags.error(where, "unknown or malformed directive '" + w[0] + "'");
  }
}

void loadText(const std::string& path, const std::string& content, FileState state, int depth, ZoneBuilder& builder,
              yaml::Diagnostics& diags) {
  // FNV-1a is one multiply per byte in a chain (~5 % of loading a million records): a big
  // file's digest is taken on another core while this one parses it.
  std::future<uint64_t> digest;
  if (content.size() >= kDigestBesideBytes)
    digest = std::async(std::launch::async, [&content] {
      wire::ContentDigest d;
      d.add(content);
      return d.value();
    });
  else
    diags.noteSource(path, content);
  std::string error, withOwner;
  int errorLine = 0;
  yaml::SourceLocation where{path, 0, 0};  // one for the file: no copy of its path per record
  auto onEntry = [&](const Entry& e) {
    where.line = e.line;
    where.column = static_cast<int>(e.text.find_first_not_of(" \t")) + 1;
    if (e.text[0] == '$') {
      directive(path, e.text, where, state, depth, builder, diags);
      return;
    }
    const std::string* text = &e.text;
    if (e.text[0] == ' ' || e.text[0] == '\t') {
      // A blank owner repeats the previous one.
      if (state.previousOwner.empty()) {
        diags.error(where, "record without an owner name and no previous owner");
        return;
      }
      withOwner = wire::nameToText(state.previousOwner) + e.text;
      text = &withOwner;
    }
    auto rr = parseRecordText(*text, state.ttl, state.origin, error);
    if (!rr) {
      diags.error(where, error);
      return;
    }
    state.previousOwner = rr->owner;
    if (rr->rrclass != 1) {
      diags.error(where, "only class IN is served");
      return;
    }
    builder.add(rr->owner, rr->type, rr->ttl, std::move(rr->rdata), where, diags);
  };
  if (!splitEntries(content, onEntry, error, errorLine)) diags.error({path, errorLine, 1}, error);
  if (digest.valid()) diags.noteSource(path, digest.get());
}

}  // namespace

void loadZoneFile(const std::string& path, uint32_t defaultTtl, ZoneBuilder& builder, yaml::Diagnostics& diags) {
  loadFile(path, FileState{builder.apex(), defaultTtl, {}}, 0, builder, diags);
}

void loadZoneText(const std::string& path, const std::string& text, uint32_t defaultTtl, ZoneBuilder& builder,
                  yaml::Diagnostics& diags) {
  loadText(path, text, FileState{builder.apex(), defaultTtl, {}}, 0, builder, diags);
}

}  // namespace lodestar::zones
