//! What one article or page becomes in the index, and the one place the access rule
//! decides what of a gated article the index may hold.

use crate::schema::{Fields, SEP};
use byline_core::members::{Access, Reader};
use byline_core::{ArticleStatus, Page};
use byline_store::IndexedArticle;
use chrono::Datelike;
use tantivy::TantivyDocument;
use tantivy::schema::Facet;

/// The key a change replaces a document by.
pub(crate) fn article_key(id: i64) -> String {
    format!("article:{id}")
}
pub(crate) fn page_key(id: i64) -> String {
    format!("page:{id}")
}

/// ACCESS: the one place where what a gated article may show in search is decided.
///
/// The index is shared by every reader, so it holds only what a reader without access may
/// see: an article's body is indexed (searchable, and the source of snippets) only when an
/// anonymous reader may read it. Members-only, paid and tier articles are found by their
/// title, subtitle, excerpt (their preview), authors and terms, never by their gated text.
// LEAD: to let members find gated text, index bodies of all articles here and pass the
// request's `Reader` to `SearchIndex::search`, which then must take body snippets only from
// hits this function allows for that reader.
pub fn body_searchable(access: &Access, reader: &Reader) -> bool {
    reader.may_read(access)
}

/// The stored access word as the core type; anything unreadable counts as gated.
pub(crate) fn access_of(word: &str) -> Access {
    match word {
        "public" | "" => Access::Public,
        "paid" => Access::Paid,
        "tiers" => Access::Tiers(Vec::new()),
        _ => Access::Members,
    }
}

pub(crate) fn article_doc(f: &Fields, a: &IndexedArticle) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    // Public search asks for `status=published`; only what readers may see feeds "did you
    // mean" (`words`), so a draft's words are never suggested to them.
    let public = a.status == ArticleStatus::Published;
    let words = |d: &mut TantivyDocument, text: &str| {
        if public {
            d.add_text(f.words, text);
        }
    };
    d.add_text(f.key, article_key(a.id));
    d.add_text(f.kind, "article");
    d.add_text(f.slug, &a.slug);
    d.add_text(f.title, &a.title);
    words(&mut d, &a.title);
    if let Some(s) = &a.subtitle {
        d.add_text(f.subtitle, s);
        words(&mut d, s);
    }
    d.add_text(f.excerpt, &a.excerpt);
    words(&mut d, &a.excerpt);
    let access = access_of(&a.access);
    // Every article's whole body is in exactly one of `body` (what the public may find) and
    // `newsroom` (the rest, for the newsroom's search, which searches both): never analysed
    // and stored twice.
    if public && body_searchable(&access, &Reader::Anonymous) {
        d.add_text(f.body, &a.body);
        words(&mut d, &a.body);
    } else {
        d.add_text(f.newsroom, &a.body);
    }
    d.add_text(f.filters, format!("status={}", a.status.as_str()));
    d.add_text(f.access, access.as_str());
    d.add_text(f.filters, "kind=article");
    for au in &a.authors {
        d.add_text(f.authors, &au.name);
        words(&mut d, &au.name);
        d.add_text(f.byline, format!("{}{SEP}{}", au.slug, au.name));
        d.add_facet(f.facets, Facet::from_path(["author", &labelled(&au.slug, &au.name)]));
        d.add_text(f.filters, format!("author={}", au.slug));
    }
    for t in &a.terms {
        d.add_text(f.terms, &t.name);
        words(&mut d, &t.name);
        d.add_text(
            f.filed,
            format!("{}{SEP}{}{SEP}{}{SEP}{}", t.taxonomy_slug, t.taxonomy_name, t.slug, t.name),
        );
        d.add_facet(
            f.facets,
            Facet::from_path(["t", &t.taxonomy_slug, &labelled(&t.slug, &t.name)]),
        );
        d.add_text(f.filters, format!("{}={}", t.taxonomy_slug, t.slug));
    }
    if let Some(at) = a.published_at {
        d.add_i64(f.date, at.timestamp());
        let year = at.year().to_string();
        d.add_facet(f.facets, Facet::from_path(["year", &year]));
        d.add_text(f.filters, format!("year={year}"));
    }
    d
}

pub(crate) fn page_doc(f: &Fields, p: &Page) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.key, page_key(p.id));
    d.add_text(f.kind, "page");
    d.add_text(f.slug, &p.slug);
    d.add_text(f.title, &p.title);
    d.add_text(f.words, &p.title);
    d.add_text(f.body, &p.body);
    d.add_text(f.words, &p.body);
    d.add_text(f.access, "public");
    d.add_text(f.filters, "kind=page");
    d.add_text(f.filters, "status=published");
    d.add_i64(f.date, p.updated_at.timestamp());
    d
}

/// A facet segment that carries the name beside the slug.
fn labelled(slug: &str, name: &str) -> String {
    format!("{slug}{SEP}{name}")
}

/// A facet segment back as (slug, name).
pub(crate) fn unlabel(segment: &str) -> (String, String) {
    match segment.split_once(SEP) {
        Some((s, n)) => (s.to_owned(), n.to_owned()),
        None => (segment.to_owned(), segment.to_owned()),
    }
}
