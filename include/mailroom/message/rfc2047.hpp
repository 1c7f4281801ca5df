// RFC 2047 encoded words in header text ("=?charset?B?...?=").
#pragma once

#include <string>
#include <string_view>

#include "mailroom/message/defect.hpp"

namespace mailroom::message {

// Decodes the encoded words in an (unfolded) header value to UTF-8.
// Adjacent encoded words separated only by white space are joined (§6.2),
// and their bytes are joined before charset conversion, so a multi-byte
// character split across two words survives. Words that do not decode are
// left as written (readable) and set Defect::bad_encoded_word. Encoded
// words inside a token, which §5 forbids but senders use, are decoded too.
// Raw 8-bit text is treated as UTF-8 (RFC 6532) or else windows-1252.
std::string decode_rfc2047(std::string_view text, Defects& defects);
std::string decode_rfc2047(std::string_view text);

// What a reader sees of an unstructured field (Subject, Comments, X-*):
// the raw HeaderField::value unfolded, then RFC 2047 decoded.
std::string decode_header_value(std::string_view raw_value);

}  // namespace mailroom::message
