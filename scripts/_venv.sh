# Sourced by scripts/serve and scripts/test: a local virtualenv with the project installed.
# Re-installs only when pyproject.toml changed since the last install (a stamp file).
set -euo pipefail
extras="$1"
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtualenv in .venv ..."
  "$python" -m venv .venv
fi
stamp=".venv/.installed-$extras"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "Installing Cercle and its dependencies ($extras) into .venv ..."
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[$extras]"
  touch "$stamp"
fi
# Compile the translation catalogs (.po -> .mo); quick, and keeps them in step with the .po.
.venv/bin/pybabel --quiet compile -d community/translations
