// `http:` in the main configuration: where the metrics, health and status page listen, and
// the credentials asked for. `http:` alone listens on loopback with no credentials.
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "dns/config/server_config.hpp"

namespace lodestar::config {

namespace {

// A secret file's content without its trailing newline; empty (with an error) when it cannot
// be read or is empty.
std::string readSecret(yaml::YamlReader& yaml, const yaml::Node& at, const std::string& key, const std::string& file) {
  // A regular file of one short line: never a device or a pipe that would never end.
  struct stat st {};
  if (stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > 4096) {
    yaml.error(at, key, "cannot read '" + file + "' (a regular file of at most 4096 bytes is needed)");
    return "";
  }
  std::ifstream in(file);
  std::stringstream text;
  if (in) text << in.rdbuf();
  std::string secret = text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (!in) yaml.error(at, key, "cannot read '" + file + "'");
  else if (secret.empty()) yaml.error(at, key, "'" + file + "' is empty");
  else if (secret.find('\n') != std::string::npos) yaml.error(at, key, "'" + file + "' holds more than one line");
  return secret;
}

}  // namespace

std::optional<HttpConfig> readHttpConfig(yaml::YamlReader& yaml, const yaml::Node& node, const std::string& configPath) {
  HttpConfig c;
  const size_t errors = yaml.diags().errors().size();
  if (!node.isNull()) {
    if (!yaml.expectMap(node, "http", {"listen", "token_file", "user", "password_file"})) return std::nullopt;
    if (const auto listen = node["listen"]) {
      if (auto list = yaml.stringList(listen, "http.listen")) {
        if (list->empty()) yaml.error(listen, "http.listen", "at least one address is needed (or leave out 'http:')");
        for (const auto& text : *list) {
          // A bare address ("::1", "127.0.0.1", "[::1]") takes the HTTP port, not DNS's 53.
          const bool bracketed = text.size() > 2 && text.front() == '[' && text.back() == ']';
          const std::string bare = bracketed ? text.substr(1, text.size() - 2) : text;
          auto a = text.empty() || text.back() == ':' ? std::nullopt : parseListenAddress(text);
          if (a && wire::Address::parse(bare)) {
            a->port = kDefaultHttpPort;
            a->text = (a->address.family == wire::Family::IPv6 ? "[" + bare + "]" : bare) + ":" + std::to_string(a->port);
          }
          if (!a || a->port == 0)
            yaml.error(listen, "http.listen", "'" + text + "' is not an address:port such as 127.0.0.1:" +
                                                  std::to_string(kDefaultHttpPort) + " or [::1]:" + std::to_string(kDefaultHttpPort));
          else
            c.listen.push_back(*a);
        }
      }
    }
    if (const auto f = node["token_file"]) {
      if (auto s = yaml.string(f, "http.token_file")) c.token = readSecret(yaml, f, "http.token_file", resolvePath(configPath, *s));
    }
    if (const auto u = node["user"]) {
      if (auto s = yaml.string(u, "http.user")) {
        c.user = *s;
        if (c.user.empty() || c.user.find(':') != std::string::npos)
          yaml.error(u, "http.user", "a user name is not empty and has no ':' (basic auth joins user:password)");
      }
    }
    if (const auto f = node["password_file"]) {
      if (auto s = yaml.string(f, "http.password_file")) c.password = readSecret(yaml, f, "http.password_file", resolvePath(configPath, *s));
    }
    if (node["user"] && !node["password_file"]) yaml.error(node, "http", "'user' needs 'password_file'");
    if (node["password_file"] && !node["user"]) yaml.error(node, "http", "'password_file' needs 'user'");
  }
  if (c.listen.empty()) c.listen.push_back(*parseListenAddress("127.0.0.1:" + std::to_string(kDefaultHttpPort)));
  if (yaml.diags().errors().size() != errors) return std::nullopt;
  return c;
}

}  // namespace lodestar::config
