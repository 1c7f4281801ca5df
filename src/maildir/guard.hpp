// Module edge: nothing thrown (std::bad_alloc is the only candidate here)
// may cross into the delivery pipeline; it becomes ErrorKind::internal,
// which the pipeline maps to a temporary failure.
#pragma once

#include <exception>
#include <string>

#include "mailroom/util/result.hpp"

namespace mailroom::maildir::detail {

template <class F>
auto guarded(const char* what, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return fail(ErrorKind::internal, std::string(what) + ": " + e.what());
  } catch (...) {
    return fail(ErrorKind::internal, std::string(what) + ": unknown exception");
  }
}

}  // namespace mailroom::maildir::detail
