// /proc/net/{udp,tcp}[6] give the socket's inode; /proc/PID/fd links name "socket:[inode]".
#include "dns/server/port_owner.hpp"

#include <dirent.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

namespace lodestar::server {

namespace {

std::set<std::string> inodesOn(uint16_t port, bool tcp) {
  std::set<std::string> inodes;
  char portHex[8];
  std::snprintf(portHex, sizeof portHex, "%04X", port);
  const std::string base = tcp ? "/proc/net/tcp" : "/proc/net/udp";
  for (const std::string& file : {base, base + "6"}) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);  // the column titles
    while (std::getline(in, line)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      std::istringstream f(line);
      std::string sl, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      if (!(f >> sl >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode)) continue;
      auto colon = local.rfind(':');
      if (colon == std::string::npos || local.substr(colon + 1) != portHex) continue;
      if (tcp && state != "0A") continue;  // LISTEN only
      inodes.insert(inode);
    }
  }
  return inodes;
}

}  // namespace

std::string portOwner(uint16_t port, bool tcp) {
  auto inodes = inodesOn(port, tcp);
  if (inodes.empty()) return {};
  std::string self = std::to_string(getpid());
  DIR* proc = opendir("/proc");
  if (!proc) return {};
  std::string found;
  while (dirent* p = readdir(proc)) {
    if (!std::isdigit(static_cast<unsigned char>(p->d_name[0])) || self == p->d_name) continue;
    std::string fdDir = std::string("/proc/") + p->d_name + "/fd";
    DIR* fds = opendir(fdDir.c_str());
    if (!fds) continue;
    while (dirent* f = readdir(fds)) {
      char target[64];
      ssize_t n = readlink((fdDir + "/" + f->d_name).c_str(), target, sizeof target - 1);
      if (n <= 0) continue;
      target[n] = 0;
      if (std::strncmp(target, "socket:[", 8) != 0) continue;
      std::string inode(target + 8, std::strlen(target + 8) - 1);
      if (!inodes.count(inode)) continue;
      std::ifstream comm(std::string("/proc/") + p->d_name + "/comm");
      std::string name;
      std::getline(comm, name);
      found = std::string("pid ") + p->d_name + " (" + name + ")";
      break;
    }
    closedir(fds);
    if (!found.empty()) break;
  }
  closedir(proc);
  return found;
}

}  // namespace lodestar::server
