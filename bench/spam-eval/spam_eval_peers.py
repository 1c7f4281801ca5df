"""The systems bench/spam-eval runs: mailroom's model, bogofilter, SpamAssassin."""
import os
import subprocess

import spam_eval_metrics as metrics

# mailroom's columns: name -> (field of the model's output line, spam cutoff)
# fisher: ln H' - ln S' orders the messages where I saturates; it is 0 exactly when I = 0.5.
MAILROOM_COLUMNS = {"fisher": (2, 0.0), "logistic": (3, 0.0), "combined": (4, 0.0)}


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


class Bogofilter:
    pass


class SpamAssassin:
    pass
