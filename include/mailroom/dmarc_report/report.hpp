// One aggregate report (RFC 7489 §7.2, Appendix C): the delivery records of
// one policy domain over one period, counted per source IP and result
// tuple, as the XML the appendix's schema describes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "mailroom/dmarc_report/record.hpp"

namespace mailroom::dmarc_report {

struct ReportRow {
  DeliveryRecord tuple;  // time, policy_domain and policy_record not part of the tuple
  std::uint64_t count = 0;
};

struct AggregateReport {
  std::string policy_domain;
  std::string policy_record;  // the latest record seen in the period
  std::int64_t begin = 0;     // date_range, seconds since the epoch, inclusive
  std::int64_t end = 0;
  std::vector<ReportRow> rows;  // in the order their tuple was first seen
  std::uint64_t messages = 0;
};

struct ReportMetadata {
  std::string org_name;   // the receiver's domain (Submitter:)
  std::string email;      // report_metadata/email, and the sender of the report
  std::string report_id;  // unique per report; the same on every retry
};

// Groups `records` by policy domain (sorted by domain), one report each,
// covering [begin, end]. Records outside the period are left out.
[[nodiscard]] std::vector<AggregateReport> aggregate(std::span<const DeliveryRecord> records,
                                                     std::int64_t begin, std::int64_t end);

// The report as XML in the namespace of RFC 7489 Appendix C
// (http://dmarc.org/dmarc-xml/0.1), valid against its schema.
[[nodiscard]] std::string to_xml(const AggregateReport& report, const ReportMetadata& metadata);

// An IP address as the schema's IPAddress pattern takes it: IPv4 dotted,
// IPv6 as eight groups (the pattern has no "::"). Unchanged when not an IP.
[[nodiscard]] std::string schema_ip(const std::string& ip);

}  // namespace mailroom::dmarc_report
