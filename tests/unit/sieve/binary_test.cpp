// The compiled form (binary.hpp): a round trip that changes no outcome on
// every differential case, and every way a form must be refused: cut
// short, a bit flipped, another build or format version, another script,
// a hand-made ill-formed Program; then the files: written once and used,
// rewritten when the script changes, never read when a stranger could
// have written it, and compiled without error where it cannot be written.
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mailroom/message/buffer.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/sieve/binary.hpp"
#include "mailroom/sieve/interpret.hpp"
#include "sieve/binary_format.hpp"

namespace mailroom::sieve {
namespace {

const std::string kData = MAILROOM_TEST_DATA "/sieve";
constexpr std::string_view kBuild = "0123abcd";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// "# key: value" in a case's leading comments.
std::string header(const std::string& text, const std::string& key, std::string fallback) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line) && line.starts_with("#");)
    if (line.starts_with("# " + key + ": ")) return line.substr(key.size() + 4);
  return fallback;
}

// Everything an Outcome says, as one text: two runs that differ anywhere
// differ here.
std::string describe(const Outcome& outcome) {
  std::string out;
  for (const auto& a : outcome.actions) {
    out += std::string(to_string(a.kind)) + " target=" + a.target + " reason=" + a.reason +
           " copy=" + std::to_string(a.copy) + " implicit=" + std::to_string(a.implicit) +
           " create=" + std::to_string(a.create) + " line=" + std::to_string(a.position.line) +
           " flags=";
    for (const auto& flag : a.flags) out += flag + ",";
    out += "\n";
  }
  if (outcome.error) out += "error " + outcome.error->message;
  return out;
}

Outcome run_case(const Program& program, const std::string& text) {
  auto raw = read_file(kData + "/messages/" + header(text, "message", "plain.eml"));
  auto message = message::Message::parse(
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::move(raw))));
  std::set<std::string, std::less<>> folders;
  std::istringstream names(header(text, "mailboxes", ""));
  for (std::string name; names >> name;) folders.insert(name);
  RunOptions options;
  options.mailbox_exists = [&](std::string_view name) { return folders.contains(name); };
  Envelope envelope{header(text, "from", "alice@example.org"),
                    header(text, "to", "bob@example.net")};
  return run(program, message, envelope, options);
}

std::vector<std::string> case_files() {
  std::vector<std::string> files;
  DIR* dir = ::opendir((kData + "/cases").c_str());
  EXPECT_NE(dir, nullptr);
  if (dir == nullptr) return files;
  while (const dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name.ends_with(".sieve")) files.push_back(kData + "/cases/" + name);
  }
  ::closedir(dir);
  std::sort(files.begin(), files.end());
  return files;
}

// Every differential case that compiles, decoded from its form, does
// exactly what the compiled Program does: a member the encoder dropped
// would show here for the extension that uses it.
TEST(SieveBinary, RoundTripChangesNoOutcomeOnEveryCase) {
  std::size_t compared = 0;
  for (const auto& file : case_files()) {
    const std::string text = read_file(file);
    auto program = compile(text);
    if (!program) continue;
    const std::string bytes = encode_binary(*program, text, kBuild);
    auto decoded = decode_binary(bytes, text, kBuild);
    ASSERT_TRUE(decoded) << file << ": " << decoded.error();
    EXPECT_EQ(describe(run_case(*decoded, text)), describe(run_case(*program, text))) << file;
    EXPECT_EQ(encode_binary(*decoded, text, kBuild), bytes) << file;
    ++compared;
  }
  EXPECT_GT(compared, 300U);
}

const std::string kScript =
    "require [\"fileinto\", \"variables\", \"imap4flags\"];\n"
    "if header :matches \"subject\" \"*[list]*\" { set \"x\" \"${1}\"; addflag \"\\\\Seen\"; "
    "fileinto \"Lists\"; }\n"
    "elsif not address :domain :is \"from\" \"example.org\" { discard; }\n"
    "else { keep; }\n";

