#!/bin/sh
# Bench setup, run by `npm run bench` before anything is measured: installs the
# age CLI (Debian package `age`), a peer of measurements 4 and 5, when it is
# missing and this machine can install it. Where it cannot, the bench skips age
# and RESULTS.md says why.
if command -v age >/dev/null 2>&1 && command -v age-keygen >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "bench setup: age is not installed and apt-get is not available; age will be skipped" >&2
  exit 0
fi
if [ "$(id -u)" = 0 ]; then
  run=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run="sudo -n"
else
  echo "bench setup: age is not installed and installing it needs root (apt-get install age); age will be skipped" >&2
  exit 0
fi
echo "bench setup: installing age (apt-get install age)" >&2
if ! { $run apt-get update -qq && $run apt-get install -y -qq age >/dev/null; }; then
  echo "bench setup: installing age failed; age will be skipped" >&2
fi
exit 0
