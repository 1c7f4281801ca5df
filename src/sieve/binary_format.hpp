// The layout of the compiled form (binary.hpp), and the one list of the
// compiled structures' members that the encoder and the decoder share.
//
//   magic "mrsvbin\n" | u32 format version | u32 n, build id (n bytes)
//   | u64 n, the script's source (n bytes) | u64 n, the Program (n bytes)
//   | u64 checksum of everything before it
//
// Integers are 8 bytes in host order (a form is only read by the build that
// wrote it); a string is its length then its bytes; a vector its count
// then its elements; an optional a flag byte then the value; a struct its
// members in declaration order, as fields() lists them.
//
// Version rule: bump kFormatVersion whenever what is written changes (a
// member added, removed or retyped in Program, CompiledCommand (and its
// Send), CompiledTest (and its Duplicate), MimeOptions, StructureArgs,
// Vacation, Notify, Fcc,
// Diagnostic or Position; an encoding rule above). The build
// id already refuses forms from any other build, so the version is the
// second lock, for builds that reproduce the same id and for the reader of
// this file.
#pragma once

#include <cstdint>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "mailroom/sieve/action.hpp"
#include "mailroom/sieve/diagnostic.hpp"
#include "mailroom/sieve/program.hpp"

namespace mailroom::sieve::binary {

inline constexpr std::string_view kMagic = "mrsvbin\n";
// 2: name, duplicate, send; 3: has_mailbox, mime, structure, edits;
// 4: index, last, date_part, zone, original_zone, percent, list;
// 5: Fcc::special_use
inline constexpr std::uint32_t kFormatVersion = 5;

// Detects a torn or damaged file, not a forgery (the user may write their
// own script anyway). Each 8-byte step is a bijection of the state, so any
// change within one word always changes the result.
[[nodiscard]] std::uint64_t checksum(std::string_view bytes) noexcept;

template <class T, class U>
concept Is = std::is_same_v<std::remove_const_t<T>, U>;

// Every data member, in declaration order, as references. The structured
// binding must name each member: a member added to one of these structs
// and not named here stops the build ("N names provided ... decomposes
// into M elements"), so none is ever silently left out of the form. When
// that happens: add a name at the member's place (the position is what
// counts), make sure its type is one the encoder knows (binary.cpp), and
// bump kFormatVersion.
template <Is<Position> T>
auto fields(T& p) {
  auto& [line, column] = p;
  return std::tie(line, column);
}

template <Is<Diagnostic> T>
auto fields(T& d) {
  auto& [kind, message, position] = d;
  return std::tie(kind, message, position);
}

template <Is<Fcc> T>
auto fields(T& f) {
  auto& [folder, flags, create, special_use] = f;
  return std::tie(folder, flags, create, special_use);
}

template <Is<Vacation> T>
auto fields(T& v) {
  auto& [subject, from, addresses, handle, seconds, mime] = v;
  return std::tie(subject, from, addresses, handle, seconds, mime);
}

template <Is<Notify> T>
auto fields(T& n) {
  auto& [from, importance, options, message] = n;
  return std::tie(from, importance, options, message);
}

template <Is<CompiledTest::Duplicate> T>
auto fields(T& d) {
  auto& [handle, header, uniqueid, has_uniqueid, seconds, last] = d;
  return std::tie(handle, header, uniqueid, has_uniqueid, seconds, last);
}

template <Is<MimeOptions> T>
auto fields(T& m) {
  auto& [anychild, part, params] = m;
  return std::tie(anychild, part, params);
}

template <Is<CompiledTest> T>
auto fields(T& t) {
  auto& [kind, name, position, match, relation, comparator, part, names, keys, size, transform,
         tests, expands, duplicate, has_mailbox, mime, index, last, date_part, zone, original_zone,
         percent] = t;
  return std::tie(kind, name, position, match, relation, comparator, part, names, keys, size,
                  transform, tests, expands, duplicate, has_mailbox, mime, index, last, date_part,
                  zone, original_zone, percent);
}

template <Is<StructureArgs> T>
auto fields(T& a) {
  auto& [name, value, names, global, once, optional, last, index, indexed, match, special_use,
         expands] = a;
  return std::tie(name, value, names, global, once, optional, last, index, indexed, match,
                  special_use, expands);
}

template <Is<CompiledCommand::Send> T>
auto fields(T& s) {
  auto& [vacation, notify, fcc, default_handle] = s;
  return std::tie(vacation, notify, fcc, default_handle);
}

template <Is<CompiledCommand> T>
auto fields(T& c) {
  auto& [kind, name, position, target, variable, flags, has_flags, modifiers, expands, copy, create,
         list, test, block, send, structure] = c;
  return std::tie(kind, name, position, target, variable, flags, has_flags, modifiers, expands,
                  copy, create, list, test, block, send, structure);
}

template <Is<Program> T>
auto fields(T& p) {
  auto& [capabilities, variables, imap4flags, edits, warnings, commands] = p;
  return std::tie(capabilities, variables, imap4flags, edits, warnings, commands);
}

template <class T>
concept Described = requires(T& t) {
  fields(t);
};

}  // namespace mailroom::sieve::binary
