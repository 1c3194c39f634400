// One browser history entry per view, and each new view shown from its top.
// Streamlit pushes a history entry for a page switch and another for every change of the query string in
// the same run (a page switch with filters could add two). Here a push counts only when the user did
// something since the last one (a click, a key, a touch); the pushes that follow in the same run replace
// that entry. Back and Forward then step through views, one per press.
// Loaded once per tab from /app/static/history.js (no inline script, so a strict CSP holds).
(function () {
  if (window.__evidashHistory) return;
  window.__evidashHistory = true;
  var armed = false;
  var arm = function () { armed = true; };
  ["pointerdown", "keydown", "touchstart"].forEach(function (type) {
    window.addEventListener(type, arm, true);
  });
  var push = window.history.pushState.bind(window.history);
  var replace = window.history.replaceState.bind(window.history);
  var where = function () { return location.pathname + "|" + new URLSearchParams(location.search).get("step"); };
  var toTop = function (before) {
    if (where() === before) return;
    setTimeout(function () {
      var main = document.querySelector('[data-testid="stMain"]') || document.scrollingElement;
      if (main) main.scrollTo({ top: 0 });
      window.scrollTo({ top: 0 });
    }, 50);
  };
  window.history.pushState = function (state, title, url) {
    var before = where();
    if (armed) {
      armed = false;
      push(state, title, url);
    } else {
      replace(state, title, url);
    }
    toTop(before);
  };
  window.history.replaceState = function (state, title, url) {
    var before = where();
    replace(state, title, url);
    toTop(before);
  };
})();
