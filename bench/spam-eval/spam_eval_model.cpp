// Reads a plan on stdin, one message a line: "<phase> <spam|ham> <path>",
// phase train (learn it), test (score it) or online (score it, then learn
// it if the judged verdict was wrong). Prints per scored message
// "<spam|ham> <fisher I> <fisher ln ratio> <logistic log-odds> <combined>"
// and, last, "# key value" lines with the CPU figures. Options tune the
// models: --window N --rate R --margin M --strength S --min-dev D
// --judge fisher|logistic|combined.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "mailroom/message/message.hpp"
#include "mailroom/spam/classifier.hpp"
#include "mailroom/spam/tokenize.hpp"

namespace {

using namespace mailroom;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Options {
  spam::TokenLimits limits;
  spam::FisherParams fisher;
  spam::LogisticParams logistic;
  std::string judge = "combined";
  double fisher_weight = 0.1;  // combined = logistic + fisher_weight * fisher ln ratio
};

struct Model {
  std::unordered_map<std::uint64_t, spam::TokenRecord> records;
  spam::Totals totals;

  std::vector<spam::TokenRecord> lookup(const std::vector<std::uint64_t>& keys) const {
    std::vector<spam::TokenRecord> out;
    out.reserve(keys.size());
    for (auto k : keys) {
      auto it = records.find(k);
      out.push_back(it == records.end() ? spam::TokenRecord{} : it->second);
    }
    return out;
  }
};

struct Scores {
  spam::FisherResult fisher;
  double logistic = 0.0;
  double combined = 0.0;
};

Scores score(const Model& m, const std::vector<std::uint64_t>& keys, const Options& o) {
  const auto recs = m.lookup(keys);
  Scores s;
  s.fisher = spam::fisher_score(recs, m.totals, o.fisher);
  s.logistic = spam::logistic_log_odds(recs, m.totals);
  s.combined = s.logistic + o.fisher_weight * s.fisher.log_ratio;
  return s;
}

void learn_counts(Model& m, const std::vector<std::uint64_t>& keys, bool spam) {
  for (auto k : keys) {
    auto& r = m.records[k];
    (spam ? r.spam : r.ham) += 1;
  }
  (spam ? m.totals.spam : m.totals.ham) += 1;
}

void learn_logistic(Model& m, const std::vector<std::uint64_t>& keys, bool spam, double log_odds,
                    const Options& o) {
  const double step = spam::logistic_step(log_odds, spam, keys.size(), o.logistic);
  if (step == 0.0) return;
  for (auto k : keys) m.records[k].weight += static_cast<float>(step);
  m.totals.bias += static_cast<float>(step);
}

std::vector<std::uint64_t> keys_of(const std::string& path, const Options& o) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  if (bytes.rfind("From ", 0) == 0) {
    const auto nl = bytes.find('\n');
    bytes.erase(0, nl == std::string::npos ? bytes.size() : nl + 1);
  }
  auto buf =
      std::make_shared<const message::Buffer>(message::Buffer::from_string(std::move(bytes)));
  const auto msg = message::Message::parse(buf);
  return spam::unique_hashes(spam::tokenize(msg, o.limits));
}

bool wrong(const Scores& s, bool spam, const std::string& judge) {
  double v = judge == "fisher"     ? s.fisher.probability - 0.5
             : judge == "logistic" ? s.logistic
                                   : s.combined;
  return (v >= 0) != spam;
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const double v = std::atof(argv[i + 1]);
    if (k == "--window")
      o.limits.bigram_window = static_cast<std::size_t>(v);
    else if (k == "--rate")
      o.logistic.rate = v;
    else if (k == "--margin")
      o.logistic.margin = v;
    else if (k == "--strength")
      o.fisher.strength = v;
    else if (k == "--min-dev")
      o.fisher.min_dev = v;
    else if (k == "--prior")
      o.fisher.prior = v;
    else if (k == "--fisher-weight")
      o.fisher_weight = v;
    else if (k == "--judge")
      o.judge = argv[i + 1];
    else {
      std::cerr << "unknown option " << k << "\n";
      std::exit(64);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  Model m;
  std::string phase, label, path;
  double train_cpu = 0.0, score_cpu = 0.0;
  std::size_t trained = 0, scored = 0;
  while (std::cin >> phase >> label >> path) {
    const bool spam = label == "spam";
    const double t0 = cpu_seconds();
    const auto keys = keys_of(path, o);
    const Scores s = score(m, keys, o);
    const double t1 = cpu_seconds();
    if (phase == "train") {
      learn_counts(m, keys, spam);
      learn_logistic(m, keys, spam, s.logistic, o);
      train_cpu += cpu_seconds() - t0;
      ++trained;
      continue;
    }
    score_cpu += t1 - t0;
    ++scored;
    std::printf("%s %.9g %.9g %.9g %.9g\n", label.c_str(), s.fisher.probability, s.fisher.log_ratio,
                s.logistic, s.combined);
    if (phase == "online" && wrong(s, spam, o.judge)) {
      const double t2 = cpu_seconds();
      learn_counts(m, keys, spam);
      learn_logistic(m, keys, spam, s.logistic, o);
      train_cpu += cpu_seconds() - t2;
      ++trained;
    }
  }
  std::printf("# score_cpu_ms_per_msg %.4f\n", scored ? 1e3 * score_cpu / scored : 0.0);
  std::printf("# train_msgs_per_s %.1f\n", train_cpu > 0 ? trained / train_cpu : 0.0);
  std::printf("# tokens_in_model %zu\n", m.records.size());
  return 0;
}
