// Fuzz target: any bytes as a request on the control socket, read as the daemon reads it and
// dispatched through a command table with every argument type. The reader never throws; a
// request it accepts reads back the same from the line a client sends for it; a command runs
// only with its arguments of their types, and every request gets exactly one reply.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dns/control/protocol.hpp"
#include "dns/server/control_commands.hpp"

using namespace lodestar;

namespace {

[[noreturn]] void broken(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "%s\nrequest (%zu bytes): %.*s\n", what.c_str(), input.size(), static_cast<int>(input.size()),
               input.data());
  std::abort();
}

const control::ArgumentSpec kSpec = {{"target", control::ArgumentType::String},
                                     {"force", control::ArgumentType::Boolean},
                                     {"limit", control::ArgumentType::Integer},
                                     {"start", control::ArgumentType::Time}};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto request = control::parseRequest(bytes, error);
  if (!request) {
    if (error.empty()) broken("a request was refused without a reason", bytes);
    control::failure(error).dump();  // the reply the daemon sends must be writable
    return 0;
  }
  std::string again = control::requestLine(request->command, request->args);
  auto reread = control::parseRequest(again, error);
  if (!reread || reread->command != request->command || reread->args != request->args)
    broken("a request did not read back the same from " + again, bytes);

  bool ran = false;
  int replies = 0;
  const server::ControlServer::Reply reply = [&](const nlohmann::json& response) {
    ++replies;
    response.dump();  // what the daemon writes back; a string it cannot write would throw here
  };
  const std::vector<server::ControlCommand> table = {
      {request->command, kSpec, [&](const nlohmann::json& args, uid_t, const server::ControlServer::Reply& r) {
         ran = true;
         for (const auto& [name, type] : kSpec) {
           auto value = args.find(name);
           if (value == args.end()) continue;
           bool fits = type == control::ArgumentType::String    ? value->is_string()
                       : type == control::ArgumentType::Boolean ? value->is_boolean()
                                                                : value->is_number_integer();
           if (!fits) broken(std::string("the command ran with argument ") + name + " of the wrong type", bytes);
         }
         r(control::success(args));
       }},
      {"ping", {}, [](const nlohmann::json&, uid_t, const server::ControlServer::Reply& r) { r(control::success({})); }}};
  server::dispatchControl(table, request->command, request->args, 0, reply);
  if (replies != 1) broken("a request got " + std::to_string(replies) + " replies", bytes);
  if (ran != (request->args.is_object() && control::argumentError(request->args, kSpec).empty()))
    broken("a command ran with arguments its spec refuses, or did not run with ones it takes", bytes);
  return 0;
}
