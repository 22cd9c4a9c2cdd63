// Whole-file reads with open/fstat/read: the kind of file and the limit are checked on the
// descriptor that is read, so a file swapped between the check and the read cannot slip by.
#include "zones/yaml/file_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace lodestar::yaml {

namespace {

std::string megabytes(size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", bytes / 1048576.0);
  return text;
}

std::string tooBig(size_t limit) {
  return "larger than " + megabytes(limit) + ", the limit for this kind of file";
}

}  // namespace

std::optional<std::string> readWholeFile(const std::string& path, size_t maxBytes, std::string& error) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    error = std::string("cannot open: ") + std::strerror(errno);
    return std::nullopt;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = S_ISDIR(st.st_mode)    ? "is a folder, not a file"
            : S_ISFIFO(st.st_mode) ? "is a FIFO, not a regular file"
            : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "is a device, not a regular file"
                                                          : "is not a regular file";
    ::close(fd);
    return std::nullopt;
  }
  if (static_cast<unsigned long long>(st.st_size) > maxBytes) {
    error = "is " + megabytes(static_cast<size_t>(st.st_size)) + ": " + tooBig(maxBytes);
    ::close(fd);
    return std::nullopt;
  }
  std::string text;
  text.resize(static_cast<size_t>(st.st_size));
  size_t have = 0;
  for (;;) {
    if (have == text.size()) {
      if (text.size() > maxBytes) break;
      text.resize(std::min(maxBytes + 1, text.size() + 65536));  // the file grew since fstat
    }
    ssize_t n = ::read(fd, text.data() + have, text.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::string("cannot read: ") + std::strerror(errno);
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  ::close(fd);
  if (have > maxBytes) {
    error = tooBig(maxBytes);
    return std::nullopt;
  }
  text.resize(have);
  return text;
}

}  // namespace lodestar::yaml
