// Byline's search for a static copy of a site (`byline export static`). The export writes a
// prebuilt index in small files under /search/index/ (see crates/byline-export/src/search.rs);
// this script loads only the files a query needs and shows the results in the page's own
// markup. Everything it shows is set as text, never as HTML. The live site never loads it:
// there the server answers /search/.
(function () {
  "use strict";
  var root = document.getElementById("static-search");
  if (!root) return;
  var VERSION = 1;
  var PER_PAGE = 10;
  var MAX_QUERY = 200;
  var index = root.getAttribute("data-index");
  var status = document.getElementById("static-search-status");
  var out = document.getElementById("static-search-results");
  var params = new URLSearchParams(window.location.search);
  var query = (params.get("q") || "").slice(0, MAX_QUERY);
  var sort = params.get("sort") === "date" ? "date" : "relevance";
  var page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  var filters = [];
  params.forEach(function (value, key) {
    if (key !== "q" && key !== "sort" && key !== "page") filters.push([key, value]);
  });
  var field = document.getElementById("search-page-q");
  if (field) field.value = query;

  // The words of a text, folded exactly as the index folded them.
  function words(text) {
    return text
      .split(/[^\p{L}\p{N}\p{M}]+/u)
      .map(fold)
      .filter(function (w) {
        var n = Array.from(w).length;
        return n >= 2 && n <= 40;
      });
  }
  function fold(w) {
    return w.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/ς/g, "σ");
  }
  function wordFile(w) {
    var bytes = new TextEncoder().encode(Array.from(w).slice(0, 2).join(""));
    return Array.from(bytes, function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }
  function load(path) {
    return fetch(index + path).then(function (r) {
      if (!r.ok) throw new Error(path + " answered " + r.status);
      return r.json();
    });
  }
  function say(text) {
    status.textContent = text;
  }
  function el(name, cls, text) {
    var e = document.createElement(name);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function link(href, text) {
    var a = el("a", null, text);
    a.setAttribute("href", href);
    return a;
  }
  function address(changes) {
    var p = new URLSearchParams();
    p.set("q", query);
    filters.forEach(function (f) {
      p.append(f[0], f[1]);
    });
    var s = changes.sort || sort;
    if (s !== "relevance") p.set("sort", s);
    var n = changes.page || 1;
    if (n > 1) p.set("page", String(n));
    return window.location.pathname + "?" + p.toString();
  }

  // Each query word matches index words that start with it (a whole word counts more), and a
  // document must match every query word.
  function score(meta, wanted, files) {
    var total = null;
    wanted.forEach(function (q) {
      var found = {};
      var table = files[wordFile(q)] || {};
      Object.keys(table).forEach(function (w) {
        if (w.indexOf(q) !== 0) return;
        var postings = table[w];
        var idf = Math.log(1 + meta.docs / postings.length);
        var whole = w === q ? 1 : 0.5;
        postings.forEach(function (p) {
          found[p[0]] = (found[p[0]] || 0) + p[1] * idf * whole;
        });
      });
      if (total === null) {
        total = found;
      } else {
        var both = {};
        Object.keys(found).forEach(function (d) {
          if (d in total) both[d] = total[d] + found[d];
        });
        total = both;
      }
    });
    return total || {};
  }

  function docsOf(meta, ids) {
    var files = {};
    ids.forEach(function (id) {
      files[Math.floor(id / meta.per_file)] = true;
    });
    var names = Object.keys(files);
    return Promise.all(
      names.map(function (n) {
        return load("docs/" + n + ".json");
      })
    ).then(function (chunks) {
      var docs = {};
      names.forEach(function (n, i) {
        chunks[i].forEach(function (d, j) {
          docs[Number(n) * meta.per_file + j] = d;
        });
      });
      return docs;
    });
  }

  function passes(doc) {
    return filters.every(function (f) {
      if (f[0] === "author") {
        return doc.a.some(function (a) {
          return a[0] === f[1];
        });
      }
      if (f[0] === "year") return (doc.d || "").slice(0, 4) === f[1];
      return doc.m.indexOf(f[0] + "/" + f[1]) !== -1;
    });
  }

  function snippet(text, wanted) {
    var p = el("p", "card-excerpt search-snippet");
    var tokens = [];
    var re = /[\p{L}\p{N}\p{M}]+/gu;
    var m;
    while ((m = re.exec(text)) !== null) tokens.push([m.index, m[0]]);
    var hit = function (t) {
      var w = fold(t);
      return wanted.some(function (q) {
        return w.indexOf(q) === 0;
      });
    };
    var first = tokens.findIndex(function (t) {
      return hit(t[1]);
    });
    var from = first > 12 ? tokens[first - 12][0] : 0;
    var to = Math.min(text.length, from + 280);
    var at = from;
    if (from > 0) p.appendChild(document.createTextNode("… "));
    tokens.forEach(function (t) {
      if (t[0] < from || t[0] + t[1].length > to || !hit(t[1])) return;
      p.appendChild(document.createTextNode(text.slice(at, t[0])));
      p.appendChild(el("mark", null, t[1]));
      at = t[0] + t[1].length;
    });
    p.appendChild(document.createTextNode(text.slice(at, to) + (to < text.length ? " …" : "")));
    return p;
  }

  function card(doc, wanted) {
    var article = el("article", "card search-result");
    var body = el("div", "card-body");
    var h = el("h3", "card-title");
    h.appendChild(link(doc.u, doc.t));
    if (doc.g) {
      h.appendChild(document.createTextNode(" "));
      h.appendChild(el("span", "badge", "Members"));
    }
    body.appendChild(h);
    if (doc.s) body.appendChild(el("p", "card-subtitle", doc.s));
    body.appendChild(snippet(doc.x, wanted));
    if (doc.a.length || doc.d) {
      var meta = el("p", "card-meta");
      if (doc.a.length) {
        var by = el("span", "card-byline", "By ");
        doc.a.forEach(function (a, i) {
          if (i > 0) by.appendChild(document.createTextNode(i === doc.a.length - 1 ? " and " : ", "));
          by.appendChild(link(a[2], a[1]));
        });
        meta.appendChild(by);
      }
      if (doc.d) {
        var time = el("time", null, doc.d);
        time.setAttribute("datetime", doc.d);
        meta.appendChild(document.createTextNode(" "));
        meta.appendChild(time);
      }
      body.appendChild(meta);
    }
    article.appendChild(body);
    return article;
  }

  function show(ids, docs, wanted) {
    var pages = Math.max(1, Math.ceil(ids.length / PER_PAGE));
    var n = Math.min(page, pages);
    var title = el("h2", "section-title", ids.length + (ids.length === 1 ? " result" : " results"));
    title.id = "static-results-title";
    out.appendChild(title);
    var sorts = el("p", "search-sort", "Sort by:");
    ["relevance", "date"].forEach(function (s) {
      sorts.appendChild(document.createTextNode(" "));
      sorts.appendChild(s === sort ? el("strong", null, s) : link(address({ sort: s }), s));
    });
    out.appendChild(sorts);
    ids.slice((n - 1) * PER_PAGE, n * PER_PAGE).forEach(function (id) {
      out.appendChild(card(docs[id], wanted));
    });
    if (pages > 1) {
      var nav = el("nav", "pagination");
      nav.setAttribute("aria-label", "Pages");
      if (n > 1) nav.appendChild(link(address({ page: n - 1 }), "Newer"));
      nav.appendChild(el("span", null, " Page " + n + " of " + pages + " "));
      if (n < pages) nav.appendChild(link(address({ page: n + 1 }), "Older"));
      out.appendChild(nav);
    }
    say("");
  }

  function run() {
    var wanted = words(query);
    if (!query.trim()) return Promise.resolve();
    if (!wanted.length) {
      say("Type a word of two letters or more.");
      return Promise.resolve();
    }
    say("Searching…");
    return load("meta.json").then(function (meta) {
      if (meta.version !== VERSION) throw new Error("this index is of another version");
      var needed = wanted.map(wordFile).filter(function (f, i, all) {
        return all.indexOf(f) === i && meta.words.indexOf(f) !== -1;
      });
      return Promise.all(
        needed.map(function (f) {
          return load("words/" + f + ".json");
        })
      ).then(function (tables) {
        var files = {};
        needed.forEach(function (f, i) {
          files[f] = tables[i];
        });
        var scores = score(meta, wanted, files);
        var ids = Object.keys(scores).map(Number);
        ids.sort(function (a, b) {
          return sort === "date" ? a - b : scores[b] - scores[a] || a - b;
        });
        var shown = filters.length ? ids : ids.slice((page - 1) * PER_PAGE, page * PER_PAGE);
        return docsOf(meta, shown).then(function (docs) {
          if (!filters.length) {
            // Only this page's documents are loaded; the rest are counted, not shown.
            var all = {};
            ids.forEach(function (id) {
              all[id] = docs[id];
            });
            return show(ids, all, wanted);
          }
          var kept = ids.filter(function (id) {
            return passes(docs[id]);
          });
          return show(kept, docs, wanted);
        });
      });
    });
  }

  run().catch(function (e) {
    say("Search is not available on this copy of the site (" + e.message + ").");
  });
})();
