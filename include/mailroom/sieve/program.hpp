// The compiled form of a Sieve script: the syntax tree checked by the
// validator, with every tag resolved into a field, so the interpreter
// never looks at argument shapes again.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mailroom/sieve/action.hpp"
#include "mailroom/sieve/diagnostic.hpp"

namespace mailroom::sieve {

// RFC 5228 §2.7.1, RFC 5231; regex (draft-murchison-sieve-regex), list (RFC 6134)
enum class MatchType { is, contains, matches, count, value, regex, list };
enum class Relation { gt, ge, lt, le, eq, ne };  // RFC 5231 §4
// RFC 4790 §9; RFC 5051 i;unicode-casemap
enum class Comparator { octet, ascii_casemap, ascii_numeric, unicode_casemap };
enum class AddressPart { all, localpart, domain, user, detail };  // RFC 5228 §2.7.4, RFC 5233
enum class BodyTransform { raw, content, text };                  // RFC 5173 §5

// RFC 5703 §4: the :mime options of header, address and exists.
struct MimeOptions {
  bool anychild = false;  // the current part and every part below it
  enum class Part { whole, type, subtype, contenttype, param };
  Part part = Part::whole;          // header: what of the value is compared
  std::vector<std::string> params;  // :param: the parameter names
};

struct CompiledTest {
  enum class Kind {
    address,
    envelope,
    header,
    exists,
    size_over,
    size_under,
    allof,
    anyof,
    not_,
    true_,
    false_,
    string_,                   // RFC 5229 §5
    hasflag,                   // RFC 5232 §4: names are the variables (none: the internal one)
    mailboxexists,             // RFC 5490 §3.1: names are the mailboxes
    body,                      // RFC 5173: names are the :content types
    duplicate,                 // RFC 7352: the arguments in `duplicate`
    valid_notify_method,       // RFC 5435 §5: keys are the URIs
    notify_method_capability,  // RFC 5435 §6: names = {uri, capability}
    specialuse_exists,         // RFC 8579 §3: names: [mailbox]; keys: the attributes
    environment,               // RFC 5183: names is the one item
    date,                      // RFC 5260 §4: names is the header, date_part the part
    currentdate,               // RFC 5260 §5
    spamtest,                  // RFC 5235 §3.2 (and spamtestplus :percent)
    virustest,                 // RFC 5235 §3.3
    ihave,                     // RFC 5463 §4: names are the capabilities; decided when compiled
    valid_ext_list             // RFC 6134 §2.5: names are the lists
  };
  Kind kind = Kind::true_;
  std::string name;  // as written, lower case: what a trace shows (trace.hpp)
  Position position;
  MatchType match = MatchType::is;
  Relation relation = Relation::eq;                   // :count and :value
  Comparator comparator = Comparator::ascii_casemap;  // §2.7.3: the default
  AddressPart part = AddressPart::all;                // §2.7.4: the default
  std::vector<std::string> names;  // header names, or envelope parts ("from", "to")
  std::vector<std::string> keys;
  std::uint64_t size = 0;                         // size :over / :under
  BodyTransform transform = BodyTransform::text;  // body (RFC 5173 §5)
  std::vector<CompiledTest> tests;                // allof, anyof, not
  // RFC 5229 §3: a name or key holds "${", so it is expanded when run.
  bool expands = false;
  struct Duplicate {  // RFC 7352 §3
    std::string handle;
    std::string header;    // :header, "" = Message-ID
    std::string uniqueid;  // :uniqueid
    bool has_uniqueid = false;
    std::uint64_t seconds = 0;  // 0 = the default
    bool last = false;
  };
  std::optional<Duplicate> duplicate;
  bool has_mailbox = false;                 // specialuse_exists: names[0] is the mailbox
  std::shared_ptr<const MimeOptions> mime;  // RFC 5703 :mime (mime.cpp)
  // RFC 5260 §6 :index: the Nth field of the name (1 the first, 0 every
  // field); :last counts from the bottom.
  std::uint64_t index = 0;
  bool last = false;
  // RFC 5260 §4: date and currentdate. `zone` "+hhmm" of :zone, "" for the
  // local zone; :originalzone keeps the field's own zone.
  std::string date_part;
  std::string zone;
  bool original_zone = false;
  bool percent = false;  // spamtestplus :percent (RFC 5235 §3.2)
};

// The arguments of the structure extensions (include.cpp, editheader.cpp,
// special_use.cpp), apart from the common fields, so that each adds no
// field of its own to CompiledCommand.
struct StructureArgs {
  // include (RFC 6609 §3.2): the script's name; addheader / deleteheader
  // (RFC 5293): the field name.
  std::string name;
  std::string value;                  // addheader: the field's value
  std::vector<std::string> names;     // global (RFC 6609 §3.3): the variables
  bool global = false;                // include :global (else :personal)
  bool once = false;                  // include :once
  bool optional = false;              // include :optional
  bool last = false;                  // addheader :last; deleteheader :index N :last
  std::uint64_t index = 0;            // deleteheader :index N (fields count from 1, RFC 5293 §5)
  bool indexed = false;               // :index given
  std::optional<CompiledTest> match;  // deleteheader: comparator, match type, value patterns
  std::string special_use;            // fileinto :specialuse (RFC 8579 §4)
  bool expands = false;               // name, value or special_use holds "${"
};

// RFC 5229 §4 modifiers of set, one bit each; applied by precedence
// (§4.1: 40 :lower/:upper, 30 :lowerfirst/:upperfirst, 20
// :quotewildcard, 10 :length), highest first.
enum SetModifier : unsigned {
  set_lower = 1U << 0,
  set_upper = 1U << 1,
  set_lowerfirst = 1U << 2,
  set_upperfirst = 1U << 3,
  set_quotewildcard = 1U << 4,
  set_length = 1U << 5,
  set_quoteregex = 1U << 6,  // regex draft §3.2: precedence 20, as :quotewildcard
};

struct CompiledCommand {
  enum class Kind {
    if_,
    elsif,
    else_,
    stop,
    keep,
    discard,
    fileinto,
    redirect,
    set,
    setflag,  // RFC 5232 §3
    addflag,
    removeflag,
    reject,        // RFC 5429 §2.2; target: the reason
    ereject,       // RFC 5429 §2.1
    vacation,      // RFC 5230; target: the reason; the rest in `send`
    notify,        // RFC 5435; target: the method URI; the rest in `send`
    include,       // RFC 6609 §3.2; the rest: structure
    return_,       // RFC 6609 §3.4
    global,        // RFC 6609 §3.3
    addheader,     // RFC 5293 §4
    deleteheader,  // RFC 5293 §5
    foreverypart,  // RFC 5703 §3: structure->name is :name; the block
    break_,        // RFC 5703 §3.2: structure->name is :name
    extracttext,   // RFC 5703 §7: variable, modifiers; structure->index is :first
    error          // RFC 5463 §5; target: the message
  };
  Kind kind = Kind::keep;
  std::string name;  // as written, lower case: what a trace shows (trace.hpp)
  Position position;
  std::string target;                // fileinto: the folder; redirect: the address; set: the value
  std::string variable;              // set, *flag: the variable's name, lower-cased (RFC 5229 §3);
                                     // *flag: "" is imap4flags' internal variable
  std::vector<std::string> flags;    // *flag: the flags; keep/fileinto: the :flags argument
  bool has_flags = false;            // keep/fileinto :flags given (RFC 5232 §5)
  unsigned modifiers = 0;            // set: SetModifier bits
  bool expands = false;              // target holds "${" (RFC 5229 §3)
  bool copy = false;                 // RFC 3894 :copy
  bool create = false;               // fileinto :create (RFC 5490 §3.2)
  bool list = false;                 // redirect :list (RFC 6134 §2.7): target names a list
  std::optional<CompiledTest> test;  // if, elsif
  std::vector<CompiledCommand> block;
  // vacation and notify: their tagged arguments, as the action will carry
  // them (strings still to expand when `expands`); :fcc in `fcc`.
  struct Send {
    std::optional<Vacation> vacation;
    std::optional<Notify> notify;
    std::optional<Fcc> fcc;
    bool default_handle = false;  // vacation without :handle: built when run (RFC 5230 §4.2)
  };
  // Behind a pointer, as `structure`: few commands send, and inline it
  // made every CompiledCommand 1 KB (a 20-rule script's Program was 16
  // heap pages to fault in, fill and free on every delivery).
  std::shared_ptr<const Send> send;
  std::shared_ptr<const StructureArgs> structure;  // include, editheader, :specialuse
};

struct Program {
  std::vector<std::string> capabilities;  // as required
  bool variables = false;                 // require "variables" (RFC 5229)
  bool imap4flags = false;                // require "imap4flags" (RFC 5232)
  bool edits = false;  // require "editheader" or "include": the message may change (RFC 5293)
  std::vector<Diagnostic> warnings;  // the script runs; `sieve check` shows them
  std::vector<CompiledCommand> commands;
};

}  // namespace mailroom::sieve
