# Sourced by run.sh and test.sh: a virtual environment in .venv with requirements.txt.
# Re-installs only when requirements.txt changed.
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
# A .venv that does not run, or runs another Python than $PYTHON (a copy from another machine,
# a system upgrade), is made anew rather than trusted.
pyver() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }
if [ -e .venv ] && [ "$(pyver .venv/bin/python)" != "$(pyver "$PYTHON")" ]; then
  echo "setup: .venv does not run Python $(pyver "$PYTHON"); making it anew" >&2
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.txt | cut -c1-64)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
  .venv/bin/python -m pip install --quiet -r requirements.txt
  echo "$want" > "$stamp"
fi