std::string good_form() {
  auto program = compile(kScript);
  EXPECT_TRUE(program);
  return encode_binary(*program, kScript, kBuild);
}

TEST(SieveBinary, EveryTruncationIsRefused) {
  const std::string bytes = good_form();
  ASSERT_TRUE(decode_binary(bytes, kScript, kBuild));
  for (std::size_t size = 0; size < bytes.size(); ++size)
    EXPECT_FALSE(decode_binary(bytes.substr(0, size), kScript, kBuild)) << size;
  EXPECT_FALSE(decode_binary(bytes + '\0', kScript, kBuild));
}

TEST(SieveBinary, EveryFlippedBitIsRefused) {
  const std::string bytes = good_form();
  for (std::size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    std::string damaged = bytes;
    damaged[bit / 8] = static_cast<char>(damaged[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_FALSE(decode_binary(damaged, kScript, kBuild)) << "bit " << bit;
  }
}

// The checksum as binary_format.hpp defines it, a word at a time: the
// unrolled one must give the same value for every length and alignment
// (else every form on disk would read as damaged and be compiled again).
std::uint64_t checksum_a_word_at_a_time(std::string_view bytes) {
  std::uint64_t state = 0x9e3779b97f4a7c15ULL ^ bytes.size();
  auto mix = [&](std::uint64_t word) {
    state = (state ^ word) * 0xff51afd7ed558ccdULL;
    state ^= state >> 29;
  };
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes.data() + i, 8);
    mix(word);
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
  mix(tail);
  return state;
}

TEST(SieveBinary, ChecksumIsTheOneOfTheFormat) {
  std::string bytes;
  std::uint64_t x = 2026;
  for (int i = 0; i < 300; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    bytes += static_cast<char>(x >> 56);
  }
  for (std::size_t offset = 0; offset < 8; ++offset)
    for (std::size_t size = 0; offset + size <= bytes.size(); ++size) {
      std::string_view part = std::string_view(bytes).substr(offset, size);
      ASSERT_EQ(binary::checksum(part), checksum_a_word_at_a_time(part))
          << "offset " << offset << " size " << size;
    }
  const std::string form = good_form();
  EXPECT_EQ(binary::checksum(form), checksum_a_word_at_a_time(form));
}

// A form whose checksum is right (made by hand, or by another version of
// the format) but whose header says otherwise.
std::string resealed(std::string bytes) {
  bytes.resize(bytes.size() - 8);
  std::uint64_t sum = binary::checksum(bytes);
  bytes.append(reinterpret_cast<const char*>(&sum), 8);
  return bytes;
}

TEST(SieveBinary, AnotherVersionOrBuildOrScriptIsRefused) {
  const std::string bytes = good_form();
  auto other_build = decode_binary(bytes, kScript, "0123abce");
  ASSERT_FALSE(other_build);
  EXPECT_EQ(other_build.error(), "written by another build");
  EXPECT_FALSE(decode_binary(bytes, kScript, ""));

  std::string other_version = bytes;
  std::uint32_t version = binary::kFormatVersion + 1;
  std::memcpy(other_version.data() + binary::kMagic.size(), &version, 4);
  auto refused = decode_binary(resealed(other_version), kScript, kBuild);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), "another format version");

  // One byte changed in the script, its size the same.
  std::string edited = kScript;
  edited[edited.find("Lists")] = 'M';
  auto changed = decode_binary(bytes, edited, kBuild);
  ASSERT_FALSE(changed);
  EXPECT_EQ(changed.error(), "the script has changed");
}

