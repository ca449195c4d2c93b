//! The admin's editor form as a browser submits it: every field as the page shows it, with
//! some changed.

use super::Page;
use super::client::Client;

/// Every field of the editor form as the page shows it, like a browser would submit it.
pub fn form_fields(page: &Page) -> Vec<(String, String)> {
    let html = page.html();
    let sel =
        scraper::Selector::parse("form.editor input, form.editor textarea, form.editor select")
            .unwrap();
    let opt = scraper::Selector::parse("option[selected]").unwrap();
    let mut out = Vec::new();
    for e in html.select(&sel) {
        let v = e.value();
        let Some(name) = v.attr("name") else { continue };
        match (v.name(), v.attr("type")) {
            ("input", Some("checkbox")) if v.attr("checked").is_some() => {
                out.push((name.into(), v.attr("value").unwrap_or("on").into()));
            }
            ("input", Some("checkbox")) => {}
            ("input", _) => out.push((name.into(), v.attr("value").unwrap_or("").into())),
            ("textarea", _) => {
                let t: String = e.text().collect();
                out.push((name.into(), t.strip_prefix('\n').unwrap_or(&t).into()));
            }
            ("select", _) => {
                let chosen = e.select(&opt).next().and_then(|o| o.value().attr("value"));
                out.push((name.into(), chosen.unwrap_or("").into()));
            }
            _ => {}
        }
    }
    out
}

pub fn with(mut fields: Vec<(String, String)>, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    for (k, v) in changes {
        fields.retain(|(f, _)| f != k);
        fields.push(((*k).into(), (*v).into()));
    }
    fields
}

pub async fn post_fields(c: &mut Client, path: &str, fields: &[(String, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    c.post(path, &pairs).await
}
