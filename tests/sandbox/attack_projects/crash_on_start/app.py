import sys

print("starting, then failing on purpose", flush=True)
sys.exit(3)
