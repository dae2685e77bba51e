#!/usr/bin/env bash
# Installs a real OpenAI-compatible server for the assistant's HTTP-backend test:
# llama-cpp-python's server (llama.cpp behind /v1/chat/completions with tools and streaming),
# built from its PyPI source package into ~/.cache/daiw/llm-server-venv ($DAIW_LLM_SERVER_VENV
# moves it; outside the work tree so a fresh clone on the same machine reuses it). Idempotent:
# skipped when the server already imports. Build time on 2 cores: about 6 minutes (llama.cpp
# compiles from source; PyPI has no binary wheel of it).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${DAIW_LLM_SERVER_VENV:-$HOME/.cache/daiw/llm-server-venv}"
PACKAGE="llama-cpp-python[server]==0.3.36"
CHECK='import llama_cpp, llama_cpp.server, uvicorn, fastapi, sse_starlette'

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "$CHECK" 2>/dev/null; then
  echo "llm-server: $VENV ready"
  exit 0
fi

started=$(date +%s)
mkdir -p "$(dirname "$VENV")"
python3 -m venv "$VENV"
# CPU only, no BLAS, no tools or examples: the smallest build that serves a GGUF model.
export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_BLAS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_CURL=OFF"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$PACKAGE"
"$VENV/bin/python" -c "$CHECK"
echo "llm-server: $VENV installed in $(( $(date +%s) - started )) s"
