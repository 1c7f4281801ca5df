// Return-Path: and Delivered-To: (RFC 5321 §4.4; Delivered-To as Postfix and
// qmail use it for loop detection).
#pragma once

#include <string>

#include "deliver/envelope.hpp"
#include "mailroom/message/message.hpp"
#include "mailroom/util/config.hpp"
#include "mailroom/util/result.hpp"

namespace mailroom::deliver {

// The header lines to put in front of the message for this hop, or a
// rejected error when the message already went through this recipient.
//
// Trace fields added for the current hop sit above the first Received:
// (Postfix's local(8) writes Return-Path, X-Original-To, Delivered-To, then
// Received). A Delivered-To: naming our recipient up there is the MTA's own
// for this delivery: we do not add a second one. The same address further
// down, or twice, means the message came back: a loop.
[[nodiscard]] Result<std::string> trace_headers(const message::Message& message,
                                                const Envelope& envelope,
                                                const DeliverConfig& config);

}  // namespace mailroom::deliver
