#!/usr/bin/env bash
# The main job on the bundled bank: parse the notes, show the bank. Later stages
# (generate, grade, export) append their step here.
set -euo pipefail
cd "$(dirname "$0")/.."
QG=.venv/bin/quizgen
OUT=${DEMO_OUT:-demo-out}
mkdir -p "$OUT"

echo "== quizgen parse bank/deep_learning.md"
$QG parse bank/deep_learning.md --title "深度学习基础" -o "$OUT/deep_learning.yaml"
echo
echo "== quizgen bank stats"
$QG bank stats "$OUT/deep_learning.yaml"
echo
echo "== quizgen bank show (question 1)"
$QG bank show "$OUT/deep_learning.yaml" 1
