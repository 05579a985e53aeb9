#!/usr/bin/env bash
# Builds the NHS.UK frontend assets into frontend/build/ (listed in STATICFILES_DIRS).
# Run from the repository root after `npm ci --ignore-scripts --no-audit --no-fund`.
set -euo pipefail

cd "$(dirname "$0")/.."

nhsuk=node_modules/nhsuk-frontend/dist/nhsuk
out=frontend/build

if [[ ! -d "$nhsuk" ]]; then
  echo "node_modules/nhsuk-frontend is missing: run npm ci --ignore-scripts --no-audit --no-fund" >&2
  exit 1
fi

mkdir -p "$out/css" "$out/js" "$out/nhsuk"

node_modules/.bin/sass --no-source-map --style=compressed --load-path=node_modules \
  frontend/scss/main.scss "$out/css/main.css"

cp "$nhsuk/nhsuk-frontend.min.js" "$nhsuk/nhsuk-frontend.min.js.map" "$out/js/"
rm -rf "$out/nhsuk/assets"
cp -R "$nhsuk/assets" "$out/nhsuk/assets"

echo "Built $out/css/main.css, $out/js/nhsuk-frontend.min.js and $out/nhsuk/assets/"
