package main

import "html/template"

// The slides' page: one HTML document with its own style and script, so
// that it needs nothing from anywhere else. Each slide is a <section>; the
// script shows one at a time, moves on arrow keys, space and page up or
// down, shows the speaker notes on n, and sends a Run control's name to
// POST /run. Given ?self-test=NAME, the script drives itself as a teacher
// would: it presses keys until the slide that runs NAME is shown, clicks
// its Run button, waits for the server's answer, and posts what the page
// shows into <pre id="self-test"> (the browser test reads it from the
// page, dumped by headless Chromium).
var pageTemplate = template.Must(template.New("slides").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>//go:linkname</title>
<style>
html, body { margin: 0; height: 100%; background: #fdfdf8; color: #1a1a1a; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; font-size: clamp(20px, 2.1vw, 52px); }
section.slide { display: none; box-sizing: border-box; width: 100vw; height: 100vh; padding: 3vh 4vw 6vh; overflow: auto; }
section.slide.current { display: block; }
h1 { font-size: 1.9em; margin: 0 0 0.4em; color: #00677f; }
p.lead { font-size: 1.2em; line-height: 1.35; margin: 0.3em 0 0.6em; }
p.small { font-size: 0.7em; color: #555; margin: 0.2em 0; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; }
code { background: #eef3f5; padding: 0 0.15em; border-radius: 0.15em; white-space: nowrap; }
pre code { white-space: inherit; }
pre { tab-size: 4; }
section.forms table { font-size: 0.66em; width: 100%; }
section.forms th, section.forms td { padding: 0.25em 0.35em; }
section.title table { font-size: 0.5em; }
section.title h1 { font-size: 2.4em; margin-top: 2vh; }
pre.code { font-size: 0.72em; line-height: 1.3; background: #f3f6f7; border-left: 0.25em solid #00add8; padding: 0.5em 0.8em; margin: 0.3em 0; white-space: pre-wrap; }
pre.commands { white-space: pre-wrap; overflow-wrap: break-word; font-size: 1em; background: #1e1e1e; color: #f0f0f0; padding: 0.5em 0.8em; border-radius: 0.3em; }
table { border-collapse: collapse; font-size: 0.68em; margin-top: 0.5em; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #e3eef2; }
svg.diagram { width: 100%; max-height: 55vh; color: #333; }
svg.diagram rect { stroke: #333; stroke-width: 2; }
svg.diagram rect.pull { fill: #fff4d6; }
svg.diagram rect.body { fill: #dff3e4; }
svg.diagram rect.mark { fill: #e2ecff; }
svg.diagram rect.refused { fill: #ffdede; }
svg.diagram text { font-family: "DejaVu Sans Mono", monospace; font-size: 22px; fill: #1a1a1a; }
svg.diagram text.head { font-family: "DejaVu Sans", sans-serif; font-size: 20px; fill: #555; }
svg.diagram text.note, svg.diagram text.label { font-family: "DejaVu Sans", sans-serif; font-size: 18px; }
svg.diagram line.arrow { stroke: #333; stroke-width: 3; }
button.run { font-size: 1em; padding: 0.2em 1em; border-radius: 0.3em; border: 2px solid #00677f; background: #00add8; color: white; cursor: pointer; }
button.run:disabled { background: #999; border-color: #777; }
.status { font-size: 0.7em; color: #555; margin-left: 0.6em; }
.answers { display: grid; gap: 0.6em; margin-top: 0.5em; }
.pane { border: 2px solid #999; border-radius: 0.3em; padding: 0.3em 0.6em; min-width: 0; }
.pane.ok { border-color: #2e7d32; }
.pane.failed { border-color: #c62828; }
.pane h2 { font-size: 0.8em; margin: 0.1em 0 0.3em; }
.pane pre { font-size: 0.68em; white-space: pre-wrap; word-break: normal; overflow-wrap: break-word; margin: 0; }
aside.notes { display: none; }
body.notes section.current aside.notes { display: block; position: fixed; left: 0; right: 0; bottom: 0; max-height: 38vh; overflow: auto; background: #20232a; color: #f5f5f5; font-size: 0.62em; padding: 0.5em 4vw; border-top: 0.2em solid #00add8; }
body.notes aside.notes code { background: #394049; color: #fff; }
body.presenter section.slide > :not(h1):not(aside.notes) { display: none; }
body.presenter section.current aside.notes { display: block; font-size: 0.9em; line-height: 1.35; }
body.presenter #counter { font-size: 0.8em; }
#counter { position: fixed; right: 1.5vw; bottom: 1vh; font-size: 0.55em; color: #777; }
#self-test { display: none; }
</style>
</head>
<body data-goes="{{.Goes}}">
{{range $i, $s := .Slides}}<section class="slide {{$s.Kind}}" id="slide-{{$i}}"{{if $s.Run}} data-run="{{$s.Run}}"{{end}}>
<h1>{{$s.Title}}</h1>
{{$s.Lead}}
{{if $s.Run}}<p><button class="run" type="button">Run</button><span class="status"></span></p>
<div class="answers"></div>{{end}}
{{$s.Body}}
<aside class="notes">{{$s.Notes}}</aside>
</section>
{{end}}<div id="counter"></div>
<pre id="self-test"></pre>
<script>
"use strict";
const slides = Array.from(document.querySelectorAll("section.slide"));
let current = 0;
// The windows of one deck (the projector's and the presenter's, opened
// with ?notes) follow each other: each slide shown is posted to the others.
const windows = "BroadcastChannel" in window ? new BroadcastChannel("linkname-slides") : null;
function show(i, followed) {
  i = Math.max(0, Math.min(slides.length - 1, i));
  slides[current].classList.remove("current");
  current = i;
  slides[current].classList.add("current");
  document.getElementById("counter").textContent = (current + 1) + " / " + slides.length;
  history.replaceState(null, "", location.pathname + location.search + "#" + (current + 1));
  fit(slides[current]);
  if (windows && !followed) windows.postMessage({slide: current});
}
if (windows) windows.onmessage = (e) => {
  // A window just opened asks where the deck is; the projector's answers.
  if (e.data.ask) { if (!document.body.classList.contains("presenter")) windows.postMessage({slide: current}); }
  else show(e.data.slide, true);
};
// fit shrinks a slide's code until the slide shows it whole, without
// scrolling: a file is read at once, never half of it.
function fit(section) {
  const code = section.querySelector("pre.code");
  if (!code || document.body.classList.contains("presenter")) return;
  code.style.fontSize = "";
  let size = parseFloat(getComputedStyle(code).fontSize);
  while ((section.scrollHeight > section.clientHeight || section.scrollWidth > section.clientWidth) && size > 10) {
    size *= 0.95;
    code.style.fontSize = size + "px";
  }
}
document.addEventListener("keydown", (e) => {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.target instanceof HTMLButtonElement && (e.key === " " || e.key === "Enter")) return;
  switch (e.key) {
  case "ArrowRight": case "ArrowDown": case "PageDown": case " ":
    show(current + 1); break;
  case "ArrowLeft": case "ArrowUp": case "PageUp": case "Backspace":
    show(current - 1); break;
  case "Home": show(0); break;
  case "End": show(slides.length - 1); break;
  case "n": document.body.classList.toggle("notes"); break;
  default: return;
  }
  e.preventDefault();
});
async function run(section) {
  const button = section.querySelector("button.run");
  const status = section.querySelector(".status");
  const panes = section.querySelector(".answers");
  button.disabled = true;
  status.textContent = "building under " + (document.body.dataset.goes || "the local Go") + " on this machine…";
  try {
    const response = await fetch("/run", {method: "POST", body: new URLSearchParams({name: section.dataset.run})});
    if (!response.ok) throw new Error(await response.text());
    const answer = await response.json();
    panes.replaceChildren();
    panes.style.gridTemplateColumns = "repeat(" + answer.answers.length + ", minmax(0, 1fr))";
    for (const a of answer.answers) {
      const pane = document.createElement("div");
      pane.className = "pane " + (!a.installed ? "missing" : a.ok ? "ok" : "failed");
      pane.dataset.go = a.go;
      const head = document.createElement("h2");
      head.textContent = !a.installed ? a.go + ": not installed" : "answers from " + a.go + (a.ok ? " (as recorded)" : " (NOT as recorded)");
      const out = document.createElement("pre");
      out.textContent = a.output;
      pane.append(head, out);
      panes.append(pane);
    }
    status.textContent = "";
    panes.scrollIntoView({block: "nearest"});
  } catch (err) {
    status.textContent = "Run failed: " + err.message;
  }
  button.disabled = false;
  section.dispatchEvent(new Event("answered"));
}
for (const section of slides) {
  const button = section.querySelector("button.run");
  if (button) button.addEventListener("click", () => run(section));
}
async function selfTest(name) {
  const target = slides.findIndex((s) => s.dataset.run === name);
  const keys = ["ArrowRight", " ", "PageDown"];
  let pressed = 0;
  const press = (key) => { pressed++; document.dispatchEvent(new KeyboardEvent("keydown", {key: key, bubbles: true})); };
  while (target >= 0 && current < target && pressed < 1000) press(keys[pressed % keys.length]);
  if (current > 0) { press("ArrowLeft"); press("ArrowRight"); }
  const section = slides[current];
  const report = {target: target, slide: current, pressed: pressed, shown: []};
  const button = section.querySelector("button.run");
  if (button && current === target) {
    const answered = new Promise((done) => section.addEventListener("answered", done, {once: true}));
    button.click();
    report.waiting = section.querySelector(".status").textContent;
    await answered;
    report.visible = getComputedStyle(section).display !== "none";
    report.status = section.querySelector(".status").textContent;
    for (const pane of section.querySelectorAll(".pane")) {
      const out = pane.querySelector("pre");
      report.shown.push({go: pane.dataset.go, head: pane.querySelector("h2").textContent, output: out.textContent, fontSize: parseFloat(getComputedStyle(out).fontSize), wordBreak: getComputedStyle(out).wordBreak});
    }
  }
  report.fontSize = parseFloat(getComputedStyle(document.body).fontSize);
  document.getElementById("self-test").textContent = JSON.stringify(report);
}
// layoutTest shows every slide and reports what does not fit: slides
// that scroll, code that wraps, the smallest table text.
function layoutTest() {
  const report = {slides: slides.length, overflowing: [], wrapped: [], tableFontSize: 0, codeWhiteSpace: getComputedStyle(document.querySelector("td code")).whiteSpace};
  for (let i = 0; i < slides.length; i++) {
    show(i);
    const s = slides[i];
    if (s.scrollHeight > s.clientHeight || s.scrollWidth > s.clientWidth) report.overflowing.push(s.querySelector("h1").textContent + (s.scrollWidth > s.clientWidth ? " (wide)" : " (tall)"));
    for (const c of s.querySelectorAll("code")) {
      if (c.closest("aside.notes, pre")) continue;
      if (c.getClientRects().length > 1) report.wrapped.push(c.textContent);
    }
    if (s.classList.contains("forms")) report.tableFontSize = parseFloat(getComputedStyle(s.querySelector("td")).fontSize);
  }
  document.getElementById("self-test").textContent = JSON.stringify(report);
}
// presenterTest: another window of the deck shows a slide; this one, the
// presenter's, follows it, with the notes alone on the screen.
function presenterTest() {
  const other = new BroadcastChannel("linkname-slides");
  // The last slide that shows code: the presenter's window hides it.
  const target = slides.findLastIndex((s) => s.querySelector("pre.code"));
  windows.addEventListener("message", () => {
    const s = slides[current];
    const visible = (el) => el && getComputedStyle(el).display !== "none";
    document.getElementById("self-test").textContent = JSON.stringify({target: target, slide: current,
      notesVisible: visible(s.querySelector("aside.notes")), bodyHidden: !visible(s.querySelector("pre.code"))});
  }, {once: true});
  other.postMessage({slide: target});
}
const start = parseInt(location.hash.slice(1), 10);
slides[0].classList.add("current");
show(Number.isNaN(start) ? 0 : start - 1, true);
const query = new URLSearchParams(location.search);
// ?notes: the presenter's window, on the teacher's own screen: the current
// slide's title and notes, following the projector's window.
if (query.has("notes")) {
  document.body.classList.add("presenter");
  document.title = "notes: " + document.title;
  if (windows) windows.postMessage({ask: true});
}
const testName = query.get("self-test");
if (testName === "layout") layoutTest();
else if (testName === "presenter") presenterTest();
else if (testName) { show(0); selfTest(testName); }
</script>
</body>
</html>
`))