TEST(SieveBinary, IllFormedProgramIsRefused) {
  Program no_test;
  no_test.commands.emplace_back().kind = CompiledCommand::Kind::if_;
  EXPECT_FALSE(decode_binary(encode_binary(no_test, "x", kBuild), "x", kBuild));

  Program empty_not;
  auto& command = empty_not.commands.emplace_back();
  command.kind = CompiledCommand::Kind::if_;
  command.test.emplace().kind = CompiledTest::Kind::not_;
  auto refused = decode_binary(encode_binary(empty_not, "x", kBuild), "x", kBuild);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), "not a well-formed program");

  // Nested past any script the parser accepts: refused, not a deep recursion.
  Program deep;
  CompiledTest* at = &deep.commands.emplace_back().test.emplace();
  deep.commands.back().kind = CompiledCommand::Kind::if_;
  for (int i = 0; i < 500; ++i) {
    at->kind = CompiledTest::Kind::not_;
    at = &at->tests.emplace_back();
  }
  EXPECT_FALSE(decode_binary(encode_binary(deep, "x", kBuild), "x", kBuild));
}

// A count that the bytes left could hold only at one byte an element:
// refused before a vector of that size is allocated. The warnings come
// before a command holding 8 MB of text; their count is set to the bytes
// left (what a check against bytes alone lets through: 8 M warnings are
// 450 MB). In a child limited to 256 MB of address space, so that
// allocating them fails instead of taking the machine's memory.
TEST(SieveBinary, ImpossibleCountIsRefusedBeforeAllocating) {
  Program program;
  program.commands.emplace_back().target.assign(std::size_t{8} << 20, 'x');
  std::string bytes = encode_binary(program, "x", kBuild);
  Program empty;
  const std::string empty_bytes = encode_binary(empty, "x", kBuild);
  // In both, the payload starts with: capabilities (count 0), variables,
  // imap4flags (a byte each), then the warnings' count.
  const std::size_t payload_at = empty_bytes.size() - 8 - (8 + 1 + 1 + 8 + 8);
  const std::size_t count_at = payload_at + 8 + 1 + 1;
  std::uint64_t count = 1;
  std::memcpy(&count, bytes.data() + count_at, 8);
  ASSERT_EQ(count, 0U);
  count = bytes.size() - 8 - (count_at + 8);
  std::memcpy(bytes.data() + count_at, &count, 8);
  bytes = resealed(bytes);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    struct rlimit limit {
      std::size_t{256} << 20, std::size_t{256} << 20
    };
    if (::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(10);
    try {
      auto refused = decode_binary(bytes, "x", kBuild);
      ::_exit(!refused && refused.error() == "damaged (program)" ? 0 : 11);
    } catch (const std::bad_alloc&) {
      ::_exit(12);
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "12: the count was believed and allocated";
}

TEST(SieveBinary, FormPathBesideTheScript) {
  EXPECT_EQ(binary_path("/home/bob/.dovecot.sieve"), "/home/bob/.dovecot.mrsvbin");
  EXPECT_EQ(binary_path("/etc/mailroom/after"), "/etc/mailroom/after.mrsvbin");
}

class SieveBinaryFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/tmp/mailroom-binary-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    script_ = dir_ + "/rules.sieve";
    form_ = dir_ + "/rules.mrsvbin";
    write_file(script_, kScript);
  }
  void TearDown() override {
    for (const auto& name : {script_, form_}) ::unlink(name.c_str());
    ::chmod(dir_.c_str(), 0700);
    ::rmdir(dir_.c_str());
  }
  std::string dir_, script_, form_;
};

