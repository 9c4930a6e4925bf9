/* The quiz page: start (name + 学号), one item per screen, practice feedback or exam submit,
   results file and chat code. Bank text only ever goes into textContent. */
(function () {
  "use strict";
  var QUIZ = JSON.parse(document.getElementById("quiz-data").textContent);
  var QZ = window.QZScorer(JSON.parse(document.getElementById("quiz-tables").textContent));
  var EXAM = QUIZ.mode === "exam";
  var ITEMS = QUIZ.items;
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var STORE_KEY = "quizgen:" + QUIZ.id + ":" + QUIZ.mode;
  var TOTAL = ITEMS.reduce(function (s, it) { return s + it.points; }, 0);
  var app = document.getElementById("app");

  /* ------------------------------------------------------------------ storage */

  var memory = null, storageOk = true;
  function load() {
    try { var raw = window.localStorage.getItem(STORE_KEY); return raw ? JSON.parse(raw) : null; }
    catch (e) { storageOk = false; return memory; }
  }
  function save() {
    try { window.localStorage.setItem(STORE_KEY, JSON.stringify(state)); }
    catch (e) { storageOk = false; memory = state; }
  }
  function fresh(student) {
    return { v: 1, student: student || null, started: null, deadline: null, pos: 0, answers: {},
             submitted: null, timedOut: false };
  }
  var state = load();
  if (!state || state.v !== 1) state = fresh(null);

  /* ------------------------------------------------------------------ helpers */

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") e.textContent = v;
      else if (k === "cls") e.className = v;
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    });
    (kids || []).forEach(function (c) { if (c !== null && c !== undefined) e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return e;
  }
  function fmtPts(p) { return (Math.round(p * 100) / 100).toString(); }
  function answerOf(it) { return state.answers[it.id] || (state.answers[it.id] = { r: null, ms: 0, checked: false }); }
  function isAnswered(it) { var a = state.answers[it.id]; return !!(a && a.r !== null && a.r !== undefined); }
  function typeName(it) { return QUIZ.typeNames[it.type] || it.type; }
  function now() { return Date.now(); }
  function clock(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000)), m = Math.floor(s / 60);
    return (m < 10 ? "0" : "") + m + ":" + ((s % 60) < 10 ? "0" : "") + (s % 60);
  }
  function toast(text) {
    var t = el("div", { cls: "toast", role: "status", text: text });
    document.body.appendChild(t);
    setTimeout(function () { t.remove(); }, 2600);
  }
  function modal(title, body, buttons) {
    var box = el("div", { cls: "modal", role: "dialog", "aria-modal": "true", "aria-label": title });
    var close = function () { box.remove(); };
    box.appendChild(el("div", { cls: "modal-card" }, [
      el("h2", { text: title }),
      el("p", { text: body }),
      el("div", { cls: "modal-buttons" }, buttons.map(function (b) {
        return el("button", { cls: b.primary ? "btn primary" : "btn", text: b.label,
                              onclick: function () { close(); if (b.run) b.run(); } });
      }))
    ]));
    document.body.appendChild(box);
    box.querySelector(".primary, .btn").focus();
  }

  /* ------------------------------------------------------------------ time per item */

  var shownAt = null;
  function startClock() { if (shownAt === null && !state.submitted && document.visibilityState !== "hidden") shownAt = now(); }
  function stopClock() {
    if (shownAt === null) return;
    var it = ITEMS[state.pos];
    if (it) answerOf(it).ms += now() - shownAt;
    shownAt = null;
    save();
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") stopClock(); else if (quizShown) startClock();
  });
  window.addEventListener("pagehide", stopClock);

  /* ------------------------------------------------------------------ scoring */

  function scoreOf(it) {
    var a = state.answers[it.id], r = a ? a.r : null;
    if (it.type === "short") return null;
    if (EXAM) return QZ.scoreExam(it, r, QUIZ.policy, QUIZ.salt);
    return QZ.score(it, r, QUIZ.policy);
  }

  /* ------------------------------------------------------------------ rendering an item */

  var BLANK = /_{2,}|＿{2,}|（\s*）|\(\s*\)/;
  function stemNode(it) {
    var box = el("div", { cls: "stem" });
    if (it.type !== "fill") { box.textContent = it.stem; return box; }
    var parts = it.stem.split(BLANK);
    parts.forEach(function (p, i) {
      box.appendChild(document.createTextNode(p));
      if (i < parts.length - 1) box.appendChild(el("span", { cls: "blank", "aria-label": "空格", text: "\u3000\u3000\u3000" }));
    });
    return box;
  }
  function locked(it) { return !!state.submitted || (!EXAM && answerOf(it).checked); }
  function setResponse(it, r) {
    if (locked(it)) return;
    answerOf(it).r = r;
    answerOf(it).at = now();
    save();
    refresh();
  }

  function optionButtons(it, multi) {
    var a = answerOf(it), chosen = a.r || [];
    return el("div", { cls: "options", role: multi ? "group" : "radiogroup" }, it.options.map(function (text, i) {
      var l = LETTERS[i], on = chosen.indexOf(l) >= 0;
      return el("button", {
        cls: "opt" + (on ? " on" : ""), type: "button", role: multi ? "checkbox" : "radio",
        "aria-checked": on ? "true" : "false", disabled: locked(it), "data-letter": l,
        onclick: function () {
          if (!multi) return setResponse(it, [l]);
          var cur = (answerOf(it).r || []).slice(), k = cur.indexOf(l);
          if (k >= 0) cur.splice(k, 1); else cur.push(l);
          cur.sort();
          setResponse(it, cur.length ? cur : null);
        }
      }, [el("span", { cls: "letter", text: l }), el("span", { cls: "text", text: text })]);
    }));
  }
  function tfButtons(it) {
    var r = answerOf(it).r;
    return el("div", { cls: "tf", role: "radiogroup" }, [["对", "√ 正确"], ["错", "× 错误"]].map(function (p) {
      return el("button", { cls: "opt tf-" + (p[0] === "对" ? "t" : "f") + (r === p[0] ? " on" : ""), type: "button",
                            role: "radio", "aria-checked": r === p[0] ? "true" : "false", disabled: locked(it),
                            "data-value": p[0], onclick: function () { setResponse(it, p[0]); } },
                [el("span", { cls: "text", text: p[1] })]);
    }));
  }
  function textInput(it, area) {
    var a = answerOf(it);
    var input = el(area ? "textarea" : "input", {
      cls: area ? "answer-text" : "answer-line", type: area ? null : "text", rows: area ? "6" : null,
      autocomplete: "off", autocapitalize: "off", spellcheck: "false", enterkeyhint: area ? null : "done",
      placeholder: area ? "在这里写下你的回答" : "填写答案", "aria-label": area ? "回答" : "答案", disabled: locked(it)
    });
    input.value = typeof a.r === "string" ? a.r : "";
    input.addEventListener("input", function () {
      var v = input.value;
      answerOf(it).r = v.trim() ? v : null;
      answerOf(it).at = now();
      save();
      refreshChrome();
    });
    if (!area) input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); input.blur(); primaryAction(false); }
    });
    return input;
  }

  /* Order: tap a step to append it, move with ↑ ↓ or by dragging the handle, × puts it back. */
  function orderWidget(it) {
    var seq = (answerOf(it).r || []).slice(), dis = locked(it);
    var rest = LETTERS.slice(0, it.options.length).split("").filter(function (l) { return seq.indexOf(l) < 0; });
    function commit(s) { setResponse(it, s.length ? s : null); }
    var list = el("ol", { cls: "order-list", "aria-label": "你的顺序" });
    seq.forEach(function (l, i) {
      var row = el("li", { cls: "order-row", "data-letter": l }, [
        el("span", { cls: "handle", "aria-hidden": "true", text: "≡" }),
        el("span", { cls: "pos", text: String(i + 1) }),
        el("span", { cls: "text", text: it.options[LETTERS.indexOf(l)] }),
        el("span", { cls: "row-buttons" }, [
          el("button", { type: "button", cls: "mini", "aria-label": "上移", disabled: dis || i === 0, text: "↑",
                         onclick: function () { var s = seq.slice(); s.splice(i - 1, 0, s.splice(i, 1)[0]); commit(s); } }),
          el("button", { type: "button", cls: "mini", "aria-label": "下移", disabled: dis || i === seq.length - 1, text: "↓",
                         onclick: function () { var s = seq.slice(); s.splice(i + 1, 0, s.splice(i, 1)[0]); commit(s); } }),
          el("button", { type: "button", cls: "mini", "aria-label": "移回", disabled: dis, text: "×",
                         onclick: function () { commit(seq.filter(function (x) { return x !== l; })); } })
        ])
      ]);
      if (!dis) dragRow(row, list, function (from, to) { var s = seq.slice(); s.splice(to, 0, s.splice(from, 1)[0]); commit(s); });
      list.appendChild(row);
    });
    var pool = el("div", { cls: "order-pool" }, rest.map(function (l) {
      return el("button", { type: "button", cls: "opt", disabled: dis, "data-letter": l,
                            onclick: function () { commit(seq.concat([l])); } },
                [el("span", { cls: "letter", text: "+" }), el("span", { cls: "text", text: it.options[LETTERS.indexOf(l)] })]);
    }));
    return el("div", { cls: "order" }, [
      el("p", { cls: "hint", text: seq.length ? "你的顺序（拖动 ≡ 或用 ↑ ↓ 调整）：" : "按正确的顺序依次点击下面的步骤：" }),
      seq.length ? list : null,
      rest.length ? el("p", { cls: "hint", text: seq.length ? "还没排的步骤：" : "" }) : null,
      rest.length ? pool : null
    ]);
  }
  function dragRow(row, list, move) {
    var handle = row.querySelector(".handle");
    handle.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      var rows = Array.prototype.slice.call(list.children), from = rows.indexOf(row), startY = e.clientY;
      var h = row.getBoundingClientRect().height || 1;
      row.classList.add("dragging");
      handle.setPointerCapture(e.pointerId);
      function at(y) { return Math.max(0, Math.min(rows.length - 1, from + Math.round((y - startY) / h))); }
      function onMove(ev) { row.style.transform = "translateY(" + (ev.clientY - startY) + "px)"; }
      function onUp(ev) {
        handle.removeEventListener("pointermove", onMove);
        handle.removeEventListener("pointerup", onUp);
        handle.removeEventListener("pointercancel", onUp);
        row.classList.remove("dragging");
        row.style.transform = "";
        var to = at(ev.clientY);
        if (ev.type === "pointerup" && to !== from) move(from, to);
      }
      handle.addEventListener("pointermove", onMove);
      handle.addEventListener("pointerup", onUp);
      handle.addEventListener("pointercancel", onUp);
    });
  }

  /* Match: the descriptions once, then a row of letter buttons per term. */
  function matchWidget(it) {
    var r = answerOf(it).r || it.left.map(function () { return ""; }), dis = locked(it);
    var letters = LETTERS.slice(0, it.options.length).split("");
    return el("div", { cls: "match" }, [
      el("ol", { cls: "match-options" }, it.options.map(function (text, i) {
        return el("li", {}, [el("span", { cls: "letter", text: LETTERS[i] }), el("span", { cls: "text", text: text })]);
      })),
      el("div", { cls: "match-rows" }, it.left.map(function (term, i) {
        return el("div", { cls: "match-row" }, [
          el("div", { cls: "term", text: (i + 1) + ". " + term }),
          el("div", { cls: "seg", role: "radiogroup", "aria-label": term }, letters.map(function (l) {
            var on = r[i] === l;
            return el("button", { type: "button", cls: "seg-btn" + (on ? " on" : ""), role: "radio",
                                  "aria-checked": on ? "true" : "false", disabled: dis, "data-term": String(i), "data-letter": l, text: l,
                                  onclick: function () {
                                    var cur = (answerOf(it).r || it.left.map(function () { return ""; })).slice();
                                    cur[i] = cur[i] === l ? "" : l;
                                    setResponse(it, cur.some(function (x) { return x; }) ? cur : null);
                                  } });
          }))
        ]);
      }))
    ]);
  }

  function controls(it) {
    switch (it.type) {
      case "choice": return optionButtons(it, false);
      case "multi": return optionButtons(it, true);
      case "tf": return tfButtons(it);
      case "fill": return textInput(it, false);
      case "short": return textInput(it, true);
      case "order": return orderWidget(it);
      case "match": return matchWidget(it);
    }
    return el("p", { text: "?" });
  }

  /* ------------------------------------------------------------------ feedback (practice) */

  function rightAnswer(it) {
    var a = it.answer || [];
    if (it.type === "choice" || it.type === "multi")
      return a.map(function (l) { return l + ". " + it.options[LETTERS.indexOf(l)]; }).join("；");
    if (it.type === "order") return a.map(function (l, i) { return (i + 1) + ". " + it.options[LETTERS.indexOf(l)]; }).join("\n");
    if (it.type === "match") return it.left.map(function (t, i) { return t + " → " + a[i] + ". " + it.options[LETTERS.indexOf(a[i])]; }).join("\n");
    if (it.type === "tf") return a[0] === "对" ? "√ 正确" : "× 错误";
    if (it.type === "fill") {
      var others = [];
      (it.accept || []).forEach(function (x) { if (x !== a[0] && others.indexOf(x) < 0) others.push(x); });
      return a[0] + (others.length ? "（也可：" + others.join("、") + "）" : "");
    }
    return a[0] || "";
  }
  function verdict(s, it) {
    var got = s.fraction * it.points;
    if (s.correct) return ["ok", "✓ 正确", "+" + fmtPts(got) + " 分"];
    if (s.fraction > 0) return ["part", "◐ 部分正确", fmtPts(got) + " / " + fmtPts(it.points) + " 分"];
    return ["bad", "✗ " + (isAnswered(it) ? "错误" : "未作答"), "0 / " + fmtPts(it.points) + " 分"];
  }
  function partsNode(it, s) {
    if (!s.parts.length || (s.correct && it.type !== "fill")) return null;
    if (it.type === "fill") {
      var p = s.parts[0];
      return el("p", { cls: "note", text: s.correct ? "有小的拼写错误，按正确处理：" + p.expected : "有错别字，正确写法：" + p.expected });
    }
    return el("ul", { cls: "marks" }, s.parts.map(function (p) {
      var mark = p.ok === true ? "✓" : p.ok === null ? "漏选" : "✗", text;
      if (it.type === "multi") text = p.label + "  " + (p.given ? "选了" : "没选") + " · " + (p.expected ? "正确选项" : "不该选");
      else if (it.type === "order") text = "第 " + p.label + " 步：" + (p.given || "—") + (p.ok ? "" : "（应为 " + p.expected + "）");
      else text = p.label + " → " + (p.given || "—") + (p.ok ? "" : "（应为 " + p.expected + "）");
      return el("li", { cls: p.ok === true ? "ok" : "bad" }, [el("span", { cls: "mark", text: mark }), el("span", { text: text })]);
    }));
  }
  function feedbackNode(it) {
    if (it.type === "short") {
      var kps = it.key_points || [];
      return el("div", { cls: "feedback info" }, [
        el("p", { cls: "verdict", text: "参考答案（本题由老师评分）" }),
        el("p", { cls: "pre", text: it.answer[0] || "" }),
        kps.length ? el("p", { cls: "label", text: "评分要点" }) : null,
        kps.length ? el("ol", { cls: "kp" }, kps.map(function (k) { return el("li", { text: k[0] + "（" + fmtPts(k[1]) + " 分）" }); })) : null
      ]);
    }
    var s = scoreOf(it), v = verdict(s, it);
    return el("div", { cls: "feedback " + v[0] }, [
      el("p", { cls: "verdict" }, [el("strong", { text: v[1] }), el("span", { cls: "got", text: v[2] })]),
      s.correct ? null : el("p", { cls: "label", text: "正确答案" }),
      s.correct ? null : el("p", { cls: "pre", text: rightAnswer(it) }),
      partsNode(it, s),
      it.explanation ? el("p", { cls: "label", text: "解析" }) : null,
      it.explanation ? el("p", { cls: "pre", text: it.explanation }) : null
    ]);
  }

  /* ------------------------------------------------------------------ screens */

  var quizShown = false, timerId = null;

  function header(extra) {
    return el("header", { cls: "bar" }, [el("h1", { text: QUIZ.title })].concat(extra || []));
  }

  function startScreen() {
    quizShown = false;
    app.textContent = "";
    var name = el("input", { id: "student-name", type: "text", autocomplete: "name", enterkeyhint: "next", required: true });
    var sid = el("input", { id: "student-id", type: "text", autocomplete: "off", inputmode: "text", enterkeyhint: "go", required: true });
    if (state.student) { name.value = state.student.name; sid.value = state.student.id; }
    var msg = el("p", { cls: "error", role: "alert" });
    function go(e) {
      if (e) e.preventDefault();
      var n = name.value.trim(), i = sid.value.trim();
      if (!n || !i) { msg.textContent = !n ? "请填写姓名。" : "请填写学号。"; (!n ? name : sid).focus(); return; }
      state.student = { name: n, id: i };
      if (!state.started) {
        state.started = now();
        if (EXAM && QUIZ.timeLimit) state.deadline = state.started + QUIZ.timeLimit * 60000;
      }
      save();
      quizScreen();
    }
    var lines = [
      "共 " + ITEMS.length + " 题，满分 " + fmtPts(TOTAL) + " 分。",
      EXAM ? "考试模式：交卷前不显示对错。" + (QUIZ.timeLimit ? "限时 " + fmtPts(QUIZ.timeLimit) + " 分钟，时间到自动交卷。" : "")
           : "练习模式：每题作答后点“检查”，立即看到对错和解析。",
      "答案保存在本机浏览器里，刷新或关闭页面后可以接着做。"
    ];
    app.appendChild(header());
    app.appendChild(el("main", { cls: "screen start" }, [
      el("div", { cls: "card" }, lines.map(function (t) { return el("p", { text: t }); }).concat([
        el("form", { cls: "who", onsubmit: go, novalidate: true }, [
          el("label", { for: "student-name", text: "姓名" }), name,
          el("label", { for: "student-id", text: "学号" }), sid,
          msg,
          el("button", { type: "submit", cls: "btn primary wide", id: "start", text: state.started ? "继续作答" : "开始" })
        ])
      ]))
    ]));
    if (!storageOk) toast("这个浏览器不能保存进度：请不要刷新或关闭页面。");
  }

  function quizScreen() {
    if (state.submitted) return doneScreen();
    quizShown = true;
    app.textContent = "";
    var timer = EXAM && state.deadline ? el("span", { cls: "timer", id: "timer", role: "timer" }) : null;
    var bar = header([
      el("span", { cls: "progress", id: "progress" }),
      timer,
      el("button", { type: "button", cls: "btn small", id: "open-nav", text: "题目", onclick: navSheet })
    ]);
    var cards = el("main", { cls: "screen quiz", id: "cards" });
    var foot = el("nav", { cls: "foot" }, [
      el("button", { type: "button", cls: "btn", id: "prev", text: "上一题", onclick: function () { go(state.pos - 1); } }),
      el("button", { type: "button", cls: "btn primary", id: "primary", onclick: function () { primaryAction(false); } })
    ]);
    app.appendChild(bar);
    app.appendChild(el("div", { cls: "meter" }, [el("div", { cls: "meter-fill", id: "meter" })]));
    app.appendChild(cards);
    app.appendChild(foot);
    ITEMS.forEach(function (it, i) { cards.appendChild(el("article", { cls: "card item", "data-index": String(i), "data-id": it.id })); });
    refresh();
    if (timer) { tick(); timerId = setInterval(tick, 1000); }
    startClock();
  }

  function renderCard(i) {
    var it = ITEMS[i], card = app.querySelector('article[data-index="' + i + '"]');
    card.textContent = "";
    card.hidden = i !== state.pos;
    card.appendChild(el("div", { cls: "meta" }, [
      el("span", { cls: "num", text: (i + 1) + " / " + ITEMS.length }),
      el("span", { cls: "badge", text: typeName(it) }),
      el("span", { cls: "pts", text: fmtPts(it.points) + " 分" })
    ]));
    card.appendChild(stemNode(it));
    card.appendChild(el("div", { cls: "answer" }, [controls(it)]));
    if (!EXAM && answerOf(it).checked) card.appendChild(feedbackNode(it));
  }
  function refresh() {
    var active = document.activeElement, keepFocus = active && active.closest && active.closest("article");
    ITEMS.forEach(function (_, i) { if (i === state.pos || !app.querySelector('article[data-index="' + i + '"]').childElementCount) renderCard(i); });
    ITEMS.forEach(function (_, i) { app.querySelector('article[data-index="' + i + '"]').hidden = i !== state.pos; });
    if (keepFocus && active.dataset) {
      var same = app.querySelector('article[data-index="' + state.pos + '"] [data-letter="' + (active.dataset.letter || "") + '"]' +
                                  (active.dataset.term ? '[data-term="' + active.dataset.term + '"]' : ""));
      if (same) same.focus();
    }
    refreshChrome();
  }
  function refreshChrome() {
    var it = ITEMS[state.pos], done = ITEMS.filter(isAnswered).length;
    var prog = document.getElementById("progress");
    if (!prog) return;
    prog.textContent = "已答 " + done + " / " + ITEMS.length;
    document.getElementById("meter").style.width = (100 * done / ITEMS.length) + "%";
    document.getElementById("prev").disabled = state.pos === 0;
    var p = document.getElementById("primary"), last = state.pos === ITEMS.length - 1;
    if (!EXAM && !answerOf(it).checked && isAnswered(it)) p.textContent = it.type === "short" ? "看参考答案" : "检查";
    else if (last) p.textContent = EXAM ? "交卷" : "完成";
    else p.textContent = "下一题";
  }
  function go(i) {
    if (i < 0 || i >= ITEMS.length || i === state.pos) return;
    stopClock();
    state.pos = i;
    save();
    refresh();
    window.scrollTo(0, 0);
    startClock();
  }
  function missingParts(it) {
    var r = answerOf(it).r || [];
    if (it.type === "order") return it.options.length - r.length;
    if (it.type === "match") return r.filter(function (x) { return !x; }).length;
    return 0;
  }
  function primaryAction(force) {
    var it = ITEMS[state.pos], last = state.pos === ITEMS.length - 1;
    if (!EXAM && !answerOf(it).checked && isAnswered(it)) {
      var open = missingParts(it);
      if (open && !force) {
        modal("还没做完", "这题还有 " + open + " 项没有" + (it.type === "order" ? "排" : "配对") + "，现在检查会算错。", [
          { label: "接着做" },
          { label: "检查", primary: true, run: function () { primaryAction(true); } }
        ]);
        return;
      }
      answerOf(it).checked = true;
      save();
      refresh();
      var fb = app.querySelector('article[data-index="' + state.pos + '"] .feedback');
      if (fb) fb.scrollIntoView({ block: "nearest" });
      return;
    }
    if (!last) return go(state.pos + 1);
    submitAsk();
  }
  function submitAsk() {
    var open = ITEMS.filter(function (it) { return !isAnswered(it); }).length;
    var body = open ? "还有 " + open + " 题没有作答。" : "所有题目都已作答。";
    modal(EXAM ? "交卷？" : "结束练习？", body + (EXAM ? "交卷后不能再修改答案。" : ""), [
      { label: "再看看" },
      { label: EXAM ? "交卷" : "结束", primary: true, run: function () { submit(false); } }
    ]);
  }
  function submit(timedOut) {
    stopClock();
    if (timerId) clearInterval(timerId);
    state.submitted = now();
    state.timedOut = timedOut;
    save();
    doneScreen();
  }
  function tick() {
    var left = state.deadline - now(), t = document.getElementById("timer");
    if (t) { t.textContent = "剩余 " + clock(left); t.classList.toggle("low", left < 60000); }
    if (left <= 0 && !state.submitted) submit(true);
  }

  function navSheet() {
    var sheet = el("div", { cls: "modal", role: "dialog", "aria-modal": "true", "aria-label": "题目" });
    var close = function () { sheet.remove(); };
    sheet.addEventListener("click", function (e) { if (e.target === sheet) close(); });
    var grid = el("div", { cls: "grid" }, ITEMS.map(function (it, i) {
      var cls = "cell" + (isAnswered(it) ? " done" : "") + (i === state.pos ? " here" : "");
      if (!EXAM && answerOf(it).checked && it.type !== "short") {
        var s = scoreOf(it);
        cls += s.correct ? " ok" : s.fraction > 0 ? " part" : " bad";
      }
      return el("button", { type: "button", cls: cls, text: String(i + 1), "aria-label": "第 " + (i + 1) + " 题",
                            onclick: function () { close(); go(i); } });
    }));
    sheet.appendChild(el("div", { cls: "modal-card" }, [
      el("h2", { text: "题目" }), grid,
      el("div", { cls: "modal-buttons" }, [
        el("button", { type: "button", cls: "btn", text: "返回", onclick: close }),
        el("button", { type: "button", cls: "btn primary", id: "finish", text: EXAM ? "交卷" : "结束练习",
                       onclick: function () { close(); submitAsk(); } })
      ])
    ]));
    document.body.appendChild(sheet);
  }

  /* ------------------------------------------------------------------ results */

  function canon(v) {
    if (v === null || typeof v !== "object") return JSON.stringify(v);
    if (Array.isArray(v)) return "[" + v.map(canon).join(",") + "]";
    return "{" + Object.keys(v).sort().map(function (k) { return JSON.stringify(k) + ":" + canon(v[k]); }).join(",") + "}";
  }
  function iso(ms) { return ms ? new Date(ms).toISOString() : null; }
  function results() {
    var r = {
      format: "quizgen-results", version: 1,
      quiz: { id: QUIZ.id, title: QUIZ.title, mode: QUIZ.mode, items: ITEMS.length },
      student: state.student,
      started_at: iso(state.started), submitted_at: iso(state.submitted), timed_out: !!state.timedOut,
      responses: ITEMS.map(function (it) {
        var a = state.answers[it.id] || {};
        var resp = a.r === undefined ? null : a.r;
        return { item_id: it.id, seen: it.seen, response: resp, ms: Math.round(a.ms || 0), checked: !!a.checked };
      })
    };
    r.checksum = window.sha256("quizgen-results/1\n" + canon(r));
    return r;
  }
  function fileName() { return "results-" + String(state.student.id).replace(/[\\/:*?"<>|\s]+/g, "_") + ".json"; }
  function b64url(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function chatCode(text) {
    var bytes = new TextEncoder().encode(text);
    if (typeof CompressionStream === "undefined") return Promise.resolve("QZR1J." + b64url(bytes) + ".");
    var stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
    return new Response(stream).arrayBuffer().then(function (buf) { return "QZR1D." + b64url(new Uint8Array(buf)) + "."; },
                                                   function () { return "QZR1J." + b64url(bytes) + "."; });
  }

  function doneScreen() {
    quizShown = false;
    app.textContent = "";
    var text = JSON.stringify(results(), null, 1);
    var scored = ITEMS.map(function (it) { return [it, scoreOf(it)]; });
    var objective = scored.filter(function (p) { return p[1] !== null; });
    var got = objective.reduce(function (s, p) { return s + p[1].fraction * p[0].points; }, 0);
    var max = objective.reduce(function (s, p) { return s + p[0].points; }, 0);
    var shortPts = ITEMS.filter(function (it) { return it.type === "short"; }).reduce(function (s, it) { return s + it.points; }, 0);
    var summary = [];
    if (state.timedOut) summary.push(el("p", { cls: "warn", text: "时间到，已自动交卷。" }));
    if (objective.length) summary.push(el("p", { cls: "score", id: "score" }, [
      el("strong", { text: fmtPts(got) }), " / " + fmtPts(max) + " 分" + (shortPts ? "（客观题）" : "")]));
    else if (EXAM) summary.push(el("p", { text: "答案已记录，成绩由老师公布。" }));
    if (shortPts && objective.length) summary.push(el("p", { cls: "muted", text: "简答题 " + fmtPts(shortPts) + " 分由老师评分。" }));
    var list = el("ol", { cls: "result-list" }, scored.map(function (p) {
      var it = p[0], s = p[1], mark = "·", cls = "";
      if (!isAnswered(it)) mark = "未答";
      else if (s === null) mark = it.type === "short" ? "待评" : "已答";
      else { mark = s.correct ? "✓" : s.fraction > 0 ? "◐" : "✗"; cls = s.correct ? "ok" : s.fraction > 0 ? "part" : "bad"; }
      return el("li", { cls: cls }, [el("span", { cls: "mark", text: mark }),
                                     el("span", { cls: "badge", text: typeName(it) }),
                                     el("span", { cls: "gist", text: it.stem.replace(/\s+/g, " ") })]);
    }));
    var codeBox = el("textarea", { id: "code", cls: "code", readonly: true, rows: "4", "aria-label": "提交码" });
    codeBox.value = "正在生成…";
    chatCode(text).then(function (c) { codeBox.value = c; });
    function download() {
      var url = URL.createObjectURL(new Blob([text + "\n"], { type: "application/json" }));
      var a = el("a", { href: url, download: fileName() });
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 4000);
    }
    function copy() {
      codeBox.select();
      var ok = false;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(codeBox.value).then(function () { toast("已复制，粘贴到聊天里发给老师。"); },
                                                          function () { toast("请长按上面的文字，手动复制。"); });
        return;
      }
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      toast(ok ? "已复制，粘贴到聊天里发给老师。" : "请长按上面的文字，手动复制。");
    }
    var file = typeof File !== "undefined" ? new File([text + "\n"], fileName(), { type: "application/json" }) : null;
    var canShare = !!(file && navigator.canShare && navigator.canShare({ files: [file] }));
    app.appendChild(header());
    app.appendChild(el("main", { cls: "screen done" }, [
      el("div", { cls: "card" }, [
        el("h2", { text: EXAM ? "已交卷" : "练习完成" }),
        el("p", { cls: "muted", text: state.student.name + " · " + state.student.id }),
        el("div", { cls: "summary" }, summary),
        list
      ]),
      el("div", { cls: "card send" }, [
        el("h2", { text: "把结果交给老师" }),
        el("p", { text: "下载成绩文件 " + fileName() + " 发给老师；在聊天软件里打不开下载时，复制下面的提交码发过去。" }),
        el("div", { cls: "row" }, [
          el("button", { type: "button", cls: "btn primary", id: "download", text: "下载成绩文件", onclick: download }),
          canShare ? el("button", { type: "button", cls: "btn", id: "share", text: "分享",
                                    onclick: function () { navigator.share({ files: [file], title: fileName() }).catch(function () {}); } }) : null
        ]),
        codeBox,
        el("button", { type: "button", cls: "btn", id: "copy", text: "复制提交码", onclick: copy })
      ]),
      el("div", { cls: "card again" }, [
        el("button", { type: "button", cls: "btn", id: "again", text: EXAM ? "换一位同学作答" : "再练一次",
                       onclick: function () {
                         modal(EXAM ? "换一位同学？" : "再练一次？", EXAM ? "本机上这份答卷会被清除，请先确认结果已经交给老师。" : "清除这次的答案，重新开始。", [
                           { label: "取消" },
                           { label: "确定", primary: true, run: function () { state = fresh(EXAM ? null : state.student); save(); startScreen(); } }
                         ]);
                       } })
      ])
    ]));
  }

  window.addEventListener("keydown", function (e) {
    if (!quizShown || e.target.tagName === "INPUT" || e.target.tagName === "TEXTAREA" || document.querySelector(".modal")) return;
    if (e.key === "ArrowRight") go(state.pos + 1);
    else if (e.key === "ArrowLeft") go(state.pos - 1);
  });

  if (state.submitted) doneScreen();
  else if (state.student && state.started) quizScreen();
  else startScreen();
  window.QZ = QZ;
})();
