//! Saving an article: one transaction that resolves authors and terms, keeps slugs unique,
//! and reports whether anything changed.

use super::access::{linked_tiers, set_tiers, tier_ids};
use super::revisions;
use super::shared::{editable, free_slug, link, linked_authors, linked_terms};
use crate::authors::save_author;
use crate::entity::{article, author};
use crate::import_lookups::ImportLookups;
use crate::taxonomies::term_paths::resolve_term_paths;
use crate::{Outcome, Saved, Store, StoreError, changes, write_row};
use byline_core::audit::Actor;
use byline_core::{ArticleFields, AuthorInput, slugify};
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// How revisions and the article list name the importer.
const IMPORTER: &str = "import";

/// Which article a save touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleKey {
    pub id: i64,
    /// The slug it was saved under: the one asked for, or that slug made unique.
    pub slug: String,
}

impl Store {
    /// Saves an article. With an `import_key` (where an importer found it), a second save of
    /// the same key updates that article instead of adding another. Authors are found by slug
    /// and created as guest contributors when unknown; terms are found or created along their
    /// paths. A slug already used by another article gets `-2`, `-3` … appended.
    pub async fn save_article(
        &self,
        fields: &ArticleFields,
        import_key: Option<&str>,
    ) -> Result<Saved<ArticleKey>, StoreError> {
        let txn = self.write().await?;
        let mut tags = Vec::new();
        let saved =
            save_in(&txn, fields, import_key, &mut ImportLookups::default(), &mut tags).await?;
        changes::log(&txn, &tags).await?;
        txn.commit().await?;
        Ok(saved)
    }
}