TEST_F(SieveBinaryFile, WrittenOnceThenUsed) {
  ASSERT_EQ(::chmod(script_.c_str(), 0600), 0);  // a private script gets a private form
  auto first = load_script(script_, {}, kBuild);
  ASSERT_TRUE(first && first->program);
  EXPECT_FALSE(first->from_binary);
  EXPECT_EQ(first->note, "none yet");
  struct stat st {};
  ASSERT_EQ(::stat(form_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  auto second = load_script(script_, {}, kBuild);
  ASSERT_TRUE(second && second->program);
  EXPECT_TRUE(second->from_binary) << second->note;
  EXPECT_EQ(second->note, "");
  // No temporary file is left behind.
  std::size_t entries = 0;
  DIR* dir = ::opendir(dir_.c_str());
  while (const dirent* entry = ::readdir(dir)) entries += entry->d_name[0] != '.';
  ::closedir(dir);
  EXPECT_EQ(entries, 2U);
}

TEST_F(SieveBinaryFile, ScriptChangedSameSizeSameTimeIsRecompiled) {
  ASSERT_TRUE(load_script(script_, {}, kBuild));
  struct stat before {};
  ASSERT_EQ(::stat(script_.c_str(), &before), 0);
  std::string edited = kScript;
  edited[edited.find("Lists")] = 'M';
  write_file(script_, edited);
  // The same size and modification time as the old one: only the text tells.
  const struct timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, script_.c_str(), times, 0), 0);
  auto loaded = load_script(script_, {}, kBuild);
  ASSERT_TRUE(loaded && loaded->program);
  EXPECT_FALSE(loaded->from_binary);
  EXPECT_EQ(loaded->note, "the script has changed");
  EXPECT_EQ(loaded->program->commands[0].block[2].target, "Mists");
  auto again = load_script(script_, {}, kBuild);
  ASSERT_TRUE(again && again->program);
  EXPECT_TRUE(again->from_binary);
  EXPECT_EQ(again->program->commands[0].block[2].target, "Mists");
}

TEST_F(SieveBinaryFile, TruncatedOrForeignFileIsCompiledAndReplaced) {
  ASSERT_TRUE(load_script(script_, {}, kBuild));
  std::string bytes = read_file(form_);
  write_file(form_, bytes.substr(0, bytes.size() / 2));
  auto cut = load_script(script_, {}, kBuild);
  ASSERT_TRUE(cut && cut->program);
  EXPECT_FALSE(cut->from_binary);
  EXPECT_EQ(cut->note, "damaged (checksum)");
  EXPECT_EQ(read_file(form_), bytes);

  // Another build's form (an upgrade): compiled, then this build's written.
  auto upgraded = load_script(script_, {}, "ffff");
  ASSERT_TRUE(upgraded && upgraded->program);
  EXPECT_EQ(upgraded->note, "written by another build");
  EXPECT_TRUE(load_script(script_, {}, "ffff")->from_binary);
}

TEST_F(SieveBinaryFile, WritableByOthersIsNotRead) {
  ASSERT_TRUE(load_script(script_, {}, kBuild));
  ASSERT_EQ(::chmod(form_.c_str(), 0666), 0);
  auto loaded = load_script(script_, {}, kBuild);
  ASSERT_TRUE(loaded && loaded->program);
  EXPECT_FALSE(loaded->from_binary);
  EXPECT_EQ(loaded->note, "not trusted (owner or mode)");
}

TEST_F(SieveBinaryFile, BrokenScriptGetsNoForm) {
  write_file(script_, "if true { fileinto \"x\"; }\n");  // fileinto without require
  auto loaded = load_script(script_, {}, kBuild);
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(loaded->program);
  EXPECT_NE(::access(form_.c_str(), F_OK), 0);
}

TEST_F(SieveBinaryFile, MissingScriptIsAnError) {
  ::unlink(script_.c_str());
  EXPECT_FALSE(load_script(script_, {}, kBuild));
}

// A global script's directory is root-owned: the user's delivery cannot
// write the form there and compiles in memory, without error. As root
// (the tests run as root) the check runs in a child that has become
// nobody, as deliver does before it reads scripts.
TEST_F(SieveBinaryFile, UnwritableDirectoryCompilesInMemory) {
  ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(script_.c_str(), 0644), 0);
  if (::geteuid() != 0) ASSERT_EQ(::chmod(dir_.c_str(), 0555), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(10);
    auto loaded = load_script(script_, {}, kBuild);
    if (!loaded || !loaded->program) ::_exit(11);
    if (loaded->from_binary) ::_exit(12);
    if (loaded->note != "none yet; not written: Permission denied") ::_exit(13);
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(::access(form_.c_str(), F_OK), 0);
}

}  // namespace
}  // namespace mailroom::sieve
