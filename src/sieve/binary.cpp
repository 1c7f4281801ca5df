// Encoding and decoding the compiled form (layout: binary_format.hpp).
// The decoder treats its input as hostile: every length is checked against
// what is left, nesting is bounded, and the Program must be well-formed
// for the interpreter before it is handed out.
#include <link.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mailroom/sieve/binary.hpp"
#include "sieve/binary_format.hpp"

namespace mailroom::sieve {
namespace binary {

std::uint64_t checksum(std::string_view bytes) noexcept {
  constexpr std::uint64_t kMultiplier = 0xff51afd7ed558ccdULL;  // odd: a bijection
  std::uint64_t state = 0x9e3779b97f4a7c15ULL ^ bytes.size();
  auto mix = [&](std::uint64_t word) {
    state = (state ^ word) * kMultiplier;
    state ^= state >> 29;
  };
  auto word_at = [](const char* at) {
    std::uint64_t word = 0;
    std::memcpy(&word, at, 8);
    return word;
  };
  const char* at = bytes.data();
  const char* const end = at + bytes.size();
  // Four words a turn, each mixed in order as one at a time would: the
  // loop's own count and test were half of the 11 instructions a word
  // (17,500 of a delivery's 20-rule script and after-script, callgrind).
  for (; end - at >= 32; at += 32) {
    mix(word_at(at));
    mix(word_at(at + 8));
    mix(word_at(at + 16));
    mix(word_at(at + 24));
  }
  for (; end - at >= 8; at += 8) mix(word_at(at));
  std::uint64_t tail = 0;
  std::memcpy(&tail, at, static_cast<std::size_t>(end - at));
  mix(tail);
  return state;
}

namespace {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void put(bool value) { out_.push_back(value ? '\1' : '\0'); }
  template <std::integral T>
  void put(T value) {
    put_u64(static_cast<std::uint64_t>(value));
  }
  template <class T>
  requires std::is_enum_v<T>
  void put(T value) {
    put_u64(static_cast<std::uint64_t>(static_cast<std::underlying_type_t<T>>(value)));
  }
  void put(const std::string& text) {
    put_u64(text.size());
    out_.append(text);
  }
  template <class T>
  void put(const std::vector<T>& items) {
    put_u64(items.size());
    for (const auto& item : items) put(item);
  }
  template <class T>
  void put(const std::optional<T>& value) {
    put(value.has_value());
    if (value) put(*value);
  }
  // The structure extensions keep their arguments behind a shared pointer
  // (program.hpp): encoded as an optional.
  template <class T>
  void put(const std::shared_ptr<const T>& value) {
    put(value != nullptr);
    if (value) put(*value);
  }
  template <Described T>
  void put(const T& value) {
    std::apply([this](const auto&... member) { (put(member), ...); }, fields(value));
  }
  void put_u64(std::uint64_t value) {
    char bytes[8];
    std::memcpy(bytes, &value, 8);
    out_.append(bytes, 8);
  }

 private:
  std::string& out_;
};

// The fewest bytes an encoded T takes, so that a count read from the form
// can be checked against what is left before anything is allocated for it.
template <class T>
constexpr std::size_t min_size();

template <class Tuple, std::size_t... I>
constexpr std::size_t min_size_of_members(std::index_sequence<I...>) {
  return (min_size<std::remove_cvref_t<std::tuple_element_t<I, Tuple>>>() + ... + 0);
}

template <class T>
constexpr std::size_t min_size() {
  // A bool, or a shared pointer's presence flag: one byte.
  if constexpr (std::is_same_v<T, bool> || requires { typename T::element_type; }) {
    return 1;
  } else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
    return 8;
  } else if constexpr (requires { typename T::value_type; } && !Described<T>) {
    if constexpr (std::is_same_v<T, std::optional<typename T::value_type>>) return 1;
    return 8;  // a string's length, a vector's count
  } else {
    using Members = decltype(fields(std::declval<T&>()));
    return min_size_of_members<Members>(std::make_index_sequence<std::tuple_size_v<Members>>());
  }
}

class Reader {
 public:
  Reader(std::string_view in, std::size_t max_depth) : in_(in), max_depth_(max_depth) {}