/// [`Store::save_article`] in the caller's transaction, with what it has looked up already;
/// the change log's tags go to `tags` for the caller to log.
pub(crate) async fn save_in(
    txn: &impl ConnectionTrait,
    fields: &ArticleFields,
    import_key: Option<&str>,
    known: &mut ImportLookups,
    tags: &mut Vec<String>,
) -> Result<Saved<ArticleKey>, StoreError> {
    let existing = match import_key {
        Some(key) => {
            article::Entity::find().filter(article::Column::ImportKey.eq(key)).one(txn).await?
        }
        None => None,
    };
    let own_id = existing.as_ref().map(|e| e.id);
    let existing_slug = existing.as_ref().map(|e| e.slug.clone());
    let slug = free_slug(txn, &fields.slug, own_id).await?;
    let author_ids = author_ids(txn, &fields.authors, known).await?;
    let term_ids = resolve_term_paths(txn, &fields.terms, known).await?;
    let mut unknown = Vec::new();
    let tiers = tier_ids(txn, &fields.access, &mut unknown).await?;
    if !unknown.is_empty() {
        return Err(StoreError::Invalid(byline_core::Invalid(unknown)));
    }
    let now = Utc::now();
    let new = article::Model {
        id: own_id.unwrap_or(0),
        slug,
        title: fields.title.clone(),
        subtitle: fields.subtitle.clone(),
        body: fields.body.clone(),
        body_html: fields.body_html.clone(),
        excerpt: fields.excerpt.clone(),
        excerpt_given: fields.excerpt_given,
        // An article someone moved to the trash stays there when its file is imported
        // again; restoring it is an editor's decision, not the importer's.
        status: match &existing {
            Some(e) if e.trashed_at.is_some() => e.status.clone(),
            _ => fields.status.as_str().to_owned(),
        },
        published_at: fields.published_at,
        updated_at: fields.updated_at,
        image_url: fields.image.as_ref().map(|i| i.url.clone()),
        image_alt: fields.image.as_ref().map(|i| i.alt.clone()),
        image_caption: fields.image.as_ref().and_then(|i| i.caption.clone()),
        note: fields.note.clone(),
        note_html: fields.note_html.clone(),
        source_name: fields.source.as_ref().map(|s| s.name.clone()),
        source_url: fields.source.as_ref().and_then(|s| s.url.clone()),
        copyright_holder: fields.copyright_holder.clone(),
        copyright_year: fields.copyright_year,
        license: fields.license.map(|l| l.code().to_owned()),
        canonical_url: fields.canonical_url.clone(),
        seo_title: fields.seo_title.clone(),
        seo_description: fields.seo_description.clone(),
        import_key: import_key.map(str::to_owned),
        republish: fields.republish,
        comments: fields.comments,
        comments_close_days: fields.comments_close_after_days.map(|d| d as i32),
        featured: fields.featured,
        created_at: existing.as_ref().map_or(now, |e| e.created_at),
        modified_at: existing.as_ref().map_or(now, |e| e.modified_at),
        version: existing.as_ref().map_or(1, |e| e.version),
        modified_by: existing.as_ref().map_or(Some(IMPORTER.into()), |e| e.modified_by.clone()),
        trashed_at: existing.as_ref().and_then(|e| e.trashed_at),
        access: fields.access.as_str().to_owned(),
        preview_html: fields.preview_html.clone(),
        members_from: fields.members_from as i64,
    };
    let (old_authors, old_terms, old_tiers) = match &existing {
        Some(old) => (
            linked_authors(txn, old.id).await?,
            linked_terms(txn, old.id).await?,
            linked_tiers(txn, old.id).await?,
        ),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };
    let outcome = match &existing {
        None => Outcome::Created,
        Some(old) => {
            let same_links =
                old_authors == author_ids && old_terms == sorted(&term_ids) && old_tiers == tiers;
            if *old == new && same_links { Outcome::Unchanged } else { Outcome::Updated }
        }
    };
    let saved = match outcome {
        Outcome::Unchanged => existing.expect("unchanged implies existing"),
        Outcome::Updated => {
            let next = article::Model {
                modified_at: now,
                version: new.version + 1,
                modified_by: Some(IMPORTER.into()),
                ..new
            };
            write_row(txn, next, None).await?
        }
        Outcome::Created => write_row(txn, new, Some(article::Column::Id)).await?,
    };
    if outcome != Outcome::Unchanged {
        let fresh = outcome == Outcome::Created;
        link(txn, saved.id, &author_ids, &term_ids, fresh).await?;
        if !(fresh && tiers.is_empty()) {
            set_tiers(txn, saved.id, &tiers).await?;
        }
        let was = existing_slug.as_deref().unwrap_or("");
        crate::slug_redirects::renamed(txn, crate::SlugOf::Article, saved.id, was, &saved.slug)
            .await?;
        tags.extend([changes::article(saved.id), changes::LIST.to_owned()]);
        tags.extend(old_authors.iter().chain(&author_ids).map(|&a| changes::author(a)));
        tags.extend(old_terms.iter().chain(&term_ids).map(|&t| changes::term(t)));
        let importer = Actor {
            staff_id: None,
            author_id: None,
            name: IMPORTER.into(),
            role: byline_core::staff::Role::Owner,
        };
        let snapshot = editable(txn, saved.id).await?.input;
        let action = if outcome == Outcome::Created { "import" } else { "reimport" };
        revisions::keep(txn, saved.id, saved.version, &importer, action, &snapshot).await?;
    }
    Ok(Saved { value: ArticleKey { id: saved.id, slug: saved.slug }, outcome })
}

/// The ids of the byline's authors, in order, creating unknown ones as guest contributors.
async fn author_ids(
    db: &impl ConnectionTrait,
    names: &[String],
    known: &mut ImportLookups,
) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        let slug = slugify(name);
        if let Some(&id) = known.authors.get(&slug) {
            ids.push(id);
            continue;
        }
        let found = author::Entity::find().filter(author::Column::Slug.eq(&slug)).one(db).await?;
        let id = match found {
            Some(a) => a.id,
            None => {
                let display = if name.as_str() == slug { humanize(&slug) } else { name.clone() };
                let input = AuthorInput {
                    name: display,
                    slug: Some(slug.clone()),
                    guest: true,
                    ..Default::default()
                };
                save_author(db, &input).await?.value.id
            }
        };
        known.authors.insert(slug, id);
        ids.push(id);
    }
    Ok(ids)
}

/// `jane-doe` → `Jane Doe`, for authors known only by a slug.
fn humanize(slug: &str) -> String {
    slug.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn sorted(ids: &[i64]) -> Vec<i64> {
    let mut v = ids.to_vec();
    v.sort_unstable();
    v
}
