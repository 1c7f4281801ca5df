#include "message_gmime.hpp"

#include <fcntl.h>
#include <gmime/gmime.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

namespace mailroom::bench {
namespace {

void init_once() {
  static const bool done = [] {
    g_mime_init();
    return true;
  }();
  (void)done;
}

GMimeMessage* parse(GByteArray* bytes) {
  GMimeStream* stream = g_mime_stream_mem_new_with_byte_array(bytes);
  g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);  // the corpus keeps the bytes
  GMimeParser* parser = g_mime_parser_new_with_stream(stream);
  g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
  GMimeMessage* message = g_mime_parser_construct_message(parser, nullptr);
  g_object_unref(parser);
  g_object_unref(stream);
  return message;
}

std::size_t count_headers(GMimeObject* object) {
  GMimeHeaderList* list = g_mime_object_get_header_list(object);
  std::size_t sum = 0;
  const int n = g_mime_header_list_get_count(list);
  for (int i = 0; i < n; ++i) {
    GMimeHeader* h = g_mime_header_list_get_header_at(list, i);
    sum += std::strlen(g_mime_header_get_name(h)) + std::strlen(g_mime_header_get_value(h));
  }
  return sum;
}

void walk_types(GMimeObject* /*parent*/, GMimeObject* part, gpointer data) {
  auto* sum = static_cast<std::size_t*>(data);
  GMimeContentType* ct = g_mime_object_get_content_type(part);
  *sum += std::strlen(g_mime_content_type_get_media_type(ct)) + 1;
}

void decode_parts(GMimeObject* /*parent*/, GMimeObject* part, gpointer data) {
  auto* sum = static_cast<std::size_t*>(data);
  if (!GMIME_IS_TEXT_PART(part)) return;
  if (GMIME_IS_PART(part) && g_mime_part_is_attachment(GMIME_PART(part))) return;
  char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
  if (text != nullptr) {
    *sum += std::strlen(text);
    g_free(text);
  }
}

std::size_t decode_message(GMimeMessage* m) {
  std::size_t sum = 0;
  if (const char* s = g_mime_message_get_subject(m)) sum += std::strlen(s);
  InternetAddressList* from = g_mime_message_get_from(m);
  if (from != nullptr && internet_address_list_length(from) > 0) {
    InternetAddress* a = internet_address_list_get_address(from, 0);
    if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
      sum += std::strlen(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)));
    }
  }
  g_mime_message_foreach(m, decode_parts, &sum);
  return sum;
}

}  // namespace

GmimeCorpus::GmimeCorpus(const std::vector<std::string>& messages) {
  init_once();
  GPtrArray* arrays = g_ptr_array_new();
  for (const std::string& m : messages) {
    GByteArray* a = g_byte_array_sized_new(static_cast<guint>(m.size()));
    g_byte_array_append(a, reinterpret_cast<const guint8*>(m.data()), static_cast<guint>(m.size()));
    g_ptr_array_add(arrays, a);
  }
  arrays_ = arrays;
}

GmimeCorpus::~GmimeCorpus() {
  auto* arrays = static_cast<GPtrArray*>(arrays_);
  for (guint i = 0; i < arrays->len; ++i) {
    g_byte_array_unref(static_cast<GByteArray*>(g_ptr_array_index(arrays, i)));
  }
  g_ptr_array_free(arrays, TRUE);
}

std::size_t GmimeCorpus::headers() const {
  auto* arrays = static_cast<GPtrArray*>(arrays_);
  std::size_t sum = 0;
  for (guint i = 0; i < arrays->len; ++i) {
    GMimeMessage* m = parse(static_cast<GByteArray*>(g_ptr_array_index(arrays, i)));
    if (m == nullptr) continue;
    sum += count_headers(GMIME_OBJECT(m));
    g_object_unref(m);
  }
  return sum;
}

std::size_t GmimeCorpus::mime_tree() const {
  auto* arrays = static_cast<GPtrArray*>(arrays_);
  std::size_t sum = 0;
  for (guint i = 0; i < arrays->len; ++i) {
    GMimeMessage* m = parse(static_cast<GByteArray*>(g_ptr_array_index(arrays, i)));
    if (m == nullptr) continue;
    g_mime_message_foreach(m, walk_types, &sum);
    g_object_unref(m);
  }
  return sum;
}

std::size_t GmimeCorpus::decode_text() const {
  auto* arrays = static_cast<GPtrArray*>(arrays_);
  std::size_t sum = 0;
  for (guint i = 0; i < arrays->len; ++i) {
    GMimeMessage* m = parse(static_cast<GByteArray*>(g_ptr_array_index(arrays, i)));
    if (m == nullptr) continue;
    sum += decode_message(m);
    g_object_unref(m);
  }
  return sum;
}

std::size_t gmime_parse_file(const char* path) {
  init_once();
  const int fd = ::open(path, O_RDONLY);
  if (fd < 0) return 0;
  GMimeStream* stream = g_mime_stream_mmap_new(fd, PROT_READ, MAP_PRIVATE);
  GMimeParser* parser = g_mime_parser_new_with_stream(stream);
  g_mime_parser_set_persist_stream(parser, TRUE);
  GMimeMessage* m = g_mime_parser_construct_message(parser, nullptr);
  std::size_t sum = m == nullptr ? 0 : decode_message(m);
  if (m != nullptr) g_object_unref(m);
  g_object_unref(parser);
  g_object_unref(stream);  // owns and closes fd
  return sum;
}

}  // namespace mailroom::bench
