// Counting delivery records into reports (report.hpp).
#include <arpa/inet.h>

#include <cstdio>
#include <map>
#include <string>
#include <unordered_map>

#include "mailroom/dmarc_report/report.hpp"

namespace mailroom::dmarc_report {
namespace {

// The row key (Appendix C "record"): everything the report says about a
// message but its time and the policy it was checked against.
std::string tuple_key(const DeliveryRecord& record) {
  DeliveryRecord tuple = record;
  tuple.time = 0;
  tuple.policy_domain.clear();
  tuple.policy_record.clear();
  return encode(tuple);
}

struct Building {
  AggregateReport report;
  std::int64_t latest = -1;  // time of the record whose policy_record we keep
  std::unordered_map<std::string, std::size_t> row_of;
};

}  // namespace

std::vector<AggregateReport> aggregate(std::span<const DeliveryRecord> records, std::int64_t begin,
                                       std::int64_t end) {
  std::map<std::string, Building> by_domain;
  for (const auto& record : records) {
    if (record.time < begin || record.time > end || record.policy_domain.empty()) continue;
    auto& building = by_domain[record.policy_domain];
    if (record.time >= building.latest) {
      building.latest = record.time;
      building.report.policy_record = record.policy_record;
    }
    auto key = tuple_key(record);
    auto [it, added] = building.row_of.try_emplace(key, building.report.rows.size());
    if (added) {
      ReportRow row{record, 0};
      row.tuple.time = 0;
      row.tuple.policy_record.clear();
      building.report.rows.push_back(std::move(row));
    }
    ++building.report.rows[it->second].count;
    ++building.report.messages;
  }
  std::vector<AggregateReport> reports;
  reports.reserve(by_domain.size());
  for (auto& [domain, building] : by_domain) {
    building.report.policy_domain = domain;
    building.report.begin = begin;
    building.report.end = end;
    reports.push_back(std::move(building.report));
  }
  return reports;
}

std::string schema_ip(const std::string& ip) {
  unsigned char bytes[16];
  if (ip.find(':') == std::string::npos || ::inet_pton(AF_INET6, ip.c_str(), bytes) != 1) return ip;
  char text[40];
  std::snprintf(text, sizeof text, "%x:%x:%x:%x:%x:%x:%x:%x", bytes[0] << 8 | bytes[1],
                bytes[2] << 8 | bytes[3], bytes[4] << 8 | bytes[5], bytes[6] << 8 | bytes[7],
                bytes[8] << 8 | bytes[9], bytes[10] << 8 | bytes[11], bytes[12] << 8 | bytes[13],
                bytes[14] << 8 | bytes[15]);
  return text;
}

}  // namespace mailroom::dmarc_report
