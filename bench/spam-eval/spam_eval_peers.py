"""The systems bench/spam-eval runs: mailroom's model, bogofilter, SpamAssassin."""
import os
import resource
import shutil
import subprocess
import tempfile

import spam_eval_metrics as metrics

# mailroom's columns: name -> (field of the model's output line, spam cutoff)
# fisher: ln H' - ln S' orders the messages where I saturates; it is 0 exactly when I = 0.5.
# verdict: score - 5 as `mailroom score` computes it (model.hpp); cutoff 0 is SCL 5.
MAILROOM_COLUMNS = {"fisher": (2, 0.0), "logistic": (3, 0.0), "verdict": (4, 0.0)}


class Mailroom:
    def __init__(self, build, options):
        self.tool = os.path.join(build, "bench/spam-eval/spam_eval_model")
        self.options = options

    def _run(self, plan):
        text = "".join(f"{phase} {label} {path}\n" for phase, label, path in plan)
        out = subprocess.run([self.tool] + self.options, input=text, capture_output=True,
                             text=True, check=True).stdout
        rows, extra = [], {}
        for line in out.splitlines():
            if line.startswith("# "):
                key, value = line[2:].split()
                extra[key] = float(value)
            else:
                rows.append(line.split())
        results = {}
        for column, (field, cutoff) in MAILROOM_COLUMNS.items():
            scored = [(r[0], float(r[field])) for r in rows]
            results[column] = metrics.Result(scored, cutoff, extra["score_cpu_ms_per_msg"],
                                             extra["train_msgs_per_s"])
        return results

    def batch(self, train, test):
        return self._run([("train", l, p) for l, p in train] + [("test", l, p) for l, p in test])

    def online(self, msgs):
        return self._run([("online", l, p) for l, p in msgs])


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class Bogofilter:
    """bogofilter with its defaults (Debian's /etc/bogofilter.cf), a fresh
    word list per run; -B takes many files per process, -T prints
    "file flag spamicity" (S spam, H ham, U unsure: not spam)."""

    def __init__(self):
        self.tmp = None

    def _fresh(self):
        self.tmp = tempfile.mkdtemp(prefix="spam-eval-bogofilter-")
        return self.tmp

    def _learn(self, db, files, flag):
        for i in range(0, len(files), 500):
            subprocess.run(["bogofilter", "-d", db, flag, "-B"] + files[i:i + 500], check=True)

    def _classify(self, db, files):
        out = []
        for i in range(0, len(files), 500):
            # exit status 0 spam, 1 ham, 2 unsure, 3 error: only 3 is a failure
            r = subprocess.run(["bogofilter", "-d", db, "-T", "-B"] + files[i:i + 500],
                               capture_output=True, text=True)
            if r.returncode == 3:
                raise RuntimeError(r.stderr)
            for line in r.stdout.splitlines():
                path, flag, spamicity = line.rsplit(" ", 2)
                out.append((flag, float(spamicity)))
        return out

    def batch(self, train, test):
        db = self._fresh()
        try:
            t0 = children_cpu()
            self._learn(db, [p for l, p in train if l == "spam"], "-s")
            self._learn(db, [p for l, p in train if l == "ham"], "-n")
            t1 = children_cpu()
            results = self._classify(db, [p for l, p in test])
            t2 = children_cpu()
        finally:
            shutil.rmtree(db)
        scored = [(l, s) for (l, _), (_, s) in zip(test, results)]
        verdicts = [(l, f == "S") for (l, _), (f, _) in zip(test, results)]
        return {"default": metrics.Result(scored, None, 1e3 * (t2 - t1) / len(test),
                                          len(train) / max(t1 - t0, 1e-9), verdicts)}

    def online(self, msgs):
        db = self._fresh()
        scored, verdicts, trained = [], [], 0
        try:
            t0 = children_cpu()
            for label, path in msgs:
                flag, spamicity = self._classify(db, [path])[0]
                scored.append((label, spamicity))
                verdicts.append((label, flag == "S"))
                if (flag == "S") != (label == "spam"):
                    self._learn(db, [path], "-s" if label == "spam" else "-n")
                    trained += 1
            t1 = children_cpu()
        finally:
            shutil.rmtree(db)
        return {"default": metrics.Result(scored, None, 1e3 * (t1 - t0) / len(msgs), 0.0, verdicts)}


class SpamAssassin:
    pass
