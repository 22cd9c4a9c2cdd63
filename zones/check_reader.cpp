// Probe definitions: defaults that suit most services, every value range-checked.
#include "zones/check_reader.hpp"

#include "dns/wire/constants.hpp"

#include "dns/wire/address.hpp"
#include "dns/wire/rr_type.hpp"

namespace lodestar::zones {

namespace {

using health::ProbeKind;

std::optional<health::CheckSpec> readCheck(yaml::YamlReader& yaml, const yaml::Node& node, const std::string& path,
                                           const std::string& name) {
  if (!yaml.expectMap(node, path, {"kind", "port", "address", "interval", "timeout", "recheck", "rise", "fall", "http",
                                   "dns", "exec", "flap_damping", "consensus"}))
    return std::nullopt;
  health::CheckSpec c;
  c.name = name;
  bool ok = true;
  if (!node["kind"]) {
    yaml.error(node, path, "missing key 'kind' (tcp, http, https, dns or exec)");
    return std::nullopt;
  }
  auto kind = yaml.string(node["kind"], yaml::keyPath(path, "kind"));
  if (!kind) return std::nullopt;
  const std::pair<const char*, ProbeKind> kinds[] = {
      {"tcp", ProbeKind::Tcp}, {"http", ProbeKind::Http}, {"https", ProbeKind::Https},
      {"dns", ProbeKind::Dns}, {"exec", ProbeKind::Exec}};
  bool found = false;
  for (const auto& [n, k] : kinds)
    if (*kind == n) {
      c.kind = k;
      found = true;
    }
  if (!found) {
    yaml.error(node["kind"], yaml::keyPath(path, "kind"), "unknown kind '" + *kind + "' (tcp, http, https, dns or exec)");
    return std::nullopt;
  }
  auto duration = [&](const char* key, std::chrono::milliseconds& out, std::chrono::milliseconds min) {
    if (!node[key]) return;
    auto d = yaml.duration(node[key], yaml::keyPath(path, key), {min});
    if (!d) ok = false;
    else out = *d;
  };
  duration("interval", c.interval, std::chrono::milliseconds(100));
  duration("timeout", c.timeout, std::chrono::milliseconds(10));
  duration("recheck", c.recheck, std::chrono::milliseconds(10));
  if (ok && c.timeout >= c.interval) {
    yaml.error(node["timeout"] ? node["timeout"] : node, yaml::keyPath(path, "timeout"), "timeout must be shorter than interval");
    ok = false;
  }
  auto count = [&](const char* key, unsigned& out) {
    if (!node[key]) return;
    auto v = yaml.integer(node[key], yaml::keyPath(path, key), 1, 100);
    if (!v) ok = false;
    else out = static_cast<unsigned>(*v);
  };
  count("rise", c.rise);
  count("fall", c.fall);
  if (yaml::Node d = node["flap_damping"]) {
    std::string dp = yaml::keyPath(path, "flap_damping");
    if (!yaml.expectMap(d, dp, {"falls", "window", "hold"}) || !d["falls"] || !d["window"] || !d["hold"]) {
      if (d.isMap()) yaml.error(d, dp, "needs falls, window and hold, e.g. {falls: 3, window: 2m, hold: 5m}");
      ok = false;
    } else {
      auto falls = yaml.integer(d["falls"], yaml::keyPath(dp, "falls"), 2, 16);
      auto window = yaml.duration(d["window"], yaml::keyPath(dp, "window"));
      auto hold = yaml.duration(d["hold"], yaml::keyPath(dp, "hold"));
      if (!falls || !window || !hold) ok = false;
      else c.damping = {static_cast<unsigned>(*falls), *window, *hold};
    }
  }
  if (node["consensus"]) {
    auto v = yaml.string(node["consensus"], yaml::keyPath(path, "consensus"));
    if (v == std::string("local")) c.consensus = health::Consensus::Local;
    else if (v == std::string("quorum")) c.consensus = health::Consensus::Quorum;
    else {
      if (v) yaml.error(node["consensus"], yaml::keyPath(path, "consensus"), "'" + *v + "' is not local or quorum");
      ok = false;
    }
  }
  if (node["port"]) {
    auto p = yaml.integer(node["port"], yaml::keyPath(path, "port"), 1, 65535);
    if (!p) ok = false;
    else c.port = static_cast<uint16_t>(*p);
  }
  if (node["address"]) {
    auto a = yaml.string(node["address"], yaml::keyPath(path, "address"));
    if (!a || !wire::Address::parse(*a)) {
      if (a) yaml.error(node["address"], yaml::keyPath(path, "address"), "'" + *a + "' is not an address");
      ok = false;
    } else c.address = *a;
  }
  if (c.kind == ProbeKind::Tcp && c.port == 0) {
    yaml.error(node, path, "a tcp check needs a 'port'");
    ok = false;
  }
  // Sections belong to their kinds only.
  auto section = [&](const char* key, std::initializer_list<ProbeKind> forKinds) -> yaml::Node {
    yaml::Node s = node[key];
    if (!s) return s;
    bool fits = false;
    for (auto k : forKinds) fits = fits || k == c.kind;
    if (!fits) {
      yaml.error(s, yaml::keyPath(path, key), std::string("'") + key + "' does not apply to a " + *kind + " check");
      ok = false;
      return yaml::Node();  // undefined, so false
    }
    return s;
  };
  if (yaml::Node http = section("http", {ProbeKind::Http, ProbeKind::Https})) {
    std::string hp = yaml::keyPath(path, "http");
    if (yaml.expectMap(http, hp, {"method", "path", "host", "headers", "expect", "body", "verify_tls", "sni"})) {
      if (http["method"]) c.method = yaml.string(http["method"], yaml::keyPath(hp, "method")).value_or("GET");
      if (http["path"]) c.path = yaml.string(http["path"], yaml::keyPath(hp, "path")).value_or("/");
      if (http["host"]) c.host = yaml.string(http["host"], yaml::keyPath(hp, "host")).value_or("");
      if (http["body"]) c.bodyContains = yaml.string(http["body"], yaml::keyPath(hp, "body")).value_or("");
      if (http["sni"]) c.sni = yaml.string(http["sni"], yaml::keyPath(hp, "sni")).value_or("");
      if (http["verify_tls"]) c.verifyTls = yaml.boolean(http["verify_tls"], yaml::keyPath(hp, "verify_tls")).value_or(true);
      if (yaml::Node h = http["headers"]) {
        if (!h.isMap()) {
          yaml.error(h, yaml::keyPath(hp, "headers"), "expected a mapping of header names to values");
          ok = false;
        } else {
          for (auto it = h.begin(); it != h.end(); ++it) c.headers.push_back(it->first.scalar() + ": " + it->second.scalar());
        }
      }
      if (yaml::Node e = http["expect"]) {
        c.expectStatus.clear();
        auto list = yaml.stringList(e, yaml::keyPath(hp, "expect"));
        for (const auto& s : list.value_or(std::vector<std::string>{})) {
          unsigned v = 0;
          try {
            v = static_cast<unsigned>(std::stoul(s));
          } catch (...) {
          }
          if (v < 100 || v > 599) {
            yaml.error(e, yaml::keyPath(hp, "expect"), "'" + s + "' is not an HTTP status code");
            ok = false;
          } else c.expectStatus.push_back(v);
        }
      }
      if (!c.path.empty() && c.path[0] != '/') {
        yaml.error(http["path"], yaml::keyPath(hp, "path"), "the path starts with '/'");
        ok = false;
      }
    } else ok = false;
  } else if (c.kind == ProbeKind::Http || c.kind == ProbeKind::Https) {
    // defaults: GET / expecting 200
  }
  if (yaml::Node dns = section("dns", {ProbeKind::Dns})) {
    std::string dp = yaml::keyPath(path, "dns");
    if (yaml.expectMap(dns, dp, {"name", "type", "rcode", "answer"})) {
      if (dns["name"]) c.dnsName = yaml.string(dns["name"], yaml::keyPath(dp, "name")).value_or("");
      if (dns["type"]) {
        std::string t = dns["type"].scalar();
        const auto type = wire::rrTypeFromName(t);
        c.dnsType = type.value_or(0);
        if (c.dnsType == 0) {
          yaml.error(dns["type"], yaml::keyPath(dp, "type"), "unknown record type '" + t + "'");
          ok = false;
        }
      }
      if (dns["rcode"]) {
        std::string r = dns["rcode"].scalar();
        const int v = wire::rcodeFromName(r);
        if (v >= 0 && v < 16) c.dnsRcode = static_cast<uint8_t>(v);
        else {
          yaml.error(dns["rcode"], yaml::keyPath(dp, "rcode"), "unknown rcode '" + r + "'");
          ok = false;
        }
      }
      if (dns["answer"]) c.dnsAnswer = yaml.string(dns["answer"], yaml::keyPath(dp, "answer")).value_or("");
    } else ok = false;
  }
  if (c.kind == ProbeKind::Dns && c.dnsName.empty()) {
    yaml.error(node, path, "a dns check needs dns.name");
    ok = false;
  }
  if (yaml::Node exec = section("exec", {ProbeKind::Exec})) {
    std::string ep = yaml::keyPath(path, "exec");
    if (yaml.expectMap(exec, ep, {"command"}) && exec["command"]) {
      auto argv = yaml.stringList(exec["command"], yaml::keyPath(ep, "command"));
      if (argv) c.command = *argv;
      else ok = false;
    } else ok = false;
  }
  if (c.kind == ProbeKind::Exec && c.command.empty()) {
    yaml.error(node, path, "an exec check needs exec.command");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return c;
}

}  // namespace

CheckMap readChecks(yaml::YamlReader& yaml, const yaml::Node& checks) {
  CheckMap out;
  if (!checks.isMap()) {
    yaml.error(checks, "checks", "expected a mapping of check names to probe definitions");
    return out;
  }
  yaml.uniqueKeys(checks, "checks");
  for (auto it = checks.begin(); it != checks.end(); ++it) {
    std::string name = it->first.scalar();
    auto spec = readCheck(yaml, it->second, yaml::keyPath("checks", name), name);
    // A check with errors stays known (as null), so the pools naming it report nothing more:
    // the operator sees the root error only.
    out.emplace(name, spec ? std::make_shared<const health::CheckSpec>(std::move(*spec)) : nullptr);
  }
  return out;
}

}  // namespace lodestar::zones
