// The topic editor: checks the query as it is typed (the server's own validation, at
// /web/topics/check) and marks the fault's position; shows where a query finds its words in
// a pasted text (/web/topics/try) as it is pasted. Without this script the form's buttons do the same.
(function () {
  "use strict";
  var form = document.getElementById("topic-form");
  var query = document.getElementById("topic-query");
  var languages = document.getElementById("topic-languages");
  var status = document.getElementById("query-status");
  if (!form || !query || !status) { return; }
  var csrf = form.querySelector("input[name=csrf]").value;
  var timer = null;
  var sequence = 0;

  function post(path, body) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (answer) {
      if (!answer.ok) { throw new Error("the check answered " + answer.status); }
      return answer.json();
    });
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  // the query with the faulty character marked (text nodes only: nothing is parsed as HTML)
  function pointer(text, offset) {
    var pre = element("pre", undefined, "query-pointer");
    pre.setAttribute("aria-hidden", "true");
    pre.appendChild(document.createTextNode(text.slice(0, offset)));
    pre.appendChild(element("mark", text.slice(offset, offset + 1) || " ", "fault"));
    pre.appendChild(document.createTextNode(text.slice(offset + 1)));
    return pre;
  }

  function show(result, text) {
    status.replaceChildren();
    var errors = result.problems.filter(function (p) { return p.severity !== "warning"; });
    var warnings = result.problems.filter(function (p) { return p.severity === "warning"; });
    if (!text.trim()) { return; }
    if (!errors.length) {
      status.appendChild(element("p", "The query is valid.", "ok"));
      query.removeAttribute("aria-invalid");
    } else {
      query.setAttribute("aria-invalid", "true");
    }
    errors.concat(warnings).forEach(function (problem) {
      var hint = problem.hint && problem.message.indexOf(problem.hint) < 0 ? " — " + problem.hint : "";
      var line = problem.message + hint;
      status.appendChild(element("p", line, problem.severity === "warning" ? "help" : "error"));
      if (problem.offset !== undefined && problem.field === "query") {
        status.appendChild(pointer(text, problem.offset));
      }
    });
  }

  function check() {
    var text = query.value;
    var mine = ++sequence;
    post("/web/topics/check", { query: text, languages: languages ? languages.value : "" })
      .then(function (result) { if (mine === sequence) { show(result, text); } })
      .catch(function (error) { status.replaceChildren(element("p", String(error.message), "error")); });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  }

  // the pasted text with the words the query finds marked (built from text nodes only)
  var sample = document.getElementById("sample");
  var sampleResult = document.getElementById("sample-result");
  var sampleTimer = null;
  var sampleSequence = 0;

  function runs(tag, className, pieces) {
    var node = element(tag, undefined, className);
    pieces.forEach(function (piece) {
      node.appendChild(piece[1] ? element("mark", piece[0]) : document.createTextNode(piece[0]));
    });
    return node;
  }

  function showSample(result) {
    sampleResult.replaceChildren();
    if (result.error) { sampleResult.appendChild(element("p", result.error, "error")); return; }
    var verdict = element("p", undefined, result.matched ? "ok" : "error");
    verdict.appendChild(element("strong", result.matched ? "Matches" : "No match"));
    if (result.failed.length) { verdict.appendChild(document.createTextNode(": " + result.failed.join("; "))); }
    sampleResult.appendChild(verdict);
    sampleResult.appendChild(runs("pre", "sample", result.text));
  }

  function trySample() {
    if (!sample || !sampleResult || !sample.value.trim() || !query.value.trim()) { return; }
    var mine = ++sampleSequence;
    post("/web/topics/try", { query: query.value, languages: languages ? languages.value : "", text: sample.value })
      .then(function (result) { if (mine === sampleSequence) { showSample(result); } })
      .catch(function (error) { sampleResult.replaceChildren(element("p", String(error.message), "error")); });
  }

  function sampleLater() {
    clearTimeout(sampleTimer);
    sampleTimer = setTimeout(trySample, 300);
  }

  query.addEventListener("input", later);
  query.addEventListener("input", sampleLater);
  if (languages) { languages.addEventListener("input", later); }
  if (sample) { sample.addEventListener("input", sampleLater); }
  if (query.value.trim()) { check(); }
})();
