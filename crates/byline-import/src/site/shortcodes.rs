//! Shortcodes and template tags in a static site's Markdown, turned into the Markdown they
//! stand for: Hugo's `figure`, `youtube`, `vimeo`, `gist`, `ref`/`relref`, `highlight`;
//! Zola's `youtube(...)`, `vimeo(...)` and `@/` links; Jekyll's `highlight`, `comment`,
//! `raw`, `post_url` and `link`. Embeds become links (Byline's pages carry no third-party
//! frames). Code blocks are left as they are; a shortcode Byline cannot render is kept as
//! text and named, so the report says what to look at.

use std::collections::BTreeSet;

/// The converted body, and the names of shortcodes left as they were.
pub struct Converted {
    pub body: String,
    pub unknown: BTreeSet<String>,
}

enum State {
    Normal,
    Fence(String),
    /// A code block from a `highlight` tag, closed by the tag's end.
    Highlight,
    /// Skipped until the named closing tag (a Liquid comment, a Hugo inline CSS shortcode).
    Drop(&'static str),
    /// Kept word for word until `{% endraw %}`.
    Raw,
}

/// Converts `body`; `resolve` turns a site path (`post/x.md`, `2016-05-19-x`, `@/x.md`)
/// into Byline's address for what it became.
pub fn convert(body: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Converted {
    let mut out = String::with_capacity(body.len());
    let mut unknown = BTreeSet::new();
    let mut state = State::Normal;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim();
        match &state {
            State::Fence(marker) => {
                if trimmed.starts_with(marker.as_str())
                    && trimmed.trim_start_matches(marker.chars().next().unwrap_or('`')).is_empty()
                {
                    state = State::Normal;
                }
                out.push_str(line);
                continue;
            }
            State::Highlight => {
                if is_tag(trimmed, "/highlight") || is_liquid(trimmed, "endhighlight") {
                    out.push_str("```\n");
                    state = State::Normal;
                } else {
                    out.push_str(line);
                }
                continue;
            }
            State::Drop(end) => {
                if is_tag(trimmed, end) || is_liquid(trimmed, end) {
                    state = State::Normal;
                }
                continue;
            }
            State::Raw => {
                if let Some(i) = line.find("{% endraw %}") {
                    out.push_str(&line[..i]);
                    out.push_str(&line[i + "{% endraw %}".len()..]);
                    state = State::Normal;
                } else {
                    out.push_str(line);
                }
                continue;
            }
            State::Normal => {}
        }
        for marker in ["```", "~~~"] {
            if trimmed.starts_with(marker) {
                let n = trimmed.chars().take_while(|c| marker.starts_with(*c)).count();
                state = State::Fence(marker[..1].repeat(n));
            }
        }
        if matches!(state, State::Fence(_)) {
            out.push_str(line);
            continue;
        }
        // Block tags that stand on a line of their own.
        if let Some(args) =
            tag_args(trimmed, "highlight").or_else(|| liquid_args(trimmed, "highlight"))
        {
            let lang = args.split_whitespace().next().unwrap_or("");
            out.push_str(&format!("```{lang}\n"));
            state = State::Highlight;
            continue;
        }
        if liquid_args(trimmed, "comment").is_some() {
            state = State::Drop("endcomment");
            continue;
        }
        if tag_args(trimmed, "css.inline").is_some() {
            state = State::Drop("/css.inline");
            continue;
        }
        if tag_args(trimmed, "math.inline").is_some() || is_tag(trimmed, "/math.inline") {
            continue;
        }
        if let Some(i) = line.find("{% raw %}") {
            out.push_str(&inline(&line[..i], resolve, &mut unknown));
            let rest = &line[i + "{% raw %}".len()..];
            match rest.find("{% endraw %}") {
                Some(j) => {
                    out.push_str(&rest[..j]);
                    out.push_str(&rest[j + "{% endraw %}".len()..]);
                }
                None => {
                    out.push_str(rest);
                    state = State::Raw;
                }
            }
            continue;
        }
        out.push_str(&inline(line, resolve, &mut unknown));
    }
    if matches!(state, State::Highlight) {
        out.push_str("```\n");
    }
    Converted { body: out, unknown }
}

/// `{{< name args >}}` or `{{% name args %}}`: the arguments when the line is exactly
/// that opening tag for `name`.
fn tag_args<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let inner = line
        .strip_prefix("{{<")
        .and_then(|r| r.strip_suffix(">}}"))
        .or_else(|| line.strip_prefix("{{%").and_then(|r| r.strip_suffix("%}}")))?
        .trim();
    let rest = inner.strip_prefix(name)?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then(|| rest.trim())
}

