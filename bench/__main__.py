"""`make bench`: run every benchmark script in this folder, one after the other."""
import importlib
import pkgutil
import sys
from pathlib import Path

only = sys.argv[1:]
for module in sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])):
    if not module.startswith("bench_") or (only and module not in only):
        continue
    sys.stdout.write(f"\n=== {module} ===\n")
    sys.stdout.flush()
    importlib.import_module(f"bench.{module}").main()
