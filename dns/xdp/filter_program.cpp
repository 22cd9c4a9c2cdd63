// The filter as BPF instructions. Loads from the packet are little-endian on the machines
// XDP runs on, so a big-endian field is compared with its byte-swapped constant.
#include "dns/xdp/filter_program.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <unistd.h>

#include <cstring>
#include <map>

namespace lodestar::xdp {

namespace {
constexpr uint8_t R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5, R6 = 6, FP = 10;

constexpr int32_t swapped(uint16_t v) { return static_cast<int32_t>(((v & 0xFF) << 8) | (v >> 8)); }

// Offsets in the frame.
constexpr int16_t kEtherType = 12, kIp = 14;
constexpr int16_t kV4VersionIhl = kIp, kV4Fragment = kIp + 6, kV4Protocol = kIp + 9, kV4Destination = kIp + 16,
                  kV4DestinationPort = kIp + 20 + 2, kV4Minimum = kIp + 20 + 8;
constexpr int16_t kV6NextHeader = kIp + 6, kV6Destination = kIp + 24, kV6DestinationPort = kIp + 40 + 2,
                  kV6Minimum = kIp + 40 + 8;

// A few instructions with labels resolved at the end: enough for one straight program.
class Assembler {
 public:
  enum Label { Pass, IPv4, IPv6, Lookup, Redirect, LabelCount };

  void emit(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst & 0xF;
    i.src_reg = src & 0xF;
    i.off = off;
    i.imm = imm;
    code_.push_back(i);
  }
  void movReg(uint8_t dst, uint8_t src) { emit(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0); }
  void movImm(uint8_t dst, int32_t imm) { emit(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm); }
  void addImm(uint8_t dst, int32_t imm) { emit(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm); }
  void andImm(uint8_t dst, int32_t imm) { emit(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm); }
  void load(uint8_t size, uint8_t dst, uint8_t src, int16_t off) { emit(BPF_LDX | size | BPF_MEM, dst, src, off, 0); }
  void store(uint8_t size, uint8_t dst, int16_t off, uint8_t src) { emit(BPF_STX | size | BPF_MEM, dst, src, off, 0); }
  void storeImm(uint8_t size, uint8_t dst, int16_t off, int32_t imm) { emit(BPF_ST | size | BPF_MEM, dst, 0, off, imm); }
  void loadMapFd(uint8_t dst, int fd) {
    emit(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd);
    emit(0, 0, 0, 0, 0);  // the second half of the 64-bit immediate
  }
  void call(int32_t helper) { emit(BPF_JMP | BPF_CALL, 0, 0, 0, helper); }
  void exit() { emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }
  void jumpImm(uint8_t op, uint8_t dst, int32_t imm, Label to) { jump(BPF_JMP | op | BPF_K, dst, 0, imm, to); }
  void jumpReg(uint8_t op, uint8_t dst, uint8_t src, Label to) { jump(BPF_JMP | op | BPF_X, dst, src, 0, to); }
  void jumpTo(Label to) { jump(BPF_JMP | BPF_JA, 0, 0, 0, to); }
  void mark(Label l) { labels_[l] = static_cast<int>(code_.size()); }

  std::vector<bpf_insn> finish() {
    for (const auto& [at, to] : fixups_) code_[at].off = static_cast<int16_t>(labels_[to] - at - 1);
    return std::move(code_);
  }