fn is_tag(line: &str, name: &str) -> bool {
    let Some(inner) = line
        .strip_prefix("{{<")
        .and_then(|r| r.strip_suffix(">}}"))
        .or_else(|| line.strip_prefix("{{%").and_then(|r| r.strip_suffix("%}}")))
    else {
        return false;
    };
    let inner: String = inner.chars().filter(|c| !c.is_whitespace()).collect();
    inner == name
}

/// `{% name args %}` on a line of its own.
fn liquid_args<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let inner = line.strip_prefix("{%")?.strip_suffix("%}")?.trim();
    let rest = inner.strip_prefix(name)?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then(|| rest.trim())
}

fn is_liquid(line: &str, name: &str) -> bool {
    liquid_args(line, name).is_some_and(str::is_empty)
}

/// Tags within a line of text.
fn inline(
    line: &str,
    resolve: &dyn Fn(&str) -> Option<String>,
    unknown: &mut BTreeSet<String>,
) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        let next = ["{{<", "{{%", "{%", "{{ ", "](@/"]
            .iter()
            .filter_map(|open| rest.find(open).map(|i| (i, *open)))
            .min_by_key(|(i, _)| *i);
        let Some((i, open)) = next else { break };
        out.push_str(&rest[..i]);
        let after = &rest[i + open.len()..];
        if open == "](@/" {
            // Zola's internal link: [text](@/path.md#anchor)
            let end = after.find(')').unwrap_or(after.len());
            let target = &after[..end];
            let (path, anchor) = target.split_once('#').map_or((target, ""), |(p, a)| (p, a));
            let url = resolve(path).unwrap_or_else(|| format!("/{path}"));
            out.push_str("](");
            out.push_str(&url);
            if !anchor.is_empty() {
                out.push('#');
                out.push_str(anchor);
            }
            rest = &after[end..];
            continue;
        }
        let close = match open {
            "{{<" => ">}}",
            "{{%" => "%}}",
            "{%" => "%}",
            _ => "}}",
        };
        let Some(end) = after.find(close) else {
            out.push_str(&rest[i..]);
            rest = "";
            break;
        };
        let inner = after[..end].trim();
        let whole = &rest[i..i + open.len() + end + close.len()];
        rest = &after[end + close.len()..];
        let replaced = match open {
            "{{<" | "{{%" => hugo(inner, resolve),
            "{%" => liquid(inner, resolve),
            _ => zola(inner),
        };
        match replaced {
            Some(r) => out.push_str(&r),
            None => {
                let name: String = inner
                    .trim_start_matches('/')
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
                    .collect();
                // `{{ page.title }}` and the like in Jekyll text are Liquid output, not calls.
                if !name.is_empty() && (open != "{{ " || inner.contains('(')) {
                    unknown.insert(name);
                }
                out.push_str(whole);
            }
        }
    }
    out.push_str(rest);
    out
}

/// Positional and `key="value"` arguments, quotes removed.
fn args(s: &str) -> (Vec<String>, Vec<(String, String)>) {
    let mut positional = Vec::new();
    let mut named = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let Some(&c) = chars.peek() else { break };
        let mut word = String::new();
        if c == '"' || c == '\'' {
            chars.next();
            for ch in chars.by_ref() {
                if ch == c {
                    break;
                }
                word.push(ch);
            }
            positional.push(word);
            continue;
        }
        while let Some(&ch) = chars.peek() {
            if ch.is_whitespace() || ch == ',' || ch == '=' {
                break;
            }
            word.push(ch);
            chars.next();
        }
        if chars.peek() == Some(&'=') {
            chars.next();
            let mut value = String::new();
            match chars.peek().copied() {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for ch in chars.by_ref() {
                        if ch == q {
                            break;
                        }
                        value.push(ch);
                    }
                }
                _ => {
                    while let Some(&ch) = chars.peek() {
                        if ch.is_whitespace() || ch == ',' {
                            break;
                        }
                        value.push(ch);
                        chars.next();
                    }
                }
            }
            named.push((word, value));
        } else if !word.is_empty() {
            positional.push(word);
        } else {
            chars.next();
        }
    }
    (positional, named)
}

fn get<'a>(named: &'a [(String, String)], key: &str) -> Option<&'a str> {
    named.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

fn youtube(id: &str) -> String {
    format!(
        "[![Video on YouTube](https://i.ytimg.com/vi/{id}/hqdefault.jpg)](https://www.youtube.com/watch?v={id})"
    )
}

fn vimeo(id: &str) -> String {
    format!("[Video on Vimeo](https://vimeo.com/{id})")
}

