#include "mailroom/sieve/needs.hpp"

namespace mailroom::sieve {
namespace {

bool header_only(const CompiledTest& test) {
  using Kind = CompiledTest::Kind;
  // RFC 5703 §4: with :mime a header, address or exists test reads the
  // header fields of the MIME parts too, which are in the body.
  if (test.mime) return false;
  switch (test.kind) {
    case Kind::address:
    case Kind::envelope:
    case Kind::header:
    case Kind::exists:
    case Kind::size_over:  // the size comes with the view (RunOptions::message_size)
    case Kind::size_under:
    case Kind::allof:
    case Kind::anyof:
    case Kind::not_:
    case Kind::true_:
    case Kind::false_:
    case Kind::string_:
    case Kind::hasflag:
    case Kind::mailboxexists:
    case Kind::specialuse_exists:  // folders, RFC 8579
    case Kind::environment:        // RunOptions, RFC 5183
    case Kind::date:               // a header field, RFC 5260
    case Kind::currentdate:
    case Kind::spamtest:  // the verdict in RunOptions, RFC 5235
    case Kind::virustest:
    case Kind::ihave:  // decided when compiled, RFC 5463
    case Kind::valid_ext_list:
      break;
    default:  // body, and every kind added after this list
      return false;
  }
  for (const auto& sub : test.tests)
    if (!header_only(sub)) return false;
  return true;
}

bool header_only(const std::vector<CompiledCommand>& commands) {
  using Kind = CompiledCommand::Kind;
  for (const auto& command : commands) {
    switch (command.kind) {
      case Kind::if_:
      case Kind::elsif:
      case Kind::else_:
      case Kind::stop:
      case Kind::keep:
      case Kind::discard:
      case Kind::fileinto:
      case Kind::redirect:
      case Kind::set:
      case Kind::setflag:
      case Kind::addflag:
      case Kind::removeflag:
      case Kind::reject:
      case Kind::ereject:
      case Kind::error:  // RFC 5463 §5
        break;
      default:  // every kind added after this list
        return false;
    }
    if (command.test && !header_only(*command.test)) return false;
    if (!header_only(command.block)) return false;
  }
  return true;
}

}  // namespace

// RFC 5293: an edited message is what is stored, so a script that may edit
// must see all of it, or the stored copy would lose the body.
bool reads_body(const Program& program) { return program.edits || !header_only(program.commands); }

}  // namespace mailroom::sieve
