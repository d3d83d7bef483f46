#!/usr/bin/env python3
"""Check docs/language.md's `pybpf api --coverage` block (written by
helpers/gen_coverage_doc.py) against what pybpf prints now. Prints
"coverage-doc: N passed, M failed"."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
p = subprocess.run([sys.executable, "helpers/gen_coverage_doc.py", "--check"], cwd=ROOT, capture_output=True, text=True)
ok = p.returncode == 0
if not ok:
    print("FAIL stale:", (p.stdout + p.stderr).strip())
print("coverage-doc: %d passed, %d failed" % (int(ok), int(not ok)))
sys.exit(0 if ok else 1)
