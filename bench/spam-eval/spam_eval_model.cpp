// Reads a plan on stdin, one message a line: "<phase> <spam|ham> <path>",
// phase train (learn it), test (score it) or online (score it, then learn
// it if the judged verdict was wrong). Prints per scored message
// "<spam|ham> <fisher I> <fisher ln ratio> <logistic log-odds> <score - 5>
// <shipped - required>" (the classifier's value as a score: spam at SCL >= 5
// when it is >= 0; then the shipped verdict of score_message(): the
// classifier's band plus the rule symbols, no authentication results,
// whose spam is >= 0 too)
// and, last, "# key value" lines with the CPU figures. It runs the code
// `mailroom learn` and `score` run (model.hpp) over an in-memory store, so
// the figures are the classifier's, not the disk's. Options tune the model:
// --window N --ngram N --ngram-header-bytes B --ngram-body-bytes B --rate R --margin M --strength S
// --min-dev D --prior X
// --fisher-weight W --logistic-weight W --cutoff C
// --correction-margin M --correction-fisher-weight W
// --judge fisher|logistic|combined --unsure-band B (ModelParams::unsure_band)
// --online-rule errors|unsure: what an online message is learnt on, its
// errors alone or its errors and its unsure verdicts (SCL 2-4: the score
// within unsure_band below the spam score), the way bogofilter's Unsure
// verdicts are learnt (spam_eval_peers.py). The counts of each are printed.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "mailroom/message/message.hpp"
#include "mailroom/spam/learn_files.hpp"
#include "mailroom/spam/model.hpp"
#include "mailroom/spam/store.hpp"
#include "mailroom/spam/verdict.hpp"

namespace {

using namespace mailroom;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Options {
  spam::ModelParams model;
  std::string judge = "combined";
  bool learn_unsure = false;
};

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const double v = std::atof(argv[i + 1]);
    if (k == "--window")
      o.model.limits.bigram_window = static_cast<std::size_t>(v);
    else if (k == "--ngram")
      o.model.limits.char_ngram = static_cast<std::size_t>(v);
    else if (k == "--ngram-header-bytes")
      o.model.limits.char_ngram_header_bytes = static_cast<std::size_t>(v);
    else if (k == "--ngram-body-bytes")
      o.model.limits.char_ngram_body_bytes = static_cast<std::size_t>(v);
    else if (k == "--rate")
      o.model.logistic.rate = v;
    else if (k == "--correction-margin")
      o.model.logistic.correction_margin = v;
    else if (k == "--correction-fisher-weight")
      o.model.correction_fisher_weight = v;
    else if (k == "--min-corrections")
      o.model.min_corrections = static_cast<std::uint32_t>(v);
    else if (k == "--margin")
      o.model.logistic.margin = v;
    else if (k == "--strength")
      o.model.fisher.strength = v;
    else if (k == "--min-dev")
      o.model.fisher.min_dev = v;
    else if (k == "--prior")
      o.model.fisher.prior = v;
    else if (k == "--fisher-weight")
      o.model.fisher_weight = v;
    else if (k == "--logistic-weight")
      o.model.logistic_weight = v;
    else if (k == "--cutoff")
      o.model.spam_cutoff = v;
    else if (k == "--unsure-band")
      o.model.unsure_band = v;
    else if (k == "--judge")
      o.judge = argv[i + 1];
    else if (k == "--online-rule" &&
             (std::string(argv[i + 1]) == "errors" || std::string(argv[i + 1]) == "unsure"))
      o.learn_unsure = std::string(argv[i + 1]) == "unsure";
    else {
      std::cerr << "unknown option " << k << "\n";
      std::exit(64);
    }
  }
  return o;
}

// The judged verdict's distance from the spam cutoff (spam at >= 0).
double judged(const spam::ClassifierScore& s, const std::string& judge, double cutoff) {
  return judge == "fisher"     ? s.fisher.log_ratio
         : judge == "logistic" ? s.logistic
                               : s.combined - cutoff;
}

bool learn(spam::TokenStore& store, const spam::MessageFeatures& f, bool spam,
           const spam::ModelParams& params) {
  auto writer = store.write();
  return writer && spam::learn(**writer, f, spam, params) && (*writer)->commit();
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse_options(argc, argv);
  auto store = spam::make_memory_store();
  std::string phase, label, path;
  double train_cpu = 0.0, score_cpu = 0.0;
  std::size_t trained = 0, scored = 0, errors = 0, unsure = 0;
  while (std::cin >> phase >> label >> path) {
    const bool is_spam = label == "spam";
    auto msg = spam::read_message_file(path);  // without the corpus's mbox "From " line
    if (!msg) {
      std::cerr << msg.error().message << "\n";
      return 1;
    }
    const double t0 = cpu_seconds();
    const auto features = spam::message_features(*msg, o.model);
    if (phase == "train") {
      if (!learn(*store, features, is_spam, o.model)) return 75;
      train_cpu += cpu_seconds() - t0;
      ++trained;
      continue;
    }
    auto snap = store->read(features.keys, features.counted);
    if (!snap) return 75;
    const auto s = spam::classify(features, *snap, o.model);
    // The cutoff of the parameters that scored (Fisher alone until the
    // training is interleaved: model.hpp).
    const double cutoff = spam::effective_params(o.model, snap->totals).spam_cutoff;
    score_cpu += cpu_seconds() - t0;
    ++scored;
    spam::ScoreInput input(*msg, {});
    input.store = store.get();
    input.params = o.model;
    const auto shipped = spam::score_message(input);
    std::printf("%s %.9g %.9g %.9g %.9g %.9g\n", label.c_str(), s.fisher.probability,
                s.fisher.log_ratio, s.logistic, s.combined - cutoff,
                shipped.score - shipped.required);
    const double margin = judged(s, o.judge, cutoff);
    const bool wrong = (margin >= 0) != is_spam;
    const bool near = !wrong && o.learn_unsure && spam::unsure(margin, o.model.unsure_band);
    if (phase == "online" && (wrong || near)) {
      ++(wrong ? errors : unsure);
      const double t2 = cpu_seconds();
      if (!learn(*store, features, is_spam, o.model)) return 75;
      train_cpu += cpu_seconds() - t2;
      ++trained;
    }
  }
  std::printf("# score_cpu_ms_per_msg %.4f\n",
              scored != 0 ? 1e3 * score_cpu / static_cast<double>(scored) : 0.0);
  std::printf("# learnt_errors %zu\n# learnt_unsure %zu\n", errors, unsure);
  std::printf("# train_msgs_per_s %.1f\n",
              train_cpu > 0 ? static_cast<double>(trained) / train_cpu : 0.0);
  return 0;
}
