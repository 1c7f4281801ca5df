#include "mailroom/util/host.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <string>

namespace mailroom {
namespace {

TEST(HostName, IsTheKernelsNameReadOnce) {
  std::array<char, 256> name{};
  ASSERT_EQ(::gethostname(name.data(), name.size() - 1), 0);
  const std::string expected = name[0] == '\0' ? "localhost" : name.data();
  EXPECT_EQ(host_name(), expected);
  EXPECT_EQ(&host_name(), &host_name());  // one string for the process
}

}  // namespace
}  // namespace mailroom
