// Typed accessors that bind one TOML key to one field of Config. Private to
// src/util/config.cpp; kept apart so that the key table reads as a table.
#pragma once

#include <toml++/toml.h>
#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "mailroom/util/config.hpp"

namespace mailroom::config_setters {

// set() returns "" on success, else what is wrong with the value.
struct Accessor {
  std::function<std::string(Config&, const toml::node&)> set;
  std::function<std::string(const Config&)> get;
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

template <class Section>
Accessor size_setter(Section Config::*section, std::uint64_t Section::*field) {
  return {[=](Config& c, const toml::node& n) {
            return set_with_unit(c.*section, field, n, parse_size);
          },
          [=](const Config& c) { return quote(format_size((c.*section).*field)); }};
}

template <class Section>
Accessor duration_setter(Section Config::*section, std::chrono::seconds Section::*field) {
  return {[=](Config& c, const toml::node& n) {
            return set_with_unit(c.*section, field, n, parse_duration);
          },
          [=](const Config& c) { return quote(format_duration((c.*section).*field)); }};
}

template <class Section>
Accessor millis_setter(Section Config::*section, std::chrono::milliseconds Section::*field) {
  return {[=](Config& c, const toml::node& n) {
            return set_with_unit(c.*section, field, n, parse_duration_ms);
          },
          [=](const Config& c) {
            auto ms = ((c.*section).*field).count();
            if (ms % 1000 != 0) return quote(std::to_string(ms) + "ms");
            return quote(format_duration(std::chrono::seconds(ms / 1000)));
          }};
}

// A number (integer or float) above 0.
template <class Section>
Accessor number_setter(Section Config::*section, double Section::*field) {
  return {[=](Config& c, const toml::node& n) -> std::string {
            auto value = n.value<double>();
            if (!value || !(*value > 0.0)) return "expected a number above 0";
            (c.*section).*field = *value;
            return {};
          },
          [=](const Config& c) {
            std::string text = std::to_string((c.*section).*field);
            while (text.size() > 1 && text.back() == '0' && text[text.size() - 2] != '.')
              text.pop_back();
            return text;
          }};
}

template <class Section>
Accessor bool_setter(Section Config::*section, bool Section::*field) {
  return {[=](Config& c, const toml::node& n) -> std::string {
            auto value = n.value<bool>();
            if (!value) return "expected true or false";
            (c.*section).*field = *value;
            return {};
          },
          [=](const Config& c) -> std::string { return (c.*section).*field ? "true" : "false"; }};
}

template <class Section>
Accessor string_setter(Section Config::*section, std::string Section::*field) {
  return {[=](Config& c, const toml::node& n) -> std::string {
            auto value = n.value<std::string>();
            if (!value) return "expected a string";
            (c.*section).*field = *value;
            return {};
          },
          [=](const Config& c) { return quote((c.*section).*field); }};
}

template <class Section>
Accessor char_setter(Section Config::*section, char Section::*field) {
  return {[=](Config& c, const toml::node& n) -> std::string {
            auto value = n.value<std::string>();
            if (!value || value->size() != 1) return "expected a string of one character";
            (c.*section).*field = (*value)[0];
            return {};
          },
          [=](const Config& c) { return quote(std::string(1, (c.*section).*field)); }};
}

template <class Section>
Accessor one_of_setter(Section Config::*section, std::string Section::*field,
                       std::initializer_list<const char*> allowed) {
  std::vector<std::string> choices(allowed.begin(), allowed.end());
  return {[=](Config& c, const toml::node& n) -> std::string {
            auto value = n.value<std::string>();
            std::string list;
            for (const auto& choice : choices) {
              if (value && *value == choice) {
                (c.*section).*field = *value;
                return {};
              }
              list += (list.empty() ? "" : ", ") + choice;
            }
            return "expected one of: " + list;
          },
          [=](const Config& c) { return quote((c.*section).*field); }};
}

// As strings_setter (below), but `config check` shows how many, never the
// secrets themselves (its output lands in terminals and bug reports).
template <class Section>
Accessor secrets_setter(Section Config::*section, std::vector<std::string> Section::*field);

// A list of strings: a TOML array of strings, or (for -o) one string whose
// items are separated by commas or spaces.
template <class Section>
Accessor strings_setter(Section Config::*section, std::vector<std::string> Section::*field) {
  return {[=](Config& c, const toml::node& n) -> std::string {
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
            (c.*section).*field = std::move(items);
            return {};
          },
          [=](const Config& c) {
            std::string out = "[";
            for (const auto& item : (c.*section).*field)
              out += (out.size() > 1 ? ", " : "") + quote(item);
            return out + "]";
          }};
}

// A Maildir++ quota definition: "" or comma-separated "<digits>S" and
// "<digits>C" (Courier's README.maildirquota), checked when loading so that
// a typo is reported by `config check`, not by a failed delivery.
bool valid_quota_definition(std::string_view text);

template <class Section>
Accessor quota_setter(Section Config::*section, std::string Section::*field) {
  auto plain = string_setter(section, field);
  return {[=](Config& c, const toml::node& n) -> std::string {
            auto value = n.value<std::string>();
            if (value && !valid_quota_definition(*value))
              return "expected \"<bytes>S,<count>C\", \"<bytes>S\" or \"<count>C\"";
            return plain.set(c, n);
          },
          plain.get};
}

// A two-way choice stored as a bool: true_word -> true, false_word -> false.
template <class Section>
Accessor choice_setter(Section Config::*section, bool Section::*field, const char* true_word,
                       const char* false_word) {
  std::string yes = true_word;
  std::string no = false_word;
  return {[=](Config& c, const toml::node& n) -> std::string {
            auto value = n.value<std::string>();
            if (value && *value == yes)
              (c.*section).*field = true;
            else if (value && *value == no)
              (c.*section).*field = false;
            else
              return "expected \"" + yes + "\" or \"" + no + "\"";
            return {};
          },
          [=](const Config& c) { return quote((c.*section).*field ? yes : no); }};
}

template <class Section>
Accessor secrets_setter(Section Config::*section, std::vector<std::string> Section::*field) {
  Accessor plain = strings_setter(section, field);
  plain.get = [=](const Config& c) {
    std::string out = "[";
    for (std::size_t i = 0; i < ((c.*section).*field).size(); ++i)
      out += i ? ", \"(hidden)\"" : "\"(hidden)\"";
    return out + "]";
  };
  return plain;
}

}  // namespace mailroom::config_setters