  bool get(bool& value) {
    if (in_.empty() || static_cast<unsigned char>(in_[0]) > 1) return false;
    value = in_[0] == '\1';
    in_.remove_prefix(1);
    return true;
  }
  template <std::integral T>
  bool get(T& value) {
    std::uint64_t raw = 0;
    if (!get_u64(raw)) return false;
    if constexpr (std::is_signed_v<T>) {
      auto signed_raw = static_cast<std::int64_t>(raw);
      if (!std::in_range<T>(signed_raw)) return false;
      value = static_cast<T>(signed_raw);
    } else {
      if (!std::in_range<T>(raw)) return false;
      value = static_cast<T>(raw);
    }
    return true;
  }
  template <class T>
  requires std::is_enum_v<T>
  bool get(T& value) {
    std::underlying_type_t<T> raw{};
    if (!get(raw)) return false;
    value = static_cast<T>(raw);
    return true;
  }
  bool get(std::string& text) {
    std::uint64_t size = 0;
    if (!get_u64(size) || size > in_.size()) return false;
    // Made whole and moved in: assign() into the (empty) string went
    // through basic_string::_M_replace, a tenth of decoding a script. Most
    // strings of a form are empty (a test's zone, a command's variable);
    // clear(), not nothing: a member may have a default (Notify::importance).
    if (size == 0)
      text.clear();
    else
      text = std::string(in_.data(), size);
    in_.remove_prefix(size);
    return true;
  }
  template <class T>
  bool get(std::vector<T>& items) {
    std::uint64_t count = 0;
    // A count that what is left cannot hold is a lie, refused before
    // anything is allocated for it.
    if (!get_u64(count) || count > in_.size() / min_size<T>()) return false;
    items.resize(count);
    for (auto& item : items)
      if (!get(item)) return false;
    return true;
  }
  template <class T>
  bool get(std::optional<T>& value) {
    bool present = false;
    if (!get(present)) return false;
    if (!present) return true;
    // emplace(T{}) only where it must be: clang finds a nested struct with
    // default member initialisers not default-constructible
    // (CompiledTest::Duplicate). Elsewhere emplace() builds in place, with
    // no temporary to move from and destroy (a CompiledTest is large).
    if constexpr (std::is_default_constructible_v<T>)
      return get(value.emplace());
    else
      return get(value.emplace(T{}));
  }
  template <class T>
  bool get(std::shared_ptr<const T>& value) {
    bool present = false;
    if (!get(present)) return false;
    if (!present) return true;
    auto decoded = std::make_shared<T>();
    if (!get(*decoded)) return false;
    value = std::move(decoded);
    return true;
  }
  template <Described T>
  bool get(T& value) {
    if (depth_ >= max_depth_) return false;
    ++depth_;
    bool whole =
        std::apply([this](auto&... member) { return (get(member) && ...); }, fields(value));
    --depth_;
    return whole;
  }
  bool get_u64(std::uint64_t& value) {
    if (in_.size() < 8) return false;
    std::memcpy(&value, in_.data(), 8);
    in_.remove_prefix(8);
    return true;
  }
  bool get_bytes(std::string_view& bytes, std::uint64_t size) {
    if (size > in_.size()) return false;
    bytes = in_.substr(0, size);
    in_.remove_prefix(size);
    return true;
  }
  [[nodiscard]] bool at_end() const { return in_.empty(); }

