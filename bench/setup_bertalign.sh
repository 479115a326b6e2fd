#!/usr/bin/env bash
# Build, from nothing, the bench-only venv that bench/race.py runs bertalign 2.0.1 in.
#
# bertalign 2.0.1 needs Python >= 3.12 (it uses the `type X = ...` statement); our own venv is
# 3.11, so bertalign gets a venv of its own, outside the repo (default /work/bench-venvs/bertalign,
# override with $BERTALIGN_VENV). torch goes in first so bertalign's `torch>=2.2` is already met:
# the CPU wheel from download.pytorch.org when that index answers, else PyPI's wheel of the same
# release (it is the CUDA build and pulls the CUDA runtime wheels, ~3 GB, but on a machine
# without a GPU it runs the same CPU kernels). sentence-transformers / transformers / tokenizers
# are pinned to the versions in our own venv, so both sides encode with the same library code.
set -euo pipefail

VENV=${BERTALIGN_VENV:-/work/bench-venvs/bertalign}
PYENV_ROOT=${PYENV_ROOT:-$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")}
PY312=${PY312:-$PYENV_ROOT/versions/3.12.1/bin/python}
TORCH=torch==2.13.0

"$PY312" -c 'import sys; assert sys.version_info >= (3, 12), sys.version'
rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
"$PY312" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip install --disable-pip-version-check)

if timeout 20 curl -sfI https://download.pytorch.org/whl/cpu/torch/ >/dev/null 2>&1; then
    "${PIP[@]}" "$TORCH" --index-url https://download.pytorch.org/whl/cpu
else
    echo "download.pytorch.org unreachable: installing $TORCH from PyPI (CUDA build)" >&2
    "${PIP[@]}" "$TORCH"
fi
"${PIP[@]}" bertalign==2.0.1 sentence-transformers==6.2.0 transformers==5.24.0 tokenizers==0.23.3

"$VENV/bin/python" - <<'PY'
import importlib.metadata as md
import torch
import bertalign
print("bertalign", md.version("bertalign"), "torch", torch.__version__,
      "sentence-transformers", md.version("sentence-transformers"),
      "transformers", md.version("transformers"))
PY
