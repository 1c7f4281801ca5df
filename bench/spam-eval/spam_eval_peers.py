"""The systems bench/spam-eval runs: mailroom's model, bogofilter, SpamAssassin."""
import os
import resource
import shutil
import subprocess
import tempfile
import time

import spam_eval_metrics as metrics

# mailroom's columns: name -> (field of the model's output line, spam cutoff)
# fisher: ln H' - ln S' orders the messages where I saturates; it is 0 exactly when I = 0.5.
# verdict: score - 5 as `mailroom score` computes it (model.hpp); cutoff 0 is SCL 5.
MAILROOM_COLUMNS = {"fisher": (2, 0.0), "logistic": (3, 0.0), "verdict": (4, 0.0),
                    "shipped": (5, 0.0)}


class Mailroom:
    def __init__(self, build, options):
        self.tool = os.path.join(build, "bench/spam-eval/spam_eval_model")
        self.options = options

    def _run(self, plan, extra_options=()):
        text = "".join(f"{phase} {label} {path}\n" for phase, label, path in plan)
        out = subprocess.run([self.tool] + list(extra_options) + self.options, input=text,
                             capture_output=True, text=True, check=True).stdout
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
            results[column].learnt = {"error": int(extra["learnt_errors"]),
                                      "unsure": int(extra["learnt_unsure"])}
        return results

    def batch(self, train, test):
        return self._run([("train", l, p) for l, p in train] + [("test", l, p) for l, p in test])

    def online(self, msgs):
        """Twice: learning on errors alone, then on errors and unsure
        verdicts (SCL 2-4: the classifier's score within 3 points below
        5.0, the band whose X-Spam-Report asks the user for a verdict:
        SpamVerdict::unsure), the rule bogofilter is run with. The verdict
        judged is the classifier's (the "verdict" column: no rules, as the
        corpus has no authentication results to give them)."""
        plan = [("online", l, p) for l, p in msgs]
        results = {}
        for rule in ("errors", "unsure"):
            for column, result in self._run(plan, ["--online-rule", rule]).items():
                results[f"{column} (learn on {'errors' if rule == 'errors' else 'errors+unsure'})"] = result
        return results


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
        if not os.path.exists(os.path.join(db, "wordlist.db")):
            return [("U", 0.5)] * len(files)  # nothing learnt yet: bogofilter refuses
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
        scored, verdicts, learnt = [], [], {"error": 0, "unsure": 0}
        try:
            t0 = children_cpu()
            for label, path in msgs:
                flag, spamicity = self._classify(db, [path])[0]
                scored.append((label, spamicity))
                verdicts.append((label, flag == "S"))
                # Unsure counts as an error: on error alone bogofilter, which
                # says U (not S) until it has both classes, never learns ham.
                wrong = (flag == "S") != (label == "spam")
                if flag == "U" or wrong:
                    self._learn(db, [path], "-s" if label == "spam" else "-n")
                    learnt["error" if wrong else "unsure"] += 1
            t1 = children_cpu()
        finally:
            shutil.rmtree(db)
        result = metrics.Result(scored, None, 1e3 * (t1 - t0) / len(msgs), 0.0, verdicts)
        result.learnt = learnt
        return {"default (learn on errors+unsure)": result}


SA_CONFIG = """use_bayes 1
bayes_auto_learn 0
bayes_path {db}/bayes
bayes_file_mode 0666
lock_method flock
use_razor2 0
use_pyzor 0
skip_rbl_checks 1
"""


class SpamAssassin:
    """SpamAssassin 4 with its rules and Bayes, network tests off (-L), auto-
    learn off, a fresh Bayes database per run; sa-learn trains, one spamd
    (foreground, on a Unix socket in the run's directory) scores through
    spamc -c, which prints "score/threshold". Its CPU (spamd and the
    children it reaps) is counted when it exits."""

    def _setup(self):
        tmp = tempfile.mkdtemp(prefix="spam-eval-sa-")
        site = os.path.join(tmp, "site")
        os.mkdir(site)
        for name in os.listdir("/etc/spamassassin"):
            if name.endswith(".pre"):
                shutil.copy(os.path.join("/etc/spamassassin", name), site)
        with open(os.path.join(site, "local.cf"), "w") as f:
            f.write(SA_CONFIG.format(db=tmp))
        return tmp, site

    def _learn(self, site, files, flag):
        for i in range(0, len(files), 500):
            subprocess.run(["sa-learn", "-L", "--siteconfigpath", site, flag, "--no-sync"]
                           + files[i:i + 500], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["sa-learn", "-L", "--siteconfigpath", site, "--sync"], check=True,
                       stdout=subprocess.DEVNULL)

    def _score_all(self, tmp, site, files):
        sock = os.path.join(tmp, "spamd.sock")
        # spamd refuses to run as root: its children run as nobody, who must
        # read the Bayes database in this run's directory.
        for dirpath, _, names in os.walk(tmp):
            os.chmod(dirpath, 0o755)
            for name in names:
                os.chmod(os.path.join(dirpath, name), 0o666)
        spamd = subprocess.Popen(["spamd", "-L", "--siteconfigpath", site, "--socketpath", sock,
                                  "--max-children", "2", "--nouser-config", "-u", "nobody",
                                  "--syslog", "stderr"], stderr=subprocess.DEVNULL)
        try:
            for _ in range(600):
                if os.path.exists(sock):
                    break
                time.sleep(0.1)
            out = []
            for path in files:
                with open(path, "rb") as f:
                    r = subprocess.run(["spamc", "-U", sock, "-c"], stdin=f, capture_output=True,
                                       text=True)
                score = r.stdout.strip().split("/")[0]
                if r.returncode not in (0, 1) or score in ("", "0"):
                    raise RuntimeError(f"spamc failed ({r.returncode}): {r.stdout} {r.stderr}")
                out.append(float(score))
            return out
        finally:
            spamd.terminate()
            spamd.wait()

    def batch(self, train, test):
        tmp, site = self._setup()
        try:
            t0 = children_cpu()
            self._learn(site, [p for l, p in train if l == "spam"], "--spam")
            self._learn(site, [p for l, p in train if l == "ham"], "--ham")
            t1 = children_cpu()
            scores = self._score_all(tmp, site, [p for l, p in test])
            t2 = children_cpu()
        finally:
            shutil.rmtree(tmp)
        scored = [(l, s) for (l, _), s in zip(test, scores)]
        return {"default": metrics.Result(scored, 5.0, 1e3 * (t2 - t1) / len(test),
                                          len(train) / max(t1 - t0, 1e-9))}

    def online(self, msgs):
        raise NotImplementedError("SpamAssassin online run: not run (see --no-sa-online)")