 private:
  std::string_view in_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
};

// What the interpreter takes for granted without checking, because the
// validator guarantees it: a test on if/elsif, one test under not. A form
// that breaks it (made by hand: the checksum catches damage) is refused.
bool well_formed(const CompiledTest& test) {
  if (test.kind == CompiledTest::Kind::not_ && test.tests.size() != 1) return false;
  for (const auto& sub : test.tests)
    if (!well_formed(sub)) return false;
  return true;
}

bool well_formed(const std::vector<CompiledCommand>& commands) {
  using Kind = CompiledCommand::Kind;
  for (const auto& command : commands) {
    bool needs_test = command.kind == Kind::if_ || command.kind == Kind::elsif;
    if (needs_test != command.test.has_value()) return false;
    if (command.test && !well_formed(*command.test)) return false;
    if (!well_formed(command.block)) return false;
  }
  return true;
}

std::string read_build_id() {
  std::string id;
  // The first object dl_iterate_phdr reports is the executable itself.
  ::dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) -> int {
        auto& hex = *static_cast<std::string*>(out);
        for (int i = 0; i < info->dlpi_phnum && hex.empty(); ++i) {
          const auto& segment = info->dlpi_phdr[i];
          if (segment.p_type != PT_NOTE) continue;
          const std::size_t align = segment.p_align > 4 ? segment.p_align : 4;
          auto round = [align](std::size_t n) { return (n + align - 1) / align * align; };
          const char* at = reinterpret_cast<const char*>(info->dlpi_addr + segment.p_vaddr);
          const char* end = at + segment.p_memsz;
          while (at + sizeof(ElfW(Nhdr)) <= end) {
            ElfW(Nhdr) note;
            std::memcpy(&note, at, sizeof note);
            const char* name = at + sizeof note;
            const char* desc = name + round(note.n_namesz);
            if (desc + note.n_descsz > end) break;
            if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
                std::memcmp(name, "GNU", 4) == 0) {
              static constexpr char kHex[] = "0123456789abcdef";
              for (std::size_t b = 0; b < note.n_descsz; ++b) {
                auto byte = static_cast<unsigned char>(desc[b]);
                hex += kHex[byte >> 4];
                hex += kHex[byte & 15];
              }
              break;
            }
            at = desc + round(note.n_descsz);
          }
        }
        return 1;  // the executable only
      },
      &id);
  return id;
}

}  // namespace
}  // namespace binary

std::string_view build_id() noexcept {
  static const std::string id = binary::read_build_id();
  return id;
}

std::string encode_binary(const Program& program, std::string_view source, std::string_view build) {
  std::string payload;
  binary::Writer(payload).put(program);
  std::string out(binary::kMagic);
  out.reserve(out.size() + 4 + 4 + build.size() + 8 + source.size() + 8 + payload.size() + 8);
  std::uint32_t head[2] = {binary::kFormatVersion, static_cast<std::uint32_t>(build.size())};
  out.append(reinterpret_cast<const char*>(head), sizeof head);
  out.append(build);
  binary::Writer writer(out);
  writer.put_u64(source.size());
  out.append(source);
  writer.put_u64(payload.size());
  out.append(payload);
  writer.put_u64(binary::checksum(out));
  return out;
}

tl::expected<Program, std::string> decode_binary(std::string_view bytes, std::string_view source,
                                                 std::string_view build, const Limits& limits) {
  auto unexpected = [](const char* why) { return tl::unexpected(std::string(why)); };
  if (build.empty()) return unexpected("this build has no build id");
  if (bytes.size() < binary::kMagic.size() + 8 + 8 || !bytes.starts_with(binary::kMagic))
    return unexpected("not a compiled Sieve script");
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  std::string_view body = bytes.substr(0, bytes.size() - 8);
  if (stored != binary::checksum(body)) return unexpected("damaged (checksum)");
  std::uint32_t head[2];
  std::memcpy(head, body.data() + binary::kMagic.size(), sizeof head);
  if (head[0] != binary::kFormatVersion) return unexpected("another format version");
  binary::Reader reader(body.substr(binary::kMagic.size() + sizeof head), 4 * limits.max_nesting);
  std::string_view written_by;
  std::string_view written_from;
  std::string_view payload;
  std::uint64_t size = 0;
  if (!reader.get_bytes(written_by, head[1]) || written_by != build)
    return unexpected("written by another build");
  if (!reader.get_u64(size) || !reader.get_bytes(written_from, size))
    return unexpected("damaged (source)");
  if (written_from != source) return unexpected("the script has changed");
  if (!reader.get_u64(size) || !reader.get_bytes(payload, size) || !reader.at_end())
    return unexpected("damaged (length)");
  Program program;
  binary::Reader decoder(payload, 4 * limits.max_nesting);
  if (!decoder.get(program) || !decoder.at_end()) return unexpected("damaged (program)");
  if (!binary::well_formed(program.commands)) return unexpected("not a well-formed program");
  return program;
}

std::string binary_path(std::string_view script) {
  constexpr std::string_view kSuffix = ".sieve";
  if (script.ends_with(kSuffix)) script.remove_suffix(kSuffix.size());
  return std::string(script) + ".mrsvbin";
}

}  // namespace mailroom::sieve
