// The replies of the Redis client (client.hpp), each array's
// elements in one block.
#include <hiredis/hiredis.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "mailroom/redis/client.hpp"

namespace mailroom::redis {
namespace {

// Replies whose array elements live in one block with the array's element
// pointers (hiredis's default allocates each element: a scoring read's
// BITFIELD_RO reply of ~3,500 integers cost 7,000 calloc/free calls, a
// fifth of `mailroom score`'s instructions). The functions hiredis's reader
// calls (read.h, redisReplyObjectFunctions); free_reply frees what they make.
redisReply* reply_node(const redisReadTask* task, int type) {
  redisReply* r = nullptr;
  if (task->parent != nullptr) {
    auto* parent = static_cast<redisReply*>(task->parent->obj);
    r = reinterpret_cast<redisReply*>(parent->element + parent->elements) + task->idx;
    parent->element[task->idx] = r;
  } else {
    r = static_cast<redisReply*>(std::calloc(1, sizeof(redisReply)));
    if (r == nullptr) return nullptr;
  }
  r->type = type;
  return r;
}

void* create_string(const redisReadTask* task, char* bytes, std::size_t size) {
  auto* copy = static_cast<char*>(std::malloc(size + 1));
  if (copy == nullptr) return nullptr;
  std::memcpy(copy, bytes, size);
  copy[size] = '\0';
  redisReply* r = reply_node(task, task->type);  // STRING, STATUS or ERROR
  if (r == nullptr) {
    std::free(copy);
    return nullptr;
  }
  r->str = copy;
  r->len = size;
  return r;
}

void* create_array(const redisReadTask* task, int elements) {
  const auto count = static_cast<std::size_t>(std::max(elements, 0));
  // The element pointers, then the elements they point to.
  void* block = nullptr;
  if (count > 0) {
    block = std::calloc(count, sizeof(redisReply*) + sizeof(redisReply));
    if (block == nullptr) return nullptr;
  }
  redisReply* r = reply_node(task, REDIS_REPLY_ARRAY);
  if (r == nullptr) {
    std::free(block);
    return nullptr;
  }
  r->element = static_cast<redisReply**>(block);
  r->elements = count;
  return r;
}

void* create_integer(const redisReadTask* task, long long value) {
  redisReply* r = reply_node(task, REDIS_REPLY_INTEGER);
  if (r != nullptr) r->integer = value;
  return r;
}

void* create_nil(const redisReadTask* task) { return reply_node(task, REDIS_REPLY_NIL); }

void free_contents(redisReply* r) {
  if (r->type == REDIS_REPLY_ARRAY) {
    for (std::size_t i = 0; i < r->elements; ++i)
      if (r->element[i] != nullptr) free_contents(r->element[i]);
    std::free(r->element);
  } else {
    std::free(r->str);
  }
}

}  // namespace

void free_reply(void* reply) {
  if (reply == nullptr) return;
  free_contents(static_cast<redisReply*>(reply));
  std::free(reply);
}

namespace {

redisReplyObjectFunctions kCompactReplies{create_string, create_array, create_integer, create_nil,
                                          free_reply};

}  // namespace

void use_compact_replies(redisContext* context) { context->reader->fn = &kCompactReplies; }

void ReplyFree::operator()(redisReply* reply) const noexcept { free_reply(reply); }

}  // namespace mailroom::redis
