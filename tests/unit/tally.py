"""The pass/fail count of the tests/unit/*.py scripts: each check calls
report(name, ok, detail); summary(what) prints "WHAT: N passed, M failed"
(the line tests/run.py reads) and returns the exit status."""


class Tally:
    def __init__(self):
        self.passed = self.failed = 0

    def report(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            return
        self.failed += 1
        print("FAIL %s" % name)
        if detail:
            print(detail.rstrip())

    def summary(self, what):
        print("%s: %d passed, %d failed" % (what, self.passed, self.failed))
        return 1 if self.failed else 0
