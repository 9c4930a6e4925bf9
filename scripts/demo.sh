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
echo
echo "== quizgen quiz (answers piped in, one per line; progress kept in \$OUT/home)"
rm -f "$OUT"/home/progress.sqlite3*
printf 'A\n神经网络\nh\n对\nRNN\n' |
  QUIZGEN_HOME="$OUT/home" $QG quiz "$OUT/deep_learning.yaml" -n 4 --types choice,tf,fill --seed 7 --embedder none
echo
echo "== quizgen stats"
QUIZGEN_HOME="$OUT/home" $QG stats "$OUT/deep_learning.yaml" --top 3
echo
echo "== quizgen export (an HTML paper with its answer key, and a Moodle XML file)"
$QG export "$OUT/deep_learning.yaml" -o "$OUT/paper.html" --answer-key -n 20 --seed 7
$QG export "$OUT/deep_learning.yaml" -o "$OUT/quiz.moodle.xml" -f moodle -n 20 --seed 7
echo
echo "== quizgen generate (20 items, seed 7, with the report)"
$QG generate "$OUT/deep_learning.yaml" -n 20 --seed 7 -o "$OUT/items.yaml" --report
head -n 24 "$OUT/items.yaml"
echo
echo "== quizgen grade (bank/sample_answers.csv: use-m3 embedder, shipped default; CSV in \$OUT/grades.csv)"
QUIZGEN_HOME="$OUT/home" COLUMNS=${COLUMNS:-120} $QG grade "$OUT/deep_learning.yaml" bank/sample_answers.csv -f table
QUIZGEN_HOME="$OUT/home" $QG grade "$OUT/deep_learning.yaml" bank/sample_answers.csv -o "$OUT/grades.csv"
