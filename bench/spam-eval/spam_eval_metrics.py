"""The figures of issue 14's protocol, from (label, score) pairs."""
import statistics


def one_minus_roca_percent(scored):
    """100 * (1 - AUC), exact: a spam/ham pair with equal scores counts 1/2."""
    ordered = sorted(scored, key=lambda ls: ls[1])
    rank_sum_spam, n_spam, i = 0.0, 0, 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and ordered[j][1] == ordered[i][1]:
            j += 1
        mid_rank = (i + 1 + j) / 2.0  # ranks i+1..j, average for ties
        for k in range(i, j):
            if ordered[k][0] == "spam":
                rank_sum_spam += mid_rank
                n_spam += 1
        i = j
    n_ham = len(ordered) - n_spam
    auc = (rank_sum_spam - n_spam * (n_spam + 1) / 2.0) / (n_spam * n_ham)
    return 100.0 * (1.0 - auc)


def fnr_at_fpr(scored, max_fpr=0.001):
    """FNR (%) at the lowest threshold t (spam when score >= t) whose FPR <= max_fpr."""
    hams = sorted((s for l, s in scored if l == "ham"), reverse=True)
    spams = [s for l, s in scored if l == "spam"]
    allowed = int(max_fpr * len(hams))  # ham at or above t
    # t must lie above the (allowed+1)-th highest ham score.
    bar = hams[allowed] if allowed < len(hams) else float("-inf")
    missed = sum(1 for s in spams if s <= bar)
    return 100.0 * missed / len(spams)


def rates_at_cutoff(scored, cutoff):
    return rates_of_verdicts([(l, s >= cutoff) for l, s in scored])


def rates_of_verdicts(verdicts):
    """FPR and FNR (%) of (label, said_spam) pairs."""
    hams = [v for l, v in verdicts if l == "ham"]
    spams = [v for l, v in verdicts if l == "spam"]
    fpr = 100.0 * sum(1 for v in hams if v) / len(hams)
    fnr = 100.0 * sum(1 for v in spams if not v) / len(spams)
    return fpr, fnr


class Result:
    """One run of one system/column: scores plus CPU figures."""

    def __init__(self, scored, cutoff, cpu_ms, train_rate, verdicts=None):
        """verdicts: (label, said_spam) pairs where the system decides by
        itself (bogofilter's S, SpamAssassin's 5.0); else score >= cutoff."""
        self.roca = one_minus_roca_percent(scored)
        self.fnr_at = fnr_at_fpr(scored)
        self.fpr, self.fnr = (rates_of_verdicts(verdicts) if verdicts is not None
                              else rates_at_cutoff(scored, cutoff))
        self.cpu_ms = cpu_ms
        self.train_rate = train_rate
        self.learnt = None  # online: {"error": n, "unsure": n} messages learnt under each rule


def _ms(values):
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def print_summary(name, seeds, results):
    print(f"{name:34s} seeds {seeds[0]}-{seeds[-1]}  (1-ROCA)% {_ms([r.roca for r in results])}"
          f"  FNR@FPR<=0.1% {_ms([r.fnr_at for r in results])}"
          f"  cutoff FPR {_ms([r.fpr for r in results])} FNR {_ms([r.fnr for r in results])}"
          f"  CPU/msg {_ms([r.cpu_ms for r in results])} ms"
          f"  train {statistics.mean([r.train_rate for r in results]):.0f} msg/s", flush=True)


def print_online(name, r):
    learnt = ""
    if r.learnt is not None:
        learnt = (f"  learnt {r.learnt['error'] + r.learnt['unsure']} ({r.learnt['error']} errors"
                  f" + {r.learnt['unsure']} unsure)")
    print(f"{name:46s} online   (1-ROCA)% {r.roca:.3f}  FNR@FPR<=0.1% {r.fnr_at:.3f}"
          f"  cutoff FPR {r.fpr:.3f} FNR {r.fnr:.3f}  CPU/msg {r.cpu_ms:.3f} ms{learnt}", flush=True)
