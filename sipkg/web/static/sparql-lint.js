/* Warnings for queries that parse but cannot mean what they say; pure, used by sparql-editor.js.
   lang() gives a literal's tag in lower case here ("zh-hans"), so lang(?x) = "zh-Hans" is never true. */
(function (root) {
  "use strict";

  // IRIs and strings kept apart from comments: a "#" inside <…#…> or "…#…" starts none.
  function withoutComments(query) {
    return query.replace(/<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n\r]*/g, function (m) {
      return m.charAt(0) === "#" ? "" : m;
    });
  }

  var LANG = "lang\\s*\\(\\s*([?$]\\w+)\\s*\\)";
  var TAG = "\"([^\"\\n]*)\"|'([^'\\n]*)'";
  var COMPARED = new RegExp(LANG + "\\s*(?:!?=)\\s*(?:" + TAG + ")|(?:" + TAG + ")\\s*(?:!?=)\\s*" + LANG, "gi");
  var LISTED = new RegExp(LANG + "\\s+(?:NOT\\s+)?IN\\s*\\(([^)]*)\\)", "gi");

  /* [{variable, tag}] for each lang(?x) compared (=, !=, IN) with a tag that has capitals. */
  function langCase(query) {
    var text = withoutComments(query), found = [], m;
    function note(variable, tag) {
      if (tag && tag !== tag.toLowerCase()) found.push({ variable: variable, tag: tag });
    }
    COMPARED.lastIndex = 0;
    while ((m = COMPARED.exec(text))) note(m[1] || m[6], m[2] || m[3] || m[4] || m[5]);
    LISTED.lastIndex = 0;
    while ((m = LISTED.exec(text))) {
      var items = m[2].match(/"[^"\n]*"|'[^'\n]*'/g) || [];
      items.forEach(function (item) { note(m[1], item.slice(1, -1)); });
    }
    return found;
  }

  function message(w) {
    var lower = w.tag.toLowerCase();
    return {
      zh: "lang(" + w.variable + ") 与 \"" + w.tag + "\" 比较永远不相等：lang() 给出小写的语言标签（" + lower +
        "）。请改用 langMatches(lang(" + w.variable + "), \"" + w.tag + "\") 或 \"" + lower + "\"。",
      en: "lang(" + w.variable + ") compared with \"" + w.tag + "\" is never true: lang() gives the tag in lower case (" +
        lower + "). Use langMatches(lang(" + w.variable + "), \"" + w.tag + "\") or \"" + lower + "\".",
    };
  }

  var api = { langCase: langCase, message: message };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.sipkgLint = api;
})(this);
