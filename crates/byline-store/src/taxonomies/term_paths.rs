//! Terms found or created along the paths importers give (`Section > Sub-section`), and the
//! importer's save of one term by slug.

use super::lookup::find_taxonomy;
use super::terms::term_from_row;
use crate::entity::term;
use crate::import_lookups::ImportLookups;
use crate::{Outcome, Saved, Store, StoreError, changes, write_row};
use byline_core::{Invalid, Term, TermInput, TermPath, slugify};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

impl Store {
    /// Creates the term in a taxonomy (under `parent`, a term slug, when given), or updates the
    /// one with the same slug there.
    pub async fn save_term(
        &self,
        taxonomy_slug: &str,
        parent: Option<&str>,
        input: &TermInput,
    ) -> Result<Saved<Term>, StoreError> {
        let t = input.validate()?;
        let db = self.db();
        let tax = find_taxonomy(db, taxonomy_slug).await?;
        let parent_id =
            match parent.map(slugify).filter(|p| !p.is_empty()) {
                None => None,
                Some(p) if p == t.slug => {
                    return Err(Invalid::one("parent", "a term cannot be its own parent").into());
                }
                Some(p) => Some(find_term(db, tax.id, &p).await?.ok_or_else(|| {
                    Invalid::one("parent", format!("no term {p:?} in {}", tax.name))
                })?),
            };
        let existing = find_term(db, tax.id, &t.slug).await?;
        let existing = match existing {
            Some(t) => term::Entity::find_by_id(t.id).one(db).await?,
            None => None,
        };
        let new = term::Model {
            id: existing.as_ref().map_or(0, |e| e.id),
            taxonomy_id: tax.id,
            parent_id: parent_id.map(|p| p.id),
            slug: t.slug,
            name: t.name,
            description: t.description,
            description_html: t.description_html,
        };
        let (m, outcome) = match existing {
            Some(old) if old == new => (old, Outcome::Unchanged),
            Some(_) => (write_row(db, new, None).await?, Outcome::Updated),
            None => (write_row(db, new, Some(term::Column::Id)).await?, Outcome::Created),
        };
        if outcome != Outcome::Unchanged {
            changes::log(db, &[changes::SITE.to_owned()]).await?;
        }
        Ok(Saved { value: term_from_row(m), outcome })
    }
}

async fn find_term(
    db: &impl ConnectionTrait,
    taxonomy_id: i64,
    slug: &str,
) -> Result<Option<Term>, StoreError> {
    Ok(term::Entity::find()
        .filter(term::Column::TaxonomyId.eq(taxonomy_id))
        .filter(term::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(term_from_row))
}

/// Finds the terms that paths name, creating any that are missing: each level matches a term
/// of the taxonomy by slug (so `Belarus` finds Belarus wherever it sits), and a new term goes
/// under the level before it. Unknown taxonomies are an error that names them. What is
/// found is kept in `known` for the next save in the same transaction.
pub(crate) async fn resolve_term_paths(
    db: &impl ConnectionTrait,
    paths: &[TermPath],
    known: &mut ImportLookups,
) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        if !known.taxonomies.contains_key(p.taxonomy.as_str()) {
            let t = find_taxonomy(db, &p.taxonomy).await.map_err(|e| match e {
                StoreError::NotFound { .. } => StoreError::Invalid(Invalid::one(
                    format!("terms[{i}]"),
                    format!("there is no taxonomy {:?}", p.taxonomy),
                )),
                other => other,
            })?;
            known.taxonomies.insert(p.taxonomy.clone(), t);
        }
        let tax_id = known.taxonomies[p.taxonomy.as_str()].id;
        let mut parent: Option<i64> = None;
        for level in &p.path {
            let slug = slugify(level);
            if slug.is_empty() {
                return Err(Invalid::one(
                    format!("terms[{i}]"),
                    format!("{level:?} names no term"),
                )
                .into());
            }
            let key = (tax_id, slug);
            let id = match known.terms.get(&key) {
                Some(&id) => id,
                None => {
                    let id = match find_term(db, tax_id, &key.1).await? {
                        Some(t) => t.id,
                        None => {
                            let new = term::Model {
                                id: 0,
                                taxonomy_id: tax_id,
                                parent_id: parent,
                                slug: key.1.clone(),
                                name: level.clone(),
                                description: None,
                                description_html: None,
                            };
                            write_row(db, new, Some(term::Column::Id)).await?.id
                        }
                    };
                    known.terms.insert(key, id);
                    id
                }
            };
            parent = Some(id);
        }
        if let Some(id) = parent
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    Ok(ids)
}
