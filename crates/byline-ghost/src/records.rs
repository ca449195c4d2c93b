//! What filters and `order` see of each resource: the fields Ghost allows, their aliases
//! (`tag` is `tags.slug`), and records that answer them.

use crate::GhostError;
use crate::ids::{self, Kind as IdKind};
use crate::nql::{Atom, Kind, Record};
use chrono::{DateTime, Utc};
use std::cmp::Ordering;

/// (as written in a filter, canonical name, kind).
pub type Fields = [(&'static str, &'static str, Kind)];

pub const POST_FIELDS: &Fields = &[
    ("id", "id", Kind::Text),
    ("uuid", "uuid", Kind::Text),
    ("slug", "slug", Kind::Text),
    ("title", "title", Kind::Text),
    ("tag", "tags", Kind::Text),
    ("tags", "tags", Kind::Text),
    ("tags.slug", "tags", Kind::Text),
    ("tags.id", "tag_ids", Kind::Text),
    ("author", "authors", Kind::Text),
    ("authors", "authors", Kind::Text),
    ("authors.slug", "authors", Kind::Text),
    ("authors.id", "author_ids", Kind::Text),
    ("primary_tag", "primary_tag", Kind::Text),
    ("primary_tag.slug", "primary_tag", Kind::Text),
    ("primary_author", "primary_author", Kind::Text),
    ("primary_author.slug", "primary_author", Kind::Text),
    ("featured", "featured", Kind::Bool),
    ("visibility", "visibility", Kind::Text),
    ("status", "status", Kind::Text),
    ("published_at", "published_at", Kind::Date),
    ("updated_at", "updated_at", Kind::Date),
    ("created_at", "created_at", Kind::Date),
];

pub const AUTHOR_FIELDS: &Fields = &[
    ("id", "id", Kind::Text),
    ("slug", "slug", Kind::Text),
    ("name", "name", Kind::Text),
    ("count.posts", "count.posts", Kind::Number),
];

pub const TAG_FIELDS: &Fields = &[
    ("id", "id", Kind::Text),
    ("slug", "slug", Kind::Text),
    ("name", "name", Kind::Text),
    ("visibility", "visibility", Kind::Text),
    ("count.posts", "count.posts", Kind::Number),
];

pub const TIER_FIELDS: &Fields = &[
    ("id", "id", Kind::Text),
    ("slug", "slug", Kind::Text),
    ("name", "name", Kind::Text),
    ("type", "type", Kind::Text),
    ("visibility", "visibility", Kind::Text),
    ("active", "active", Kind::Bool),
];

fn text(s: &str) -> Vec<Atom> {
    vec![Atom::Text(s.to_owned())]
}

fn when(d: Option<DateTime<Utc>>) -> Vec<Atom> {
    d.map(Atom::Date).into_iter().collect()
}

/// A post or page as filters see it.
#[derive(Debug, Clone)]
pub struct PostRecord {
    pub kind: IdKind,
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub tags: Vec<(i64, String)>,
    pub authors: Vec<(i64, String)>,
    pub visibility: String,
    pub featured: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl Record for PostRecord {
    fn values(&self, field: &str) -> Vec<Atom> {
        let slugs = |v: &[(i64, String)]| v.iter().map(|(_, s)| Atom::Text(s.clone())).collect();
        let idk = |v: &[(i64, String)], k| {
            v.iter().map(|(id, _)| Atom::Text(ids::object_id(k, *id))).collect()
        };
        match field {
            "id" => text(&ids::object_id(self.kind, self.id)),
            "uuid" => text(&ids::uuid(self.kind, self.id)),
            "slug" => text(&self.slug),
            "title" => text(&self.title),
            "tags" => slugs(&self.tags),
            "tag_ids" => idk(&self.tags, IdKind::Tag),
            "authors" => slugs(&self.authors),
            "author_ids" => idk(&self.authors, IdKind::Author),
            "primary_tag" => self.tags.first().map(|(_, s)| text(s)).unwrap_or_default(),
            "primary_author" => self.authors.first().map(|(_, s)| text(s)).unwrap_or_default(),
            "featured" => vec![Atom::Bool(self.featured)],
            "visibility" => text(&self.visibility),
            "status" => text("published"),
            "published_at" => when(self.published_at),
            "updated_at" => when(Some(self.updated_at)),
            "created_at" => when(Some(self.created_at)),
            _ => Vec::new(),
        }
    }
}

/// An author, tag or tier as filters see it.
#[derive(Debug, Clone)]
pub struct NamedRecord {
    pub kind: IdKind,
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub posts: u64,
    /// Tiers only: `free` or `paid`, `public` or `none`, active.
    pub tier: Option<(String, String, bool)>,
}

impl Record for NamedRecord {
    fn values(&self, field: &str) -> Vec<Atom> {
        match (field, &self.tier) {
            ("id", _) => text(&ids::object_id(self.kind, self.id)),
            ("slug", _) => text(&self.slug),
            ("name", _) => text(&self.name),
            ("count.posts", _) => vec![Atom::Number(self.posts as f64)],
            ("visibility", None) => text("public"),
            ("type", Some((t, _, _))) => text(t),
            ("visibility", Some((_, v, _))) => text(v),
            ("active", Some((_, _, a))) => vec![Atom::Bool(*a)],
            _ => Vec::new(),
        }
    }
}

/// Sorts records by `order` (fields checked against `fields`), stably.
pub fn sort<R: Record>(
    records: &mut [R],
    order: &[(String, bool)],
    fields: &Fields,
) -> Result<(), GhostError> {
    let mut keys = Vec::with_capacity(order.len());
    for (name, desc) in order {
        let Some(&(_, canonical, _)) = fields.iter().find(|(n, _, _)| n == name) else {
            return Err(GhostError::bad_request(
                "Validation error, cannot list resources.",
                format!("order: {name:?} is not a field these can be ordered by"),
            ));
        };
        keys.push((canonical, *desc));
    }
    records.sort_by(|a, b| {
        for (field, desc) in &keys {
            let o = compare(a.values(field).first(), b.values(field).first());
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
    Ok(())
}

/// Nulls first (ascending), as databases order them in Ghost's default setup.
fn compare(a: Option<&Atom>, b: Option<&Atom>) -> Ordering {
    match (a, b) {
        (Some(Atom::Text(x)), Some(Atom::Text(y))) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Some(Atom::Date(x)), Some(Atom::Date(y))) => x.cmp(y),
        (Some(Atom::Number(x)), Some(Atom::Number(y))) => x.total_cmp(y),
        (Some(Atom::Bool(x)), Some(Atom::Bool(y))) => x.cmp(y),
        (None | Some(Atom::Null), None | Some(Atom::Null)) => Ordering::Equal,
        (None | Some(Atom::Null), _) => Ordering::Less,
        (_, None | Some(Atom::Null)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}
