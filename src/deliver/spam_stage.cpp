// The score stage (spam_stage.hpp).
#include "deliver/spam_stage.hpp"

#include <algorithm>
#include <cerrno>
#include <functional>

#include "mailroom/spam/learn_files.hpp"
#include "mailroom/util/decimal.hpp"
#include "mailroom/util/file.hpp"
#include "mailroom/util/log.hpp"
#include "mailroom/util/passwd.hpp"
#include "mailroom/util/text.hpp"

namespace mailroom::deliver {
namespace {

using Facts = spam::AuthFacts;

constexpr std::size_t kMaxListFile = std::size_t{1} << 20;

Facts::Spf spf_of(auth::SpfCode code) {
  switch (code) {
    case auth::SpfCode::pass:
      return Facts::Spf::pass;
    case auth::SpfCode::fail:
      return Facts::Spf::fail;
    case auth::SpfCode::softfail:
      return Facts::Spf::softfail;
    case auth::SpfCode::neutral:
      return Facts::Spf::neutral;
    case auth::SpfCode::none:
      return Facts::Spf::none;
    default:
      return Facts::Spf::error;
  }
}

Facts::Dmarc dmarc_of(auth::DmarcCode code) {
  switch (code) {
    case auth::DmarcCode::pass:
      return Facts::Dmarc::pass;
    case auth::DmarcCode::fail:
      return Facts::Dmarc::fail;
    case auth::DmarcCode::none:
      return Facts::Dmarc::none;
    default:
      return Facts::Dmarc::error;
  }
}

Facts::Policy policy_of(auth::DmarcPolicy policy) {
  if (policy == auth::DmarcPolicy::reject) return Facts::Policy::reject;
  if (policy == auth::DmarcPolicy::quarantine) return Facts::Policy::quarantine;
  return Facts::Policy::none;
}

// "~/x", "%u" need the user; a path without them is shared by all users.
std::string user_path(const std::string& pattern, const MailUser& user) {
  if (pattern.empty() || (pattern[0] == '~' && user.home.empty())) return {};
  return expand_user_path(pattern, user.home, user.name);
}

struct OpenedStore {
  std::unique_ptr<spam::TokenStore> store;
  std::string note;
};

OpenedStore open_store(const SpamConfig& config, const MailUser& user) {
  const std::string dir = user_path(config.store, user);
  if (dir.empty()) return {nullptr, config.store.empty() ? "spam.store is empty" : "no home"};
  // A Redis store that does not answer within spam.redis_timeout is a
  // note like a broken LMDB store: rules only, never a failed delivery.
  auto store =
      spam::open_store(spam::store_location(dir, config, user.name), spam::StoreMode::read_only);
  if (store) return {std::move(*store), {}};
  if (store.error().kind == ErrorKind::data) return {nullptr, "no token store at " + dir};
  return {nullptr, store.error().message};
}

// A list file that is missing is no list; a broken one is logged and
// ignored (a typo must not bounce mail).
std::optional<spam::SenderLists> user_lists(const SpamConfig& config, const MailUser& user) {
  const std::string path = user_path(config.user_lists, user);
  if (path.empty()) return std::nullopt;
  auto text = read_whole_file(path, kMaxListFile, ErrorKind::config);
  if (!text) {
    if (text.error().sys_errno != ENOENT)
      log::warn("spam lists {} not read: {}", path, text.error().message);
    return std::nullopt;
  }
  auto lists = spam::parse_sender_lists(*text, path);
  if (!lists) {
    log::warn("spam lists ignored: {}", lists.error().message);
    return std::nullopt;
  }
  return std::move(*lists);
}

std::optional<spam::RuleTable> rules_table(const SpamConfig& config) {
  if (config.rules.empty()) return std::nullopt;
  auto table = spam::load_rule_table(config.rules);
  if (!table) {
    log::warn("spam.rules ignored, built-in weights used: {}", table.error().message);
    return std::nullopt;
  }
  return std::move(*table);
}

std::string log_text(const spam::SpamVerdict& v) {
  std::string text = "SCL " + std::to_string(v.scl) + " score=";
  append_fixed(text, v.score, 1);
  // Issue 14: a message put in Junk names what put it there, with weights.
  if (v.scl >= 5) {
    std::string tests;
    for (const auto& hit : v.hits)
      if (hit.weight != 0.0) {
        tests += (tests.empty() ? "" : ",") + hit.name + "=";
        append_fixed(tests, hit.weight, 1);
      }
    text += " tests=" + tests;
  }
  if (!v.note.empty()) text += " (" + v.note + ")";
  return text;
}

bool incoming_spam_field(std::string_view name) {
  return (name.size() > 7 && iequals(name.substr(0, 7), "X-Spam-")) ||
         iequals(name, "X-Mailroom-SCL") || iequals(name, "X-Mailroom-Spam-Score");
}

std::string forged_name(std::string_view name) {
  const std::size_t skip =
      iequals(name.substr(0, std::min<std::size_t>(11, name.size())), "X-Mailroom-") ? 11 : 2;
  return "X-Mailroom-Forged-" + std::string(name.substr(skip));
}

}  // namespace

Facts auth_facts(const auth::AuthResults& results, bool checked) {
  Facts facts;
  facts.checked = checked;
  if (results.spf) {
    facts.spf = spf_of(results.spf->code);
    const auto& identity = results.spf_identity_value;
    facts.spf_domain = ascii_lower(identity.substr(identity.rfind('@') + 1));
  }
  for (const auto& dkim : results.dkim) {
    if (dkim.status == auth::DkimStatus::pass) facts.dkim_pass.push_back(ascii_lower(dkim.domain));
    if (dkim.status == auth::DkimStatus::fail || dkim.status == auth::DkimStatus::policy ||
        dkim.status == auth::DkimStatus::permerror)
      facts.dkim_failed = true;
  }
  facts.dmarc = dmarc_of(results.dmarc.code);
  facts.published = policy_of(results.dmarc.published);
  facts.dmarc_spf_aligned = results.dmarc.spf_aligned;
  facts.dmarc_dkim_aligned = results.dmarc.dkim_aligned;
  if (results.arc.status == auth::ArcChainStatus::pass) facts.arc = Facts::Arc::pass;
  if (results.arc.status == auth::ArcChainStatus::fail) facts.arc = Facts::Arc::fail;
  for (const auto& sealer : results.arc.sealers)
    facts.arc_sealers.push_back(ascii_lower(sealer.domain));
  return facts;
}

SpamStageResult spam_stage(const Config& config, const MailUser& user,
                           const message::Message& message, const auth::AuthResults& auth,
                           const Envelope& envelope) {
  SpamStageResult out;
  const SpamConfig& spam_config = config.spam;
  if (!spam_config.enabled) {
    out.log_text = "off";
    return out;
  }
  OpenedStore store = open_store(spam_config, user);
  const auto table = rules_table(spam_config);
  spam::ScoreInput input{message, auth_facts(auth, config.auth.enabled)};
  input.envelope_sender = envelope.sender.value_or("");
  input.store = store.store.get();
  input.store_note = store.note;
  input.table = table ? &*table : nullptr;
  if (auto lists = user_lists(spam_config, user)) input.lists.push_back(std::move(*lists));
  input.lists.push_back({spam_config.allow, spam_config.block});
  input.trusted_arc_sealers = spam_config.trusted_arc_sealers;
  input.required = spam_config.required_score;
  out.verdict = spam::score_message(input);
  out.fields = spam::verdict_fields(*out.verdict);
  out.score_field =
      "X-Mailroom-Spam-Score: " + std::to_string(std::max(out.verdict->scl, 0)) + "\n";
  out.log_text = log_text(*out.verdict);
  return out;
}

std::vector<std::string_view> hide_incoming_spam_fields(const message::Message& message,
                                                        std::span<const std::string_view> pieces,
                                                        std::string_view keep,
                                                        std::deque<std::string>& names) {
  std::vector<std::string_view> out(pieces.begin(), pieces.end());
  const std::less<const char*> before;
  for (const auto& field : message.headers()) {
    if (!incoming_spam_field(field.name) || (!keep.empty() && iequals(field.name, keep))) continue;
    const char* at = field.name.data();
    for (std::size_t i = 0; i < out.size(); ++i) {
      const std::string_view piece = out[i];
      if (before(at, piece.data()) || !before(at, piece.data() + piece.size())) continue;
      const auto offset = static_cast<std::size_t>(at - piece.data());
      if (offset + field.name.size() > piece.size()) break;
      names.push_back(forged_name(field.name));
      out[i] = piece.substr(0, offset);
      out.insert(out.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                 {names.back(), piece.substr(offset + field.name.size())});
      break;
    }
  }
  return out;
}

}  // namespace mailroom::deliver
