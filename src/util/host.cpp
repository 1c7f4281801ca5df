#include "mailroom/util/host.hpp"

#include <unistd.h>

#include <array>

namespace mailroom {

const std::string& host_name() {
  static const std::string name = [] {
    std::array<char, 256> buffer{};  // HOST_NAME_MAX is 64 on Linux
    if (::gethostname(buffer.data(), buffer.size() - 1) != 0 || buffer[0] == '\0')
      return std::string("localhost");
    return std::string(buffer.data());
  }();
  return name;
}

std::string host_domain(const std::string& host) {
  auto dot = host.find('.');
  if (dot == std::string::npos || dot + 1 == host.size()) return host;
  return host.substr(dot + 1);
}

}  // namespace mailroom
