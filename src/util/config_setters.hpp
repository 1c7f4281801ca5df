// Typed accessors that bind one TOML key to one field of Config. Private to
// src/util/config.cpp; kept apart so that the key table reads as a table.
//
// Each accessor is a pair of plain function pointers made at compile time
// from the field's member pointers (template arguments), so the key table
// is constant data: `deliver` starts once per message, and the table of
// std::function it used to build at every start cost two pages of .bss
// and its instructions (issue 14).
#pragma once

#include <toml++/toml.h>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "mailroom/util/config.hpp"

namespace mailroom::config_setters {

// set() returns "" on success, else what is wrong with the value.
struct Accessor {
  std::string (*set)(Config&, const toml::node&);
  std::string (*get)(const Config&);
};

std::string quote(const std::string& text);
std::string format_size(std::uint64_t bytes);
std::string format_duration(std::chrono::seconds seconds);

// A size or duration may be written as a number or as a string with a unit.
template <class Section, class Value, class Parse>
std::string set_with_unit(Section& section, Value Section::*field, const toml::node& node,
                          Parse parse) {
  if (auto number = node.value<std::int64_t>()) {
    if (*number < 0) return "must not be negative";
    auto parsed = parse(std::to_string(*number));
    if (!parsed) return parsed.error().message;
    section.*field = *parsed;
    return {};
  }
  auto text = node.value<std::string>();
  if (!text) return "expected a number or a string such as \"100M\" or \"5m\"";
  auto parsed = parse(*text);
  if (!parsed) return parsed.error().message;
  section.*field = *parsed;
  return {};
}

// The field a setter binds: Section is a member pointer of Config, Field
// one of that section's type.
template <auto Section, auto Field>
auto& field_of(Config& c) {
  return (c.*Section).*Field;
}
template <auto Section, auto Field>
const auto& field_of(const Config& c) {
  return (c.*Section).*Field;
}

template <auto Section, auto Field>
constexpr Accessor size_setter() {
  return {[](Config& c, const toml::node& n) {
            return set_with_unit(c.*Section, Field, n, parse_size);
          },
          [](const Config& c) { return quote(format_size(field_of<Section, Field>(c))); }};
}

template <auto Section, auto Field>
constexpr Accessor duration_setter() {
  return {[](Config& c, const toml::node& n) {
            return set_with_unit(c.*Section, Field, n, parse_duration);
          },
          [](const Config& c) { return quote(format_duration(field_of<Section, Field>(c))); }};
}

template <auto Section, auto Field>
constexpr Accessor millis_setter() {
  return {[](Config& c, const toml::node& n) {
            return set_with_unit(c.*Section, Field, n, parse_duration_ms);
          },
          [](const Config& c) {
            auto ms = field_of<Section, Field>(c).count();
            if (ms % 1000 != 0) return quote(std::to_string(ms) + "ms");
            return quote(format_duration(std::chrono::seconds(ms / 1000)));
          }};
}

// A number (integer or float) above 0.
template <auto Section, auto Field>
constexpr Accessor number_setter() {
  return {[](Config& c, const toml::node& n) -> std::string {
            auto value = n.value<double>();
            if (!value || !(*value > 0.0)) return "expected a number above 0";
            field_of<Section, Field>(c) = *value;
            return {};
          },
          [](const Config& c) {
            std::string text = std::to_string(field_of<Section, Field>(c));
            while (text.size() > 1 && text.back() == '0' && text[text.size() - 2] != '.')
              text.pop_back();
            return text;
          }};
}

template <auto Section, auto Field>
constexpr Accessor bool_setter() {
  return {[](Config& c, const toml::node& n) -> std::string {
            auto value = n.value<bool>();
            if (!value) return "expected true or false";
            field_of<Section, Field>(c) = *value;
            return {};
          },
          [](const Config& c) -> std::string {
            return field_of<Section, Field>(c) ? "true" : "false";
          }};
}

template <auto Section, auto Field>
constexpr Accessor string_setter() {
  return {[](Config& c, const toml::node& n) -> std::string {
            auto value = n.value<std::string>();
            if (!value) return "expected a string";
            field_of<Section, Field>(c) = *value;
            return {};
          },
          [](const Config& c) { return quote(field_of<Section, Field>(c)); }};
}

template <auto Section, auto Field>
constexpr Accessor char_setter() {
  return {[](Config& c, const toml::node& n) -> std::string {
            auto value = n.value<std::string>();
            if (!value || value->size() != 1) return "expected a string of one character";
            field_of<Section, Field>(c) = (*value)[0];
            return {};
          },
          [](const Config& c) { return quote(std::string(1, field_of<Section, Field>(c))); }};
}

// One of the words in `Allowed` (a constant array of string_view).
template <auto Section, auto Field, const auto& Allowed>
constexpr Accessor one_of_setter() {
  return {[](Config& c, const toml::node& n) -> std::string {
            auto value = n.value<std::string>();
            std::string list;
            for (std::string_view choice : Allowed) {
              if (value && *value == choice) {
                field_of<Section, Field>(c) = *value;
                return {};
              }
              list.append(list.empty() ? "" : ", ").append(choice);
            }
            return "expected one of: " + list;
          },
          [](const Config& c) { return quote(field_of<Section, Field>(c)); }};
}

// A list of strings: a TOML array of strings, or (for -o) one string whose
// items are separated by commas or spaces.
template <auto Section, auto Field>
constexpr Accessor strings_setter() {
  return {[](Config& c, const toml::node& n) -> std::string {
            std::vector<std::string> items;
            if (const auto* array = n.as_array()) {
              for (const auto& item : *array) {
                auto text = item.value<std::string>();
                if (!text) return "expected an array of strings";
                items.push_back(*text);
              }
            } else if (auto text = n.value<std::string>()) {
              std::string item;
              for (char ch : *text + ",") {
                if (ch != ',' && ch != ' ') {
                  item += ch;
                } else if (!item.empty()) {
                  items.push_back(std::move(item));
                  item.clear();
                }
              }
            } else {
              return "expected an array of strings";
            }
            field_of<Section, Field>(c) = std::move(items);
            return {};
          },
          [](const Config& c) {
            std::string out = "[";
            for (const auto& item : field_of<Section, Field>(c))
              out += (out.size() > 1 ? ", " : "") + quote(item);
            return out + "]";
          }};
}

// As strings_setter, but `config check` shows how many, never the secrets
// themselves (its output lands in terminals and bug reports).
template <auto Section, auto Field>
constexpr Accessor secrets_setter() {
  return {strings_setter<Section, Field>().set, [](const Config& c) {
            std::string out = "[";
            for (std::size_t i = 0; i < field_of<Section, Field>(c).size(); ++i)
              out += i ? ", \"(hidden)\"" : "\"(hidden)\"";
            return out + "]";
          }};
}

// A Maildir++ quota definition: "" or comma-separated "<digits>S" and
// "<digits>C" (Courier's README.maildirquota), checked when loading so that
// a typo is reported by `config check`, not by a failed delivery.
bool valid_quota_definition(std::string_view text);

template <auto Section, auto Field>
constexpr Accessor quota_setter() {
  return {[](Config& c, const toml::node& n) -> std::string {
            auto value = n.value<std::string>();
            if (value && !valid_quota_definition(*value))
              return "expected \"<bytes>S,<count>C\", \"<bytes>S\" or \"<count>C\"";
            return string_setter<Section, Field>().set(c, n);
          },
          string_setter<Section, Field>().get};
}

// A two-way choice stored as a bool: Words[0] -> true, Words[1] -> false.
template <auto Section, auto Field, const auto& Words>
constexpr Accessor choice_setter() {
  static_assert(Words.size() == 2);
  return {[](Config& c, const toml::node& n) -> std::string {
            auto value = n.value<std::string>();
            if (value && *value == Words[0])
              field_of<Section, Field>(c) = true;
            else if (value && *value == Words[1])
              field_of<Section, Field>(c) = false;
            else
              return "expected \"" + std::string(Words[0]) + "\" or \"" + std::string(Words[1]) +
                     "\"";
            return {};
          },
          [](const Config& c) {
            return quote(std::string(field_of<Section, Field>(c) ? Words[0] : Words[1]));
          }};
}

}  // namespace mailroom::config_setters
