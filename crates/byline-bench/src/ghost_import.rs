//! Talking to Ghost's admin API: create the owner, sign in, and import the corpus as a Ghost
//! JSON export (posts with a Markdown card holding the very same Markdown, tags for the
//! regions, themes and tags), which Ghost imports in the background.

use crate::corpus::Corpus;
use crate::http;
use anyhow::{Context, bail};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::SocketAddr;

const EMAIL: &str = "bench@example.org";
/// Ghost refuses passwords it finds weak (common words, the e-mail or the site's title).
const PASSWORD: &str = "Qx7!vTr2#mPz9LwB";

/// Creates the owner account and returns the admin session cookie.
pub fn owner_session(addr: SocketAddr) -> anyhow::Result<String> {
    let origin = format!("http://{addr}");
    let setup = json!({"setup": [{
        "name": "Bench Owner", "email": EMAIL, "password": PASSWORD, "blogTitle": "The Bench Review"
    }]});
    let r = post_json(addr, "/ghost/api/admin/authentication/setup/", &origin, None, &setup)?;
    if r.status >= 300 {
        bail!("Ghost's setup answered {}: {}", r.status, r.text());
    }
    let login = json!({"username": EMAIL, "password": PASSWORD});
    let r = post_json(addr, "/ghost/api/admin/session/", &origin, None, &login)?;
    if r.status >= 300 {
        bail!("Ghost's sign-in answered {}: {}", r.status, r.text());
    }
    r.headers_named("set-cookie")
        .find(|c| c.starts_with("ghost-admin-api-session="))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .context("Ghost's sign-in set no session cookie")
}

fn post_json(
    addr: SocketAddr,
    path: &str,
    origin: &str,
    cookie: Option<&str>,
    body: &Value,
) -> anyhow::Result<http::Response> {
    let mut headers = vec![("Content-Type", "application/json"), ("Origin", origin)];
    if let Some(c) = cookie {
        headers.push(("Cookie", c));
    }
    http::request(addr, "POST", path, &headers, body.to_string().as_bytes())
}

/// Uploads the corpus to Ghost's importer (`POST /ghost/api/admin/db/`).
pub fn import(
    addr: SocketAddr,
    cookie: &str,
    corpus: &Corpus,
    version: &str,
) -> anyhow::Result<()> {
    let export = export_json(corpus, version);
    let (content_type, body) =
        http::multipart_file("importfile", "bench.json", "application/json", export.as_bytes());
    let origin = format!("http://{addr}");
    let headers =
        [("Content-Type", content_type.as_str()), ("Origin", &origin), ("Cookie", cookie)];
    let r = http::request(addr, "POST", "/ghost/api/admin/db/", &headers, &body)?;
    if r.status >= 300 {
        bail!("Ghost's importer answered {}: {}", r.status, r.text());
    }
    Ok(())
}

/// Makes a custom integration through the admin API and returns its Content API key.
pub fn content_key(addr: SocketAddr, cookie: &str) -> anyhow::Result<String> {
    let origin = format!("http://{addr}");
    let body = json!({"integrations": [{"name": "Benchmark"}]});
    let path = "/ghost/api/admin/integrations/?include=api_keys";
    let r = post_json(addr, path, &origin, Some(cookie), &body)?;
    if r.status >= 300 {
        bail!("Ghost's integrations API answered {}: {}", r.status, r.text());
    }
    let v: Value = serde_json::from_slice(&r.body)?;
    v["integrations"][0]["api_keys"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|k| k["type"] == "content")
        .and_then(|k| k["secret"].as_str())
        .map(str::to_owned)
        .context("Ghost made the integration without a Content API key")
}

/// How many posts Ghost has.
pub fn post_count(addr: SocketAddr, cookie: &str) -> anyhow::Result<usize> {
    let origin = format!("http://{addr}");
    let headers = [("Origin", origin.as_str()), ("Cookie", cookie)];
    let path = "/ghost/api/admin/posts/?limit=1&fields=id&filter=status:published";
    let r = http::request(addr, "GET", path, &headers, &[])?;
    if r.status != 200 {
        bail!("Ghost's posts API answered {}: {}", r.status, r.text());
    }
    let v: Value = serde_json::from_slice(&r.body)?;
    v["meta"]["pagination"]["total"].as_u64().map(|n| n as usize).context("no pagination total")
}

/// A Ghost 5 JSON export holding the corpus.
pub fn export_json(corpus: &Corpus, version: &str) -> String {
    let mut tags: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut posts = Vec::with_capacity(corpus.articles);
    let mut posts_tags = Vec::new();
    for i in 0..corpus.articles {
        let a = corpus.article(i);
        let post_id = object_id(1, i);
        let names = a.regions.iter().chain(&a.themes).map(|s| s.to_string()).chain(a.tags.clone());
        for (order, name) in names.enumerate() {
            let next = tags.len();
            let (tag_id, _) = tags
                .entry(crate::corpus::slugify(&name))
                .or_insert_with(|| (object_id(2, next), name.clone()));
            posts_tags.push(json!({"post_id": post_id, "tag_id": tag_id, "sort_order": order}));
        }
        let mobiledoc = json!({
            "version": "0.3.1", "atoms": [], "markups": [],
            "cards": [["markdown", {"markdown": a.body}]],
            "sections": [[10, 0]],
        });
        let date = a.date.replace('Z', ".000Z");
        posts.push(json!({
            "id": post_id, "title": a.title, "slug": a.slug, "type": "post",
            "mobiledoc": mobiledoc.to_string(), "status": "published",
            "custom_excerpt": excerpt(&a.summary, 300),
            "created_at": date, "updated_at": date, "published_at": date,
        }));
    }
    let tags: Vec<Value> = tags
        .into_iter()
        .map(|(slug, (id, name))| json!({"id": id, "name": name, "slug": slug}))
        .collect();
    json!({"db": [{
        "meta": {"exported_on": 1_767_225_600_000_u64, "version": version},
        "data": {"posts": posts, "tags": tags, "posts_tags": posts_tags},
    }]})
    .to_string()
}

/// A 24-hex-digit id, as Ghost's are: a kind prefix and a number.
fn object_id(kind: u8, n: usize) -> String {
    format!("{kind:08x}{n:016x}")
}

fn excerpt(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_export_holds_every_post_with_its_markdown_and_tags() {
        let corpus = Corpus::new(10, 5);
        let v: Value = serde_json::from_str(&export_json(&corpus, "5.130.4")).unwrap();
        let data = &v["db"][0]["data"];
        let posts = data["posts"].as_array().unwrap();
        assert_eq!(posts.len(), 10);
        let first = corpus.article(0);
        assert_eq!(posts[0]["slug"], first.slug.as_str());
        let mobiledoc: Value =
            serde_json::from_str(posts[0]["mobiledoc"].as_str().unwrap()).unwrap();
        assert_eq!(mobiledoc["cards"][0][1]["markdown"], first.body.as_str());
        let filed = data["posts_tags"].as_array().unwrap();
        let of_first = filed.iter().filter(|pt| pt["post_id"] == posts[0]["id"]).count();
        assert_eq!(of_first, first.regions.len() + first.themes.len() + first.tags.len());
        assert!(posts.iter().all(|p| p["custom_excerpt"].as_str().unwrap().len() <= 300));
        assert_eq!(object_id(1, 255).len(), 24);
    }
}
