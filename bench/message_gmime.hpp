// GMime 3 doing the same work as bench/message.cpp's mailroom runs, kept
// apart so that only this file sees glib's headers.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mailroom::bench {

// Opaque set of messages prepared for GMime (byte arrays, no copies per run).
class GmimeCorpus {
 public:
  explicit GmimeCorpus(const std::vector<std::string>& messages);
  GmimeCorpus(const GmimeCorpus&) = delete;
  GmimeCorpus& operator=(const GmimeCorpus&) = delete;
  ~GmimeCorpus();

  // Each returns a checksum so the work cannot be optimised away.
  std::size_t headers() const;      // parse, read every header of the message
  std::size_t mime_tree() const;    // parse, walk every part's content type
  std::size_t decode_text() const;  // parse, decode Subject, From and every text part to UTF-8

 private:
  void* arrays_;  // GPtrArray of GByteArray
};

// Peak-RSS run: parses the file at `path` (mapped) and decodes its text parts.
std::size_t gmime_parse_file(const char* path);

}  // namespace mailroom::bench
