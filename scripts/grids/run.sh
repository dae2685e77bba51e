#!/usr/bin/env bash
# Runs the request grids (scripts/grids/*.py) through the router and prints each grid's
# misses: a diagnostic for finding whole intents the router does not read, kept out of the
# request corpus and of CI (its expectations are one engineer's, and some are debatable).
#   scripts/grids/run.sh            every grid, a line each
#   scripts/grids/run.sh taking_away   one grid, with its misses
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo test -j2 --profile release-checked --features standalone --test assistant_corpus --no-run -q 2>/dev/null
bin=$(ls -t target/release-checked/deps/assistant_corpus-* | grep -v '\.d$' | head -1)
grid_file=tests/data/requests/zz_grid.json
trap 'rm -f "$grid_file"' EXIT
for script in scripts/grids/${1:-*}.py; do
  name=$(basename "$script" .py)
  [ "$name" = "${1:-$name}" ] || continue
  python3 "$script" "$grid_file" >/dev/null
  total=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['cases']))" "$grid_file")
  out=$(DAIW_CORPUS_BACKEND=none DAIW_CORPUS_SPLITS=dev "$bin" request_corpus --nocapture 2>&1 || true)
  misses=$(grep '^MISS \[dev grid' <<<"$out" || true)
  printf '%-24s %4d requests, %3d misses\n' "$name" "$total" "$(grep -c . <<<"$misses" || true)"
  if [ -n "${1:-}" ]; then printf '%s\n' "$misses"; fi
  rm -f "$grid_file"
done
