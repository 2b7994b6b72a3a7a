import subprocess
import sys
from pathlib import Path

from _serve import healthz, serve

# A detached grandchild in its own session, marked so the test can look for it afterwards.
MARK = Path("mark.txt").read_text().strip()
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", MARK], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
serve({"/healthz": healthz, "/report": lambda: {"sleeping": True}})
