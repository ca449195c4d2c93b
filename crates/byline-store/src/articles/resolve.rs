//! Finding what an editor's input names: authors and terms must exist (the editor creates
//! neither), and a typed slug must be free.

use super::shared::free_slug;
use crate::StoreError;
use crate::entity::{article, author, taxonomy, term};
use byline_core::editorial;
use byline_core::{ArticleInput, FieldError, slugify};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationTrait,
};

/// The byline's author ids, in order; unknown slugs are a field error.
pub(super) async fn resolve_authors(
    db: &impl ConnectionTrait,
    input: &ArticleInput,
    errors: &mut Vec<FieldError>,
) -> Result<Vec<i64>, StoreError> {
    let slugs = editorial::author_slugs(input);
    if slugs.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<(i64, String)> = author::Entity::find()
        .select_only()
        .columns([author::Column::Id, author::Column::Slug])
        .filter(author::Column::Slug.is_in(slugs.clone()))
        .into_tuple()
        .all(db)
        .await?;
    let mut ids = Vec::with_capacity(slugs.len());
    let mut unknown = Vec::new();
    for s in &slugs {
        match found.iter().find(|(_, f)| f == s) {
            Some((id, _)) => ids.push(*id),
            None => unknown.push(s.as_str()),
        }
    }
    if !unknown.is_empty() {
        errors.push(FieldError::new(
            "authors",
            format!("no author with the slug {}; add them under Authors first", unknown.join(", ")),
        ));
    }
    Ok(ids)
}

/// The ids of the terms an input names as (taxonomy slug, term slug or path); each must exist.
pub(super) async fn resolve_terms(
    db: &impl ConnectionTrait,
    input: &ArticleInput,
    errors: &mut Vec<FieldError>,
) -> Result<Vec<i64>, StoreError> {
    let wanted: Vec<(String, String)> = input
        .terms
        .iter()
        .filter_map(|(t, p)| {
            let last = byline_core::taxonomy::split_term_path(p).pop()?;
            Some((slugify(t), slugify(&last)))
        })
        .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<(i64, String, String)> = term::Entity::find()
        .select_only()
        .column(term::Column::Id)
        .column_as(taxonomy::Column::Slug, "taxonomy_slug")
        .column(term::Column::Slug)
        .join(JoinType::InnerJoin, term::Relation::Taxonomy.def())
        .filter(term::Column::Slug.is_in(wanted.iter().map(|(_, s)| s.clone())))
        .into_tuple()
        .all(db)
        .await?;
    let mut ids = Vec::new();
    for (t, s) in &wanted {
        match found.iter().find(|(_, ft, fs)| ft == t && fs == s) {
            Some((id, _, _)) if !ids.contains(id) => ids.push(*id),
            Some(_) => {}
            None => errors.push(FieldError::new("terms", format!("there is no term {t}/{s}"))),
        }
    }
    Ok(ids)
}

/// The slug to save under: one the writer typed must be free; one derived from the title
/// gets `-2`, `-3` … when taken.
pub(super) async fn slug_for(
    db: &impl ConnectionTrait,
    input: &ArticleInput,
    wanted: &str,
    own_id: i64,
    errors: &mut Vec<FieldError>,
) -> Result<String, StoreError> {
    let typed = input.slug.as_deref().is_some_and(|s| !s.trim().is_empty());
    if typed {
        let taken = article::Entity::find()
            .filter(article::Column::Slug.eq(wanted))
            .filter(article::Column::Id.ne(own_id))
            .one(db)
            .await?;
        if taken.is_some() {
            errors.push(FieldError::new("slug", format!("{wanted:?} is used by another article")));
        }
        return Ok(wanted.to_owned());
    }
    free_slug(db, wanted, Some(own_id)).await
}