 private:
  void jump(uint8_t code, uint8_t dst, uint8_t src, int32_t imm, Label to) {
    fixups_.emplace(static_cast<int>(code_.size()), to);
    emit(code, dst, src, 0, imm);
  }
  std::vector<bpf_insn> code_;
  int labels_[LabelCount] = {};
  std::multimap<int, Label> fixups_;
};

std::string errnoText(int err) { return std::strerror(err < 0 ? -err : err); }
}  // namespace

std::vector<bpf_insn> filterInstructions(const FilterSpec& spec, int xsksMapFd, int addressMapFd) {
  using A = Assembler;
  A a;
  const int32_t port = swapped(spec.port);
  // r6: the context; r2, r3: the frame's first and one-past-last byte.
  a.movReg(R6, R1);
  a.load(BPF_W, R2, R6, offsetof(xdp_md, data));
  a.load(BPF_W, R3, R6, offsetof(xdp_md, data_end));
  a.movReg(R4, R2);
  a.addImm(R4, kV4Minimum);
  a.jumpReg(BPF_JGT, R4, R3, A::Pass);  // shorter than the shortest IPv4 UDP frame
  a.load(BPF_H, R5, R2, kEtherType);
  a.jumpImm(BPF_JEQ, R5, swapped(0x0800), A::IPv4);
  a.jumpImm(BPF_JEQ, R5, swapped(0x86DD), A::IPv6);
  a.jumpTo(A::Pass);

  a.mark(A::IPv4);
  if (spec.ipv4 == Take::None) {
    a.jumpTo(A::Pass);
  } else {
    a.load(BPF_B, R5, R2, kV4VersionIhl);
    a.jumpImm(BPF_JNE, R5, 0x45, A::Pass);  // options: the kernel's
    a.load(BPF_B, R5, R2, kV4Protocol);
    a.jumpImm(BPF_JNE, R5, 17, A::Pass);
    a.load(BPF_H, R5, R2, kV4Fragment);
    a.andImm(R5, swapped(0x3FFF));
    a.jumpImm(BPF_JNE, R5, 0, A::Pass);     // fragments: the kernel reassembles them
    a.load(BPF_H, R5, R2, kV4DestinationPort);
    a.jumpImm(BPF_JNE, R5, port, A::Pass);
    if (spec.ipv4 == Take::Any) {
      a.jumpTo(A::Redirect);
    } else {
      // The key: the IPv4-mapped IPv6 form of the destination, on the stack.
      a.storeImm(BPF_DW, FP, -16, 0);
      a.storeImm(BPF_W, FP, -8, static_cast<int32_t>(0xFFFF0000u));  // bytes 00 00 ff ff
      a.load(BPF_W, R5, R2, kV4Destination);
      a.store(BPF_W, FP, -4, R5);
      a.jumpTo(A::Lookup);
    }
  }

  a.mark(A::IPv6);
  if (spec.ipv6 == Take::None) {
    a.jumpTo(A::Pass);
  } else {
    a.movReg(R4, R2);
    a.addImm(R4, kV6Minimum);
    a.jumpReg(BPF_JGT, R4, R3, A::Pass);
    a.load(BPF_B, R5, R2, kV6NextHeader);
    a.jumpImm(BPF_JNE, R5, 17, A::Pass);    // extension headers: the kernel's
    a.load(BPF_H, R5, R2, kV6DestinationPort);
    a.jumpImm(BPF_JNE, R5, port, A::Pass);
    if (spec.ipv6 == Take::Any) {
      a.jumpTo(A::Redirect);
    } else {
      for (int16_t i = 0; i < 16; i += 4) {
        a.load(BPF_W, R5, R2, static_cast<int16_t>(kV6Destination + i));
        a.store(BPF_W, FP, static_cast<int16_t>(-16 + i), R5);
      }
    }
  }

  // Is the destination one of ours? (Only reached through a Listed family.)
  a.mark(A::Lookup);
  if (addressMapFd >= 0) {
    a.movReg(R2, FP);
    a.addImm(R2, -16);
    a.loadMapFd(R1, addressMapFd);
    a.call(BPF_FUNC_map_lookup_elem);
    a.jumpImm(BPF_JEQ, R0, 0, A::Pass);
  }

  a.mark(A::Redirect);
  a.load(BPF_W, R2, R6, offsetof(xdp_md, rx_queue_index));
  a.loadMapFd(R1, xsksMapFd);
  a.movImm(R3, spec.dropWithoutSocket ? XDP_DROP : XDP_PASS);  // the verdict when the queue has no socket
  a.call(BPF_FUNC_redirect_map);
  a.exit();

  a.mark(A::Pass);
  a.movImm(R0, XDP_PASS);
  a.exit();
  return a.finish();
}

bool FilterProgram::load(const FilterSpec& spec, const std::vector<wire::Address>& addresses, unsigned maxQueues,
                         std::string& error) {
  xsksFd_ = bpf_map_create(BPF_MAP_TYPE_XSKMAP, "lodestar_xsks", 4, 4, maxQueues, nullptr);
  if (xsksFd_ < 0) {
    error = "cannot create the XDP socket map: " + errnoText(xsksFd_);
    return false;
  }
  if (spec.ipv4 == Take::Listed || spec.ipv6 == Take::Listed) {
    addressesFd_ = bpf_map_create(BPF_MAP_TYPE_HASH, "lodestar_addrs", 16, 1, 64, nullptr);
    if (addressesFd_ < 0) {
      error = "cannot create the XDP address map: " + errnoText(addressesFd_);
      return false;
    }
    for (const auto& address : addresses) {
      uint8_t key[16] = {};
      if (address.family == wire::Family::IPv4) {
        key[10] = key[11] = 0xFF;
        std::memcpy(key + 12, address.bytes.data(), 4);
      } else {
        std::memcpy(key, address.bytes.data(), 16);
      }
      const uint8_t one = 1;
      if (int rc = bpf_map_update_elem(addressesFd_, key, &one, BPF_ANY); rc < 0) {
        error = "cannot fill the XDP address map: " + errnoText(rc);
        return false;
      }
    }
  }
  const auto code = filterInstructions(spec, xsksFd_, addressesFd_);
  std::vector<char> log(16384, 0);  // the verifier's words, should it refuse the program
  bpf_prog_load_opts opts{};
  opts.sz = sizeof opts;
  opts.log_buf = log.data();
  opts.log_size = static_cast<uint32_t>(log.size());
  opts.log_level = 1;
  programFd_ = bpf_prog_load(BPF_PROG_TYPE_XDP, kName, "Dual MIT/GPL", code.data(), code.size(), &opts);
  if (programFd_ < 0) {
    error = "the kernel refused the XDP program: " + errnoText(programFd_) + (log[0] ? "\n" + std::string(log.data()) : "");
    return false;
  }
  return true;
}

bool FilterProgram::attach(unsigned ifindex, AttachMode mode, std::string& error) {
  const uint32_t modeFlag = mode == AttachMode::Native ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
  uint32_t present = 0;
  bpf_xdp_attach_opts opts{};
  opts.sz = sizeof opts;
  uint32_t flags = modeFlag | XDP_FLAGS_UPDATE_IF_NOEXIST;
  int staleFd = -1;
  if (bpf_xdp_query_id(static_cast<int>(ifindex), 0, &present) == 0 && present != 0) {
    staleFd = bpf_prog_get_fd_by_id(present);
    bpf_prog_info info{};
    uint32_t size = sizeof info;
    if (staleFd < 0 || bpf_obj_get_info_by_fd(staleFd, &info, &size) != 0 || std::strcmp(info.name, kName) != 0) {
      if (staleFd >= 0) close(staleFd);
      error = "the interface already has an XDP program (id " + std::to_string(present) + (staleFd >= 0 ? ", \"" + std::string(info.name) + "\"" : "") +
              "); Lodestar replaces only its own";
      return false;
    }
    flags = modeFlag | XDP_FLAGS_REPLACE;  // ours, left by a process that died
    opts.old_prog_fd = staleFd;
  }
  int rc = bpf_xdp_attach(static_cast<int>(ifindex), programFd_, flags, &opts);
  if (staleFd >= 0) close(staleFd);
  if (rc < 0) {
    error = std::string("the kernel refused to attach the XDP program in ") +
            (mode == AttachMode::Native ? "native" : "generic") + " mode: " + errnoText(rc);
    return false;
  }
  ifindex_ = ifindex;
  attachFlags_ = modeFlag;
  return true;
}

bool FilterProgram::addSocket(uint32_t queue, int xskFd, std::string& error) {
  if (int rc = bpf_map_update_elem(xsksFd_, &queue, &xskFd, BPF_ANY); rc < 0) {
    error = "cannot register the AF_XDP socket of queue " + std::to_string(queue) + ": " + errnoText(rc);
    return false;
  }
  return true;
}

int FilterProgram::testRun(const uint8_t* frame, size_t size, std::string& error) const {
  bpf_test_run_opts opts{};
  opts.sz = sizeof opts;
  opts.data_in = frame;
  opts.data_size_in = static_cast<uint32_t>(size);
  opts.repeat = 1;
  if (int rc = bpf_prog_test_run_opts(programFd_, &opts); rc < 0) {
    error = "test run failed: " + errnoText(rc);
    return -1;
  }
  return static_cast<int>(opts.retval);
}

FilterProgram::~FilterProgram() {
  if (ifindex_) {
    // Detach only if the program there is still this one.
    bpf_xdp_attach_opts opts{};
    opts.sz = sizeof opts;
    opts.old_prog_fd = programFd_;
    bpf_xdp_attach(static_cast<int>(ifindex_), -1, attachFlags_ | XDP_FLAGS_REPLACE, &opts);
  }
  for (int fd : {programFd_, xsksFd_, addressesFd_})
    if (fd >= 0) close(fd);
}

}  // namespace lodestar::xdp
