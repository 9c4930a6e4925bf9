#!/usr/bin/env bash
# The main job on the bundled bank, end to end: notes -> bank -> items -> quiz / paper / grade.
# Uses only what the repository ships (bank/). Outputs go to $OUT (default demo-out/).
set -euo pipefail
cd "$(dirname "$0")/.."
QG=.venv/bin/quizgen
OUT=${DEMO_OUT:-demo-out}
mkdir -p "$OUT"
export QUIZGEN_HOME="$OUT/home"   # progress and caches stay inside the demo folder

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "quizgen parse bank/deep_learning.md -o $OUT/deep_learning.yaml"
$QG parse bank/deep_learning.md --title "深度学习基础" -o "$OUT/deep_learning.yaml"

step "quizgen bank stats"
$QG bank stats "$OUT/deep_learning.yaml"

step "quizgen bank show (question 1)"
$QG bank show "$OUT/deep_learning.yaml" 1

step "quizgen generate: 20 items, seed 7, with the report"
$QG generate "$OUT/deep_learning.yaml" -n 20 --seed 7 -o "$OUT/items.yaml" --report
head -n 24 "$OUT/items.yaml"

step "quizgen quiz: answers piped in, one per line (progress kept in $QUIZGEN_HOME)"
rm -f "$QUIZGEN_HOME"/progress.sqlite3*
printf 'A\n神经网络\nh\n对\nRNN\n' |
  $QG quiz "$OUT/deep_learning.yaml" -n 4 --types choice,tf,fill --seed 7 --embedder none

step "quizgen stats"
$QG stats "$OUT/deep_learning.yaml" --top 3

step "quizgen export: HTML and Word papers with answer keys, Moodle XML, an Anki deck, a QTI package"
$QG export "$OUT/items.yaml" -o "$OUT/paper.html" --answer-key
$QG export "$OUT/items.yaml" -o "$OUT/quiz.moodle.xml" -f moodle
$QG export "$OUT/items.yaml" -o "$OUT/deck.apkg"
$QG export "$OUT/items.yaml" -o "$OUT/paper.docx" --answer-key --subject 深度学习基础 --exam-time 120分钟 \
  --notice "请将答案写在答题纸上，写在试卷上无效。"
$QG export "$OUT/items.yaml" -o "$OUT/quiz.zip" -f qti --multi-scoring partial   # QTI 2.1, scored in points

step "quizgen grade bank/sample_answers.csv (use-m3 embedder, shipped default)"
COLUMNS=${COLUMNS:-120} $QG grade "$OUT/deep_learning.yaml" bank/sample_answers.csv -f table
$QG grade "$OUT/deep_learning.yaml" bank/sample_answers.csv -o "$OUT/grades.csv"

step "quizgen export -f web: an exam page for phones; 40 simulated students hand in; collect and analyse"
$QG export "$OUT/items.yaml" -f web --mode exam --time-limit 20 -o "$OUT/quiz.html"
rm -rf "$OUT/answers" && .venv/bin/python scripts/simulate_class.py "$OUT/items.yaml" "$OUT/answers"
COLUMNS=${COLUMNS:-120} $QG results collect "$OUT/answers" --items "$OUT/items.yaml" -o "$OUT/results.csv" | tail -n 5
COLUMNS=${COLUMNS:-120} $QG analyze "$OUT/items.yaml" "$OUT/results.csv" --bank "$OUT/deep_learning.yaml" -o "$OUT/report.html"

step "quizgen review --lang zh: what is due, options reshuffled, in Chinese (piped: no pauses)"
printf 's\nq\n' | $QG review "$OUT/deep_learning.yaml" --seed 1 --embedder none --lang zh

step "quizgen doctor: the progress store and caches"
$QG doctor

step "quizgen grade: a reversed fact, shuffled words and a copied question (keywords only)"
printf '%s\n' 'question,reference_answer,student_answer' \
  'TCP和UDP有什么区别？,TCP是面向连接的，UDP是无连接的。,UDP是面向连接的，TCP是无连接的。' \
  '什么是栈？,栈是一种后进先出的数据结构。,数据结构 后进先出 栈 线性' \
  '什么是栈？,栈是一种后进先出的数据结构。,什么是栈？' > "$OUT/tricks.csv"
COLUMNS=${COLUMNS:-120} $QG grade --pairs "$OUT/tricks.csv" -e none -f table

step "done: see $OUT/ (paper.html, paper-key.html, paper.docx, quiz.moodle.xml, quiz.zip, deck.apkg, items.yaml, grades.csv, quiz.html, results.csv, report.html)"
