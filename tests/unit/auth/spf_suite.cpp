#include "unit/auth/spf_suite.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>

namespace mailroom::auth::test {
namespace {

std::string joined(const YAML::Node& value) {
  if (value.IsSequence()) {
    std::string out;
    for (const auto& part : value) out += part.as<std::string>();
    return out;
  }
  return value.as<std::string>();
}

std::shared_ptr<dns::StaticResolver> load_zone(const YAML::Node& zonedata) {
  auto zone = std::make_shared<dns::StaticResolver>();
  for (const auto& entry : zonedata) {
    const std::string name = entry.first.as<std::string>();
    zone->add_name(name);
    bool lists_txt = false;
    for (const auto& rr : entry.second) {
      if (rr.IsMap() && rr["TXT"]) lists_txt = true;
    }
    std::vector<std::string> spf_as_txt;
    for (const auto& rr : entry.second) {
      if (rr.IsScalar()) {
        if (rr.as<std::string>() == "TIMEOUT") zone->add_timeout(name);
        continue;
      }
      for (const auto& field : rr) {
        const std::string type = field.first.as<std::string>();
        const YAML::Node& v = field.second;
        if (v.IsScalar() && v.as<std::string>() == "NONE") continue;
        if (type == "SPF") {
          if (!lists_txt) spf_as_txt.push_back(joined(v));
        } else if (type == "TXT") {
          zone->add_txt(name, joined(v));
        } else if (type == "A" || type == "AAAA") {
          auto ip = dns::IpAddress::parse(v.as<std::string>());
          if (ip) zone->add_address(name, *ip);
        } else if (type == "MX") {
          zone->add_mx(name, v[0].as<std::uint16_t>(), v[1].as<std::string>());
        } else if (type == "PTR") {
          zone->add_ptr(name, v.as<std::string>());
        } else if (type == "CNAME") {
          zone->add_cname(name, v.as<std::string>());
        }
      }
    }
    // The suite's driver adds the TXT copies after the listed records.
    for (auto& txt : spf_as_txt) zone->add_txt(name, std::move(txt));
  }
  return zone;
}

}  // namespace

std::vector<SuiteCase> load_spf_suite(const std::string& path) {
  std::vector<SuiteCase> cases;
  if (!std::filesystem::exists(path)) return cases;
  {
    for (const auto& doc : YAML::LoadAllFromFile(path)) {
      auto zone = load_zone(doc["zonedata"]);
      const std::string section = doc["description"].as<std::string>();
      for (const auto& t : doc["tests"]) {
        SuiteCase c;
        c.section = section;
        c.name = t.first.as<std::string>();
        c.helo = t.second["helo"].as<std::string>();
        c.host = t.second["host"].as<std::string>();
        c.mail_from = t.second["mailfrom"].as<std::string>();
        const auto& result = t.second["result"];
        if (result.IsSequence()) {
          for (const auto& r : result) c.results.push_back(r.as<std::string>());
        } else {
          c.results.push_back(result.as<std::string>());
        }
        if (t.second["explanation"]) c.explanation = t.second["explanation"].as<std::string>();
        c.zone = zone;
        cases.push_back(std::move(c));
      }
    }
  }
  return cases;
}

}  // namespace mailroom::auth::test
