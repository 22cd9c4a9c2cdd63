// lodestar: the authoritative DNS daemon (foreground, logs to stderr).
#include <getopt.h>

#include <iostream>
#include <string>

#include "dns/server/daemon.hpp"
#include "lodestar/version.hpp"

namespace {
void usage(std::ostream& out) {
  out << "usage: lodestar -c CONFIG [--check]\n"
         "  -c, --config FILE   main configuration (YAML)\n"
         "      --check         load and validate everything without serving; exit 0 or 1\n"
         "  -h, --help          this text\n"
         "  -V, --version       print the version\n";
}
}  // namespace

#ifdef LODESTAR_TEST_DAEMON
// The test build only (lodestar-test-daemon, tests/support/test_daemon_hooks.cpp): the
// shipped daemon has no test hook at all.
void applyTestHooks();
#endif

int main(int argc, char** argv) {
  static const option options[] = {{"config", required_argument, nullptr, 'c'},
                                   {"check", no_argument, nullptr, 'C'},
                                   {"help", no_argument, nullptr, 'h'},
                                   {"version", no_argument, nullptr, 'V'},
                                   {nullptr, 0, nullptr, 0}};
  std::string config;
  bool check = false;
  for (int c; (c = getopt_long(argc, argv, "c:hV", options, nullptr)) != -1;) {
    switch (c) {
      case 'c': config = optarg; break;
      case 'C': check = true; break;
      case 'h': usage(std::cout); return 0;
      case 'V': std::cout << "lodestar " << lodestar::kVersion << "\n"; return 0;
      default: usage(std::cerr); return 2;
    }
  }
  if (config.empty() || optind != argc) {
    usage(std::cerr);
    return 2;
  }
  if (check) return lodestar::server::checkConfiguration(config, std::cout, std::cerr);
#ifdef LODESTAR_TEST_DAEMON
  applyTestHooks();
#endif
  return lodestar::server::runDaemon(config);
}
