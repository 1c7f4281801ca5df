// HTML to plain text for Sieve body tests and spam tokenising.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

namespace mailroom::message {

// Strips tags, drops <script>, <style>, <head> and comments, decodes
// character references, turns block elements (<p>, <br>, <div>, <tr>, <li>,
// headings) into line breaks and collapses runs of white space. Input is
// UTF-8 (already charset-converted); output is UTF-8, at most max_out bytes.
std::string html_to_text(std::string_view html,
                         std::size_t max_out = std::numeric_limits<std::size_t>::max());

// Decodes one character reference body ("amp", "#233", "#x1F600") to UTF-8;
// "" if unknown. Exposed for tests.
std::string decode_html_entity(std::string_view name);

}  // namespace mailroom::message
