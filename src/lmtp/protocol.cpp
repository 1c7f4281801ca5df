#include "lmtp/protocol.hpp"

#include <algorithm>

namespace mailroom::lmtp {
namespace {

// RFC 6531 §3.4: a non-ASCII address needs SMTPUTF8 in MAIL FROM.
bool is_ascii(std::string_view text) {
  for (unsigned char c : text)
    if (c > 0x7e) return false;
  return true;
}

}  // namespace

std::string render(const Reply& reply) {
  std::string out = std::to_string(reply.code);
  out += ' ';
  if (!reply.status.empty()) {
    out += reply.status;
    out += ' ';
  }
  // A reply is one line whatever a reason carried (a Sieve reject text).
  for (char c : reply.text) out += (c == '\r' || c == '\n') ? ' ' : c;
  out += "\r\n";
  return out;
}

Protocol::Protocol(Limits limits, std::string host, RecipientCheck check)
    : limits_(limits), host_(std::move(host)), check_(std::move(check)) {}

std::string Protocol::greeting() const { return render({220, "", host_ + " LMTP mailroom ready"}); }

void Protocol::feed(std::string_view bytes) { pending_.append(bytes); }

Protocol::Output Protocol::run() {
  Output out;
  std::size_t at = 0;
  while (!awaiting_ && !closed_ && at < pending_.size()) {
    if (data_ == Data::off) {
      if (!take_line(at, out)) break;
      continue;
    }
    if (!take_data(at)) break;
    data_ = Data::off;
    if (too_large_) {
      // RFC 1870 §6.2 and RFC 2033 §4.2: the refusal, once per recipient.
      for (std::size_t i = 0; i < transaction_->recipients.size(); ++i)
        out.replies += render({552, "5.3.4", "message too large"});
      out.too_large += transaction_->recipients.size();
      end_transaction();
      continue;
    }
    out.message = std::move(transaction_);
    transaction_.reset();
    awaiting_ = true;
  }
  pending_.erase(0, at);
  out.close = closed_;
  return out;
}

std::string Protocol::finish(std::span<const Reply> replies) {
  std::string out;
  for (const auto& reply : replies) out += render(reply);
  awaiting_ = false;
  end_transaction();
  return out;
}

void Protocol::end_transaction() {
  transaction_.reset();
  too_large_ = false;
  // XFORWARD_README: the attributes hold for one transaction.
  forwarded_ = {};
}

// One command line from pending_ at `at`; false when it is not complete.
// An over-long line is dropped up to its end and answered once; memory
// stays bounded by max_line.
bool Protocol::take_line(std::size_t& at, Output& out) {
  const std::size_t lf = pending_.find('\n', at);
  if (lf == std::string::npos) {
    if (skipping_ || pending_.size() - at > limits_.max_line + 1) {
      skipping_ = true;
      at = pending_.size();
    }
    return false;
  }
  std::string_view line = std::string_view(pending_).substr(at, lf - at);
  at = lf + 1;
  if (skipping_) {
    skipping_ = false;
    error(500, "5.5.2", "line too long", out);
    return true;
  }
  // RFC 5321 §2.3.8: lines end in CRLF; a bare LF is refused, so that no
  // two readers of the stream can disagree on where a command ends.
  if (line.empty() || line.back() != '\r') {
    error(500, "5.5.2", "line must end in CRLF, not a bare LF", out);
    return true;
  }
  line.remove_suffix(1);
  if (line.size() > limits_.max_line) {
    error(500, "5.5.2", "line too long", out);
    return true;
  }
  command_line(line, out);
  return true;
}

void Protocol::command_line(std::string_view line, Output& out) {
  auto parsed = parse_command(line);
  if (parsed.error) {
    error(parsed.error->code, parsed.error->status, parsed.error->text, out);
    return;
  }
  if (shutting_down_ && !transaction_) {
    out.replies += render({421, "4.3.2", host_ + " shutting down, try again later"});
    closed_ = true;
    return;
  }
  command(*parsed.command, out);
}

void Protocol::error(int code, std::string_view status, std::string_view text, Output& out) {
  out.replies += render({code, std::string(status), std::string(text)});
  if (++errors_ < limits_.max_errors) return;
  out.replies += render({421, "4.7.0", host_ + " too many errors, closing connection"});
  closed_ = true;
}

void Protocol::command(Command& command, Output& out) {
  switch (command.verb) {
    case Verb::lhlo:
      return lhlo(command, out);
    case Verb::mail:
      return mail(command, out);
    case Verb::rcpt:
      return rcpt(command, out);
    case Verb::data:
      return data(out);
    case Verb::xforward:
      return xforward(command, out);
    case Verb::rset:
      end_transaction();
      out.replies += render({250, "2.0.0", "OK"});
      return;
    case Verb::noop:
      out.replies += render({250, "2.0.0", "OK"});
      return;
    case Verb::vrfy:
      out.replies += render({252, "2.5.0", "cannot VRFY user, but will accept message"});
      return;
    case Verb::quit:
      out.replies += render({221, "2.0.0", host_ + " closing connection"});
      closed_ = true;
      return;
    case Verb::helo:  // RFC 2033 §4.1: LHLO replaces HELO and EHLO
      return error(500, "5.5.1", "this is LMTP: use LHLO", out);
    case Verb::unknown:
      return error(500, "5.5.2", "command not recognized", out);
  }
}

void Protocol::lhlo(const Command& /*command*/, Output& out) {
  end_transaction();
  greeted_ = true;
  out.replies += "250-" + host_ + "\r\n";
  out.replies += "250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n";
  out.replies += "250-XFORWARD NAME ADDR PROTO HELO\r\n";
  out.replies += "250 SIZE " + std::to_string(limits_.max_message_size) + "\r\n";
}

void Protocol::mail(Command& command, Output& out) {
  if (!greeted_) return error(503, "5.5.1", "send LHLO first", out);
  if (transaction_) return error(503, "5.5.1", "nested MAIL command", out);
  const auto& parameters = command.parameters;
  if (parameters.size && *parameters.size > limits_.max_message_size) {
    out.replies +=
        render({552, "5.3.4",
                "message size exceeds the limit of " + std::to_string(limits_.max_message_size)});
    return;
  }
  if (!parameters.smtputf8 && !is_ascii(command.argument))
    return error(553, "5.6.7", "non-ASCII address needs SMTPUTF8", out);
  transaction_.emplace();
  transaction_->sender = std::move(command.argument);
  transaction_->parameters = parameters;
  transaction_->client = forwarded_;
  out.replies += render({250, "2.1.0", "OK"});
}

void Protocol::rcpt(Command& command, Output& out) {
  if (!transaction_) return error(503, "5.5.1", "send MAIL first", out);
  if (!transaction_->parameters.smtputf8 && !is_ascii(command.argument))
    return error(553, "5.6.7", "non-ASCII address needs SMTPUTF8", out);
  // RFC 5321 §4.5.3.1.10: 452 tells the client to send the rest later.
  if (transaction_->recipients.size() >= limits_.max_recipients) {
    out.replies += render({452, "4.5.3", "too many recipients"});
    return;
  }
  Recipient recipient;
  recipient.address = command.argument;
  recipient.original = command.parameters.original_recipient.value_or(command.argument);
  if (auto refused = check_(recipient.address, recipient.user)) {
    out.replies += render(*refused);
    return;
  }
  transaction_->recipients.push_back(std::move(recipient));
  out.replies += render({250, "2.1.5", "OK"});
}

void Protocol::data(Output& out) {
  if (!transaction_) return error(503, "5.5.1", "send MAIL first", out);
  // RFC 2033 §4.2: no accepted recipient, no message.
  if (transaction_->recipients.empty()) {
    out.replies += render({554, "5.5.1", "no valid recipients"});
    return;
  }
  out.replies += render({354, "", "start mail input; end with <CRLF>.<CRLF>"});
  data_ = Data::line_start;
}

void Protocol::xforward(const Command& command, Output& out) {
  if (!greeted_) return error(503, "5.5.1", "send LHLO first", out);
  if (transaction_) return error(503, "5.5.1", "XFORWARD not allowed in a transaction", out);
  const auto& given = command.forwarded;
  if (!given.addr.empty()) forwarded_.addr = given.addr;
  if (!given.helo.empty()) forwarded_.helo = given.helo;
  if (!given.name.empty()) forwarded_.name = given.name;
  if (!given.proto.empty()) forwarded_.proto = given.proto;
  out.replies += render({250, "2.0.0", "OK"});
}

void Protocol::emit(std::string_view bytes, bool line_end) {
  if (too_large_) return;
  auto& data = transaction_->data;
  if (data.size() + bytes.size() + (line_end ? 1 : 0) > limits_.max_message_size) {
    too_large_ = true;  // read on to the end, keep nothing more
    data.clear();
    data.shrink_to_fit();
    return;
  }
  if (data.empty()) {
    // Room for what has arrived already (all of a small message, in one
    // read): one allocation instead of a string doubled again and again.
    data.reserve(std::min(limits_.max_message_size, pending_.size()));
  }
  data.append(bytes);
  if (line_end) data.push_back('\n');
}

// RFC 5321 §4.5.2: a line starting with "." lost its first dot; CRLF "."
// CRLF ends the message. Only a "." after a CRLF ends it: a bare LF
// followed by "." CRLF is message text (the SMTP smuggling of 2023 relies
// on readers that disagree there). Each CRLF is stored as LF.
bool Protocol::take_data(std::size_t& at) {
  while (at < pending_.size()) {
    const char c = pending_[at];
    switch (data_) {
      case Data::line_start:
        if (c == '.') {
          ++at;
          data_ = Data::dot;
          continue;
        }
        data_ = Data::body;  // `c` starts the body's next run
        continue;
      case Data::dot:
        ++at;
        if (c == '\r') {
          data_ = Data::dot_cr;
          continue;
        }
        break;  // the leading dot is dropped
      case Data::dot_cr:
        ++at;
        if (c == '\n') return true;
        emit("\r");
        break;
      case Data::cr:
        ++at;
        if (c == '\n') {
          emit("\n");
          data_ = Data::line_start;
          continue;
        }
        emit("\r");
        break;
      case Data::body: {
        // The run up to the next CR goes in one piece; with the LF after
        // it in the buffer, as one line ending in LF.
        const std::size_t cr = pending_.find('\r', at);
        const std::size_t end = cr == std::string::npos ? pending_.size() : cr;
        const std::string_view run = std::string_view(pending_).substr(at, end - at);
        if (end + 1 < pending_.size() && pending_[end + 1] == '\n') {
          emit(run, true);
          at = end + 2;
          data_ = Data::line_start;
          continue;
        }
        emit(run);
        at = end;
        if (cr != std::string::npos) {
          ++at;
          data_ = Data::cr;
        }
        continue;
      }
      case Data::off:
        return false;
    }
    // `c` was taken and is ordinary text of the line.
    data_ = Data::body;
    if (c == '\r') {
      data_ = Data::cr;
    } else {
      emit({&c, 1});
    }
  }
  return false;
}

}  // namespace mailroom::lmtp
