//! A Ghost post's body as Markdown. A body written in Markdown cards only (Ghost 1's
//! editor, and what `byline export ghost` writes) is taken as it is; anything else is read
//! from the HTML Ghost rendered, turned into Markdown where it converts cleanly, and kept as
//! sanitized HTML where it does not: galleries, bookmarks, embeds, tables, video, audio and
//! other cards (see [`crate::html_md`]). A post without HTML has its Lexical or
//! Mobiledoc document rendered first (see [`super::editors`]).

use crate::html_md::{Body, escape_text, to_markdown as html_to_markdown};
use serde_json::Value;

/// The body of a post record: its Markdown cards, else its HTML, else its plain text.
pub(crate) fn post_body(post: &serde_json::Map<String, Value>) -> Body {
    let field = |k: &str| post.get(k).and_then(Value::as_str).filter(|s| !s.trim().is_empty());
    if let Some(md) = field("lexical").and_then(lexical_markdown) {
        return Body { markdown: md, kept_html: 0 };
    }
    if let Some(md) = field("mobiledoc").and_then(mobiledoc_markdown) {
        return Body { markdown: md, kept_html: 0 };
    }
    if let Some(html) = field("html") {
        return html_to_markdown(html);
    }
    // No rendered HTML (some drafts, hand-made files): render the editor's document.
    let editor = field("lexical")
        .and_then(super::editors::lexical_html)
        .or_else(|| field("mobiledoc").and_then(super::editors::mobiledoc_html))
        .filter(|h| !h.trim().is_empty());
    if let Some(html) = editor {
        return html_to_markdown(&html);
    }
    if let Some(md) = field("markdown") {
        return Body { markdown: md.trim().to_owned(), kept_html: 0 };
    }
    let text = field("plaintext").unwrap_or_default();
    Body { markdown: escape_text(text.trim(), true), kept_html: 0 }
}

/// A Lexical document made of Markdown cards only, as one Markdown text.
fn lexical_markdown(json: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(json).ok()?;
    let children = doc.get("root")?.get("children")?.as_array()?;
    join_cards(
        children.iter().map(|c| {
            (c.get("type")?.as_str()? == "markdown").then(|| c.get("markdown")?.as_str())?
        }),
    )
}

/// A Mobiledoc document whose sections are all Markdown cards, as one Markdown text.
fn mobiledoc_markdown(json: &str) -> Option<String> {
    let doc: Value = serde_json::from_str(json).ok()?;
    let cards = doc.get("cards")?.as_array()?;
    let sections = doc.get("sections")?.as_array()?;
    join_cards(sections.iter().map(|s| {
        // A card section is [10, card index].
        if s.get(0)?.as_u64()? != 10 {
            return None;
        }
        let card = cards.get(usize::try_from(s.get(1)?.as_u64()?).ok()?)?;
        let name = card.get(0)?.as_str()?;
        if name != "markdown" && name != "card-markdown" {
            return None;
        }
        card.get(1)?.get("markdown")?.as_str()
    }))
}

fn join_cards<'a>(cards: impl Iterator<Item = Option<&'a str>>) -> Option<String> {
    let parts: Vec<&str> = cards.collect::<Option<_>>()?;
    if parts.is_empty() {
        return None;
    }
    Some(parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_of(post: Value) -> String {
        post_body(post.as_object().unwrap()).markdown
    }
    #[test]
    fn markdown_cards_are_taken_as_written() {
        let mobiledoc = r##"{"version":"0.3.1","markups":[],"atoms":[],"cards":[["markdown",{"markdown":"# Hi\n\n*there*"}]],"sections":[[10,0]]}"##;
        let post = serde_json::json!({"mobiledoc": mobiledoc, "html": "<h1>ignored</h1>"});
        assert_eq!(body_of(post), "# Hi\n\n*there*");
        let lexical =
            r#"{"root":{"children":[{"type":"markdown","markdown":"A **b**"}],"type":"root"}}"#;
        assert_eq!(body_of(serde_json::json!({"lexical": lexical})), "A **b**");
        // A paragraph section is not a card: the HTML is read instead.
        let mixed = r#"{"version":"0.3.1","markups":[],"atoms":[],"cards":[],"sections":[[1,"p",[[0,[],0,"x"]]]]}"#;
        assert_eq!(body_of(serde_json::json!({"mobiledoc": mixed, "html": "<p>x</p>"})), "x");
    }
}
