// Lazy decoding of MIME parts: nothing is decoded until a caller asks, and
// each call decodes just the part it names (DESIGN.md, "Message").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mailroom/message/defect.hpp"
#include "mailroom/message/limits.hpp"
#include "mailroom/message/mime.hpp"

namespace mailroom::message {

// The part's content with its transfer encoding removed (raw bytes, any
// charset), at most limits.max_decoded_size bytes.
std::string decode_content(const Part& part, const Limits& limits, Defects& defects);

// The part's content as UTF-8 text: transfer-decoded, converted from its
// charset, and for text/html turned into plain text (html.hpp).
std::string decode_text(const Part& part, const Limits& limits, Defects& defects);

// decode_text from the part's content already decoded by decode_content
// (the spam tokenizer reads both a text/html part's tags and its text: the
// transfer decoding done once).
std::string decode_text(const Part& part, std::string_view content, const Limits& limits,
                        Defects& defects);

}  // namespace mailroom::message