fn hugo(inner: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let (name, rest) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    let (pos, named) = args(rest);
    let first = || pos.first().map(String::as_str).or_else(|| get(&named, "id"));
    match name {
        "youtube" => first().map(youtube),
        "vimeo" | "vimeo_simple" => first().map(vimeo),
        "gist" => {
            let user = pos.first().map(String::as_str).or_else(|| get(&named, "user"))?;
            let id = pos.get(1).map(String::as_str).or_else(|| get(&named, "id"))?;
            Some(format!("[Gist {id} by {user}](https://gist.github.com/{user}/{id})"))
        }
        "twitter" | "twitter_simple" | "tweet" | "x" => {
            let user = get(&named, "user").unwrap_or("i");
            let id = get(&named, "id").or(pos.first().map(String::as_str))?;
            Some(format!("[Post on X](https://x.com/{user}/status/{id})"))
        }
        "ref" | "relref" => {
            let target = pos.first().map(String::as_str).or_else(|| get(&named, "path"))?;
            let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
            let url = resolve(path).unwrap_or_else(|| format!("/{}", path.trim_start_matches('/')));
            Some(if anchor.is_empty() { url } else { format!("{url}#{anchor}") })
        }
        "figure" => {
            let src = get(&named, "src")?;
            let alt = get(&named, "alt").or(get(&named, "title")).unwrap_or("");
            let mut md = format!("![{alt}]({src})");
            if let Some(link) = get(&named, "link") {
                md = format!("[{md}]({link})");
            }
            let caption = [get(&named, "title"), get(&named, "caption")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(": ");
            if !caption.is_empty() {
                md.push_str(&format!("\n\n*{caption}*"));
            }
            Some(md)
        }
        _ => None,
    }
}

fn liquid(inner: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let (name, rest) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    let rest = rest.trim();
    match name {
        "post_url" | "link" => {
            Some(resolve(rest).unwrap_or_else(|| format!("/{}", rest.trim_start_matches('/'))))
        }
        "youtube" => Some(youtube(rest.trim_matches(['"', '\'']))),
        "vimeo" => Some(vimeo(rest.trim_matches(['"', '\'']))),
        _ => None,
    }
}

fn zola(inner: &str) -> Option<String> {
    let (name, rest) = inner.split_once('(')?;
    let (pos, named) = args(rest.trim_end_matches(')'));
    let id = get(&named, "id").or(pos.first().map(String::as_str));
    match name.trim() {
        "youtube" => id.map(youtube),
        "vimeo" => id.map(vimeo),
        "gist" => get(&named, "url").map(|u| format!("[Gist]({u})")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(s: &str) -> Converted {
        convert(s, &|p: &str| Some(format!("/articles/{}/", p.trim_end_matches(".md"))))
    }

    #[test]
    fn embeds_figures_refs_and_code() {
        let c = conv(
            "{{< youtube ZJthWmvUzzc >}}\n{{< vimeo_simple 48912912 >}}\n\
             {{< figure src=\"/a.jpg\" alt=\"A\" caption=\"Cap\" >}}\n\
             See [x]({{< ref \"post/x.md\" >}}) and [h](@/hello.md#top).\n\
             {{< highlight go >}}\nfmt.Println(1)\n{{< /highlight >}}\n\
             ```\n{{< youtube keep >}}\n```\n{{ youtube(id=\"e1C\", autoplay=true) }}\n{{ pirate(name=\"Bob\") }}\n",
        );
        assert!(c.body.contains("watch?v=ZJthWmvUzzc"), "{}", c.body);
        assert!(c.body.contains("https://vimeo.com/48912912"));
        assert!(c.body.contains("![A](/a.jpg)\n\n*Cap*"));
        assert!(c.body.contains("[x](/articles/post/x/)"));
        assert!(c.body.contains("[h](/articles/hello/#top)"));
        assert!(c.body.contains("```go\nfmt.Println(1)\n```\n"));
        assert!(c.body.contains("```\n{{< youtube keep >}}\n```"), "code stays code");
        assert!(c.body.contains("watch?v=e1C"));
        assert_eq!(c.unknown.iter().collect::<Vec<_>>(), ["pirate"]);
    }

    #[test]
    fn liquid_tags() {
        let c = conv(
            "a\n{% comment %}\nhidden\n{% endcomment %}\n{% highlight ruby %}\nputs 1\n{% endhighlight %}\n\
             {% raw %}\n{% assign x = 1 %}\n{% endraw %}\n[p]({% post_url 2016-05-19-x %})\n",
        );
        assert!(!c.body.contains("hidden"));
        assert!(c.body.contains("```ruby\nputs 1\n```\n"));
        assert!(c.body.contains("{% assign x = 1 %}"));
        assert!(c.body.contains("[p](/articles/2016-05-19-x/)"));
        assert!(c.unknown.is_empty(), "{:?}", c.unknown);
    }
}
