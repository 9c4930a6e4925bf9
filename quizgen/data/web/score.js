/* The page's scorer: quizgen.scoring rule for rule (tests score the same responses in Python and
   here). `tables` are Python's own normalisation data (quizgen.export.web.normalisation_tables).
   Strings are handled as code points, as Python does. */
(function (root) {
  "use strict";
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  var TRUE = "对", FALSE = "错";

  function makeScorer(tables) {
    var fold = tables.fold, drop = new Set(Array.from(tables.drop)), space = new Set(Array.from(tables.space));
    var trueWords = new Set(tables["true"]), falseWords = new Set(tables["false"]);
    var tfStrip = new Set(Array.from(tables.tfStrip));
    var hashFn = root.sha256;

    function cps(s) { return Array.from(s); }
    function caseFold(s) {
      var out = "";
      for (var ch of s) out += Object.prototype.hasOwnProperty.call(fold, ch) ? fold[ch] : ch.toLowerCase();
      return out;
    }
    /* quizgen.text.normalize_loose: NFKC, casefold, no punctuation or spaces. */
    function normalizeLoose(s) {
      var out = "";
      for (var ch of caseFold(s.normalize("NFKC"))) if (!drop.has(ch)) out += ch;
      return out;
    }
    function trimSet(s, set, left) {
      var a = cps(s), i = 0, j = a.length;
      if (left) while (i < j && set.has(a[i])) i++;
      while (j > i && set.has(a[j - 1])) j--;
      return a.slice(i, j).join("");
    }
    function pyStrip(s) { return trimSet(s, space, true); }
    function isCjk(ch) {
      var c = ch.codePointAt(0);
      return (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
    }
    function unique(a) { var seen = new Set(), out = []; a.forEach(function (x) { if (!seen.has(x)) { seen.add(x); out.push(x); } }); return out; }
    function sameList(a, b) { return a.length === b.length && a.every(function (x, i) { return x === b[i]; }); }

    /* ('a', ' C') / 'A,C' / 'ac' -> ['A', 'C'] */
    function letters(resp) {
      if (resp === null || resp === undefined) return [];
      var parts = typeof resp === "string" ? [resp] : resp.map(function (r) { return String(r); });
      var out = [];
      parts.forEach(function (p) { for (var ch of p.toUpperCase()) if (ch.length === 1 && LETTERS.indexOf(ch) >= 0) out.push(ch); });
      return out;
    }
    function valid(item) { return LETTERS.slice(0, (item.options || []).length); }
    function result(fraction, detail, correct, parts) {
      fraction = Math.max(0, Math.min(1, fraction));
      return { fraction: fraction, correct: correct === undefined || correct === null ? fraction >= 1 : correct,
               detail: detail, parts: parts || [] };
    }
    function part(label, given, expected, ok) { return { label: label, given: given, expected: expected, ok: ok }; }

    function choice(item, resp) {
      var key = item.answer[0], picked = unique(letters(resp));
      if (!picked.length) return result(0, "no answer");
      if (picked.length > 1) return result(0, "several");
      if (picked[0] === key) return result(1, "right");
      if (valid(item).indexOf(picked[0]) < 0) return result(0, "not an option");
      return result(0, "wrong");
    }
    function multi(item, resp, rule) {
      var right = item.answer.slice(), picked = unique(letters(resp));
      var parts = [];
      for (var l of valid(item)) {
        var p = picked.indexOf(l) >= 0, r = right.indexOf(l) >= 0;
        if (p || r) parts.push(part(l, p ? l : "", r ? l : "", p ? r : (r ? null : true)));
      }
      if (!picked.length) return result(0, "no answer", undefined, parts);
      var hits = picked.filter(function (x) { return right.indexOf(x) >= 0; }).length;
      var misses = picked.length - hits;
      var exact = sameList(unique(picked).slice().sort(), unique(right).slice().sort());
      var f;
      if (rule === "strict") f = exact ? 1 : 0;
      else if (rule === "half") f = exact ? 1 : (hits && !misses ? 0.5 : 0);
      else f = right.length ? (hits - misses + 0) / right.length : 0;
      return result(f, hits + "/" + right.length, exact, parts);
    }
    function order(item, resp) {
      var right = item.answer.slice();
      var given = unique(letters(resp)).filter(function (x) { return right.indexOf(x) >= 0; });
      if (!given.length) return result(0, "no answer");
      var pos = {}; given.forEach(function (x, i) { pos[x] = i; });
      var n = right.length, pairs = n * (n - 1) / 2;
      if (pairs === 0) { var ok = sameList(given, right); return result(ok ? 1 : 0, ok ? "right" : "wrong"); }
      var good = 0;
      for (var i = 0; i < n; i++) for (var j = i + 1; j < n; j++)
        if (right[i] in pos && right[j] in pos && pos[right[i]] < pos[right[j]]) good++;
      var parts = right.map(function (a, k) {
        return part(String(k + 1), k < given.length ? given[k] : "", a, k < given.length && given[k] === a);
      });
      return result(good / pairs, good + "/" + pairs, sameList(given, right), parts);
    }
    function match(item, resp) {
      var right = item.answer.slice(), given;
      if (resp === null || resp === undefined || typeof resp === "string") given = letters(resp);
      else given = resp.map(function (r) { var l = letters(r); return l.length ? l[0] : ""; });
      if (!given.some(function (g) { return g; })) return result(0, "no answer");
      var left = item.left || [], m = Math.min(left.length, right.length), good = 0;
      right.forEach(function (a, i) { if (i < given.length && given[i] === a) good++; });
      var parts = [];
      for (var i = 0; i < m; i++) parts.push(part(left[i], i < given.length ? given[i] : "", right[i], i < given.length && given[i] === right[i]));
      return result(good / (right.length || 1), good + "/" + right.length, good === right.length, parts);
    }
    function tfValue(resp) {
      if (resp === null || resp === undefined) return null;
      var text = typeof resp === "string" ? resp : resp.map(String).join("");
      var t = trimSet(caseFold(pyStrip(text)), tfStrip, false);
      if (trueWords.has(t)) return TRUE;
      if (falseWords.has(t)) return FALSE;
      return null;
    }
    function tf(item, resp) {
      var key = item.answer[0], v = tfValue(resp);
      if (v === null) return result(0, "no answer");
      return result(v === key ? 1 : 0, v === key ? "right" : "wrong");
    }

    function allowedEdits(n) { return n < 4 ? 0 : n < 8 ? 1 : 2; }
    function digits(s) { return (s.match(/\p{Nd}+/gu) || []).join(" "); }
    function levenshtein(a, b) {
      var prev = [], cur, i, j;
      for (j = 0; j <= b.length; j++) prev.push(j);
      for (i = 1; i <= a.length; i++) {
        cur = [i];
        for (j = 1; j <= b.length; j++)
          cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
        prev = cur;
      }
      return prev[b.length];
    }
    /* quizgen.scoring._cjk_typo: does every alignment with `d` edits change a Chinese character? */
    function cjkTypo(a, b, d) {
      var heavy = d + 1, prev = [0], i, j;
      for (j = 0; j < b.length; j++) prev.push(prev[j] + (isCjk(b[j]) ? heavy : 1));
      for (i = 0; i < a.length; i++) {
        var cur = [prev[0] + (isCjk(a[i]) ? heavy : 1)];
        for (j = 1; j <= b.length; j++) {
          if (a[i] === b[j - 1]) { cur.push(prev[j - 1]); continue; }
          var sub = isCjk(a[i]) || isCjk(b[j - 1]) ? heavy : 1;
          cur.push(Math.min(prev[j - 1] + sub, prev[j] + (isCjk(a[i]) ? heavy : 1), cur[j - 1] + (isCjk(b[j - 1]) ? heavy : 1)));
        }
        prev = cur;
      }
      return prev[b.length] > d;
    }
    function better(c, best) { return best === null || c[0] < best[0] || (c[0] === best[0] && !c[1] && best[1]); }

    /* quizgen.scoring.fill_match: [accepted form, 'exact'|'typo'|'cjk-typo'] or null. */
    function fillMatch(typed, accept) {
      var t = normalizeLoose(typed);
      if (!t) return null;
      var forms = accept.map(function (a) { return [a, normalizeLoose(a)]; }).filter(function (f) { return f[1]; });
      for (var f of forms) if (t === f[1]) return [f[0], "exact"];
      var tc = cps(t), best = null;
      for (f of forms) {
        if (digits(f[1]) !== digits(t)) continue;
        var fc = cps(f[1]), k = allowedEdits(fc.length), d = levenshtein(tc, fc);
        if (d <= k) { var c = [d, cjkTypo(tc, fc, d), f[0]]; if (better(c, best)) best = c; }
      }
      return best === null ? null : [best[2], best[1] ? "cjk-typo" : "typo"];
    }
    function fillResult(typed, hit, policy) {
      if (hit === null) return result(0, "not accepted");
      if (hit[1] === "exact") return result(1, "right");
      var parts = [part("typo", pyStrip(typed), hit[0], false)];
      if (hit[1] === "typo" && policy.latinTypos) return result(1, "typo", undefined, parts);
      return result(hit[1] === "cjk-typo" ? policy.cjkTypoCredit : 0, "wrong character", false, parts);
    }
    function typedText(resp) { return typeof resp === "string" ? resp : (resp || []).join(" "); }
    function fill(item, resp, policy) {
      var typed = typedText(resp);
      if (!pyStrip(typed)) return result(0, "no answer");
      return fillResult(typed, fillMatch(typed, unique(item.answer.concat(item.accept || []))), policy);
    }

    /* quizgen.scoring.score_response for every type but short. */
    function score(item, resp, policy) {
      switch (item.type) {
        case "choice": return choice(item, resp);
        case "multi": return multi(item, resp, policy.multi);
        case "order": return order(item, resp);
        case "match": return match(item, resp);
        case "tf": return tf(item, resp);
        case "fill": return fill(item, resp, policy);
      }
      throw new Error("not scored in the page: " + item.type);
    }

    /* ------------------------------------------------------------------ exam mode: hashes only */

    function h(salt, item, parts) { return hashFn([salt, item.id].concat(parts.map(String)).join("\x1f")).slice(0, 16); }
    /* The key of a choice/multi/order/match/tf item, found by hashing each candidate. */
    function unlock(item, salt) {
      var key = item.key, ls = valid(item), answer = [];
      if (item.type === "choice") answer = ls.split("").filter(function (l) { return h(salt, item, ["choice", l]) === key.c; });
      else if (item.type === "multi") { var m = new Set(key.m); answer = ls.split("").filter(function (l) { return m.has(h(salt, item, ["multi", l])); }); }
      else if (item.type === "order") {
        var o = new Set(key.o), rank = [];
        ls.split("").forEach(function (l) { for (var r = 0; r < ls.length; r++) if (o.has(h(salt, item, ["order", l, r]))) rank.push([r, l]); });
        answer = rank.sort(function (x, y) { return x[0] - y[0]; }).map(function (x) { return x[1]; });
      } else if (item.type === "match") {
        var p = new Set(key.p);
        answer = (item.left || []).map(function (_, i) {
          for (var l of ls) if (p.has(h(salt, item, ["match", i, l]))) return l;
          return "";
        });
      } else if (item.type === "tf") answer = [h(salt, item, ["tf", TRUE]) === key.t ? TRUE : FALSE];
      return Object.assign({}, item, { answer: answer });
    }
    function combos(n, size, fn) {
      var idx = [];
      (function rec(start) {
        if (idx.length === size) { fn(idx); return; }
        for (var i = start; i < n; i++) { idx.push(i); rec(i + 1); idx.pop(); }
      })(0);
    }
    function sharedSlots(a, b) {
      var count = {}, n = 0;
      a.forEach(function (s) { count[s] = (count[s] || 0) + 1; });
      b.forEach(function (s) { if (count[s] > 0) { count[s]--; n++; } });
      return n;
    }
    /* fill_match against one hashed form: [edits, 错别字] for the fewest edits within k, or null. */
    function hashedForm(item, salt, i, form, tc) {
      if (h(salt, item, ["digits", i, digits(tc.join(""))]) !== form.d) return null;
      var best = null, lo = Math.max(0, tc.length - form.n), hi = Math.min(form.k, tc.length - form.n + form.k);
      for (var size = lo; size <= hi; size++) {
        combos(tc.length, size, function (gone) {
          var residual = tc.filter(function (_, p) { return gone.indexOf(p) < 0; }).join("");
          var entries = form.x[h(salt, item, ["fill", i, residual])];
          if (!entries) return;
          var slots = gone.map(function (p, n) { return String(p - n); });
          var touchA = gone.some(function (p) { return isCjk(tc[p]); });
          entries.forEach(function (e) {
            var theirs = e[0] ? e[0].split(",") : [];
            var cost = size + theirs.length - sharedSlots(slots, theirs);
            if (cost > form.k) return;
            var c = [cost, touchA || e[1] === 1];
            if (better(c, best)) best = c;
          });
        });
      }
      return best;
    }
    function examFill(item, resp, policy, salt) {
      var typed = typedText(resp);
      if (!pyStrip(typed)) return result(0, "no answer");
      var t = normalizeLoose(typed);
      if (!t) return result(0, "not accepted");
      var tc = cps(t), forms = item.key.f, best = null, i;
      for (i = 0; i < forms.length; i++) {
        var same = forms[i].x[h(salt, item, ["fill", i, t])];
        if (same && same.some(function (e) { return e[0] === ""; })) return result(1, "right");
      }
      for (i = 0; i < forms.length; i++) {
        var c = forms[i].k ? hashedForm(item, salt, i, forms[i], tc) : null;
        if (c !== null && c[0] > 0 && better(c, best)) best = c;
      }
      return fillResult(typed, best === null ? null : ["", best[1] ? "cjk-typo" : "typo"], policy);
    }
    /* Score on an exam page: null when the page holds no key (keyless, short answers). */
    function scoreExam(item, resp, policy, salt) {
      if (!item.key || item.type === "short") return null;
      if (item.type === "fill") return examFill(item, resp, policy, salt);
      return score(unlock(item, salt), resp, policy);
    }

    return { score: score, scoreExam: scoreExam, unlock: unlock, normalizeLoose: normalizeLoose,
             tfValue: tfValue, fillMatch: fillMatch, letters: letters, pyStrip: pyStrip };
  }

  root.QZScorer = makeScorer;
})(typeof window !== "undefined" ? window : globalThis);
