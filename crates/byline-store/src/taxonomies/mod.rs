//! Taxonomies (sections, tags, places…) and their nestable terms. This module holds the
//! taxonomy itself: its rows, the readers, the importer's save by slug, and the newsroom's
//! create, edit and delete, each newsroom write in one transaction with its audit line and
//! cache tags. Terms live in `terms` (readers and the newsroom's editing), `term_paths` (found
//! or created along the paths importers give) and `redirects` (old term addresses); `lookup`
//! finds a taxonomy's row for this module and the term modules alike.

mod lookup;
pub(crate) mod redirects;
pub(crate) mod term_paths;
pub(crate) mod terms;

use crate::entity::{article_term, page, taxonomy, taxonomy as row, term};
use crate::{Outcome, Saved, Store, StoreError, audit, changes, write_row};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::{Invalid, Taxonomy, TaxonomyInput};
use lookup::{find, find_taxonomy, taxonomy_from_row};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

impl Store {
    /// Every taxonomy, in display order.
    pub async fn taxonomies(&self) -> Result<Vec<Taxonomy>, StoreError> {
        let rows = taxonomy::Entity::find()
            .order_by_asc(taxonomy::Column::Position)
            .order_by_asc(taxonomy::Column::Id)
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(taxonomy_from_row).collect())
    }

    pub async fn taxonomy(&self, slug: &str) -> Result<Taxonomy, StoreError> {
        find_taxonomy(self.db(), slug).await
    }

    /// Creates the taxonomy, or updates the one with the same slug. New ones go last.
    pub async fn save_taxonomy(
        &self,
        input: &TaxonomyInput,
    ) -> Result<Saved<Taxonomy>, StoreError> {
        let t = input.validate()?;
        let db = self.db();
        let page_clash = crate::entity::page::Entity::find()
            .filter(crate::entity::page::Column::Slug.eq(&t.slug))
            .one(db)
            .await?;
        if page_clash.is_some() {
            return Err(StoreError::Conflict(format!(
                "a page already uses the slug {:?}; the taxonomy would hide it",
                t.slug
            )));
        }
        let existing =
            taxonomy::Entity::find().filter(taxonomy::Column::Slug.eq(&t.slug)).one(db).await?;
        let position = match &existing {
            Some(e) => e.position,
            None => {
                let last = taxonomy::Entity::find()
                    .order_by_desc(taxonomy::Column::Position)
                    .one(db)
                    .await?;
                last.map_or(0, |l| l.position + 1)
            }
        };
        let new = taxonomy::Model {
            id: existing.as_ref().map_or(0, |e| e.id),
            slug: t.slug,
            name: t.name,
            singular: t.singular,
            description: t.description,
            position,
            // A file that does not say keeps what the newsroom chose.
            exposed: match (&input.exposed, &existing) {
                (None, Some(e)) => e.exposed,
                _ => t.exposed,
            },
        };
        let (m, outcome) = match existing {
            Some(old) if old == new => (old, Outcome::Unchanged),
            Some(_) => (write_row(db, new, None).await?, Outcome::Updated),
            None => (write_row(db, new, Some(taxonomy::Column::Id)).await?, Outcome::Created),
        };
        if outcome != Outcome::Unchanged {
            changes::log(db, &[changes::SITE.to_owned()]).await?;
        }
        Ok(Saved { value: taxonomy_from_row(m), outcome })
    }
}

/// How much hangs on a taxonomy: its terms, and the articles filed under any of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct TaxonomyUsage {
    pub terms: u64,
    pub articles: u64,
}

impl Store {
    pub async fn taxonomy_by_id(&self, id: i64) -> Result<Taxonomy, StoreError> {
        find(self.db(), id).await.map(taxonomy_from_row)
    }

    pub async fn taxonomy_usage(&self, id: i64) -> Result<TaxonomyUsage, StoreError> {
        usage(self.db(), id).await
    }

    /// Adds a taxonomy, at `position` or after the last one.
    pub async fn create_taxonomy(
        &self,
        actor: &Actor,
        input: &TaxonomyInput,
        position: Option<i32>,
    ) -> Result<Taxonomy, StoreError> {
        let t = input.validate()?;
        let txn = self.write().await?;
        slug_free(&txn, &t.slug, None).await?;
        let position = match position {
            Some(p) => p,
            None => row::Entity::find()
                .order_by_desc(row::Column::Position)
                .one(&txn)
                .await?
                .map_or(0, |l| l.position + 1),
        };
        let m = write_row(&txn, to_row(t, 0, position), Some(row::Column::Id)).await?;
        changes::log(&txn, &[changes::SITE.to_owned()]).await?;
        audit::write(&txn, actor, &AuditRecord::new("taxonomy.create", subject(&m))).await?;
        txn.commit().await?;
        Ok(taxonomy_from_row(m))
    }

    /// Changes a taxonomy; `position: None` keeps its place.
    pub async fn update_taxonomy(
        &self,
        actor: &Actor,
        id: i64,
        input: &TaxonomyInput,
        position: Option<i32>,
    ) -> Result<Taxonomy, StoreError> {
        let t = input.validate()?;
        let txn = self.write().await?;
        let old = find(&txn, id).await?;
        slug_free(&txn, &t.slug, Some(id)).await?;
        let exposed = input.exposed.unwrap_or(old.exposed);
        let new = row::Model { exposed, ..to_row(t, id, position.unwrap_or(old.position)) };
        if new == old {
            return Ok(taxonomy_from_row(old));
        }
        let m = write_row(&txn, new, None).await?;
        let term_ids = term_ids(&txn, id).await?;
        let mut tags = vec![changes::SITE.to_owned(), changes::LIST.to_owned()];
        tags.extend(term_ids.iter().map(|t| changes::term(*t)));
        changes::log(&txn, &tags).await?;
        let mut details = Vec::new();
        if old.slug != m.slug {
            details.push(format!("slug {} → {}", old.slug, m.slug));
        }
        if old.exposed != m.exposed {
            let now = if m.exposed { "exposed to" } else { "hidden from" };
            details.push(format!("{now} the Ghost Content API"));
        }
        let rec = AuditRecord::new("taxonomy.update", subject(&m)).detail(details.join("; "));
        audit::write(&txn, actor, &rec).await?;
        txn.commit().await?;
        Ok(taxonomy_from_row(m))
    }

    /// Deletes a taxonomy with its terms. When articles are filed under its terms this is
    /// refused unless `confirmed`, with a message that says how many.
    pub async fn delete_taxonomy(
        &self,
        actor: &Actor,
        id: i64,
        confirmed: bool,
    ) -> Result<TaxonomyUsage, StoreError> {
        let txn = self.write().await?;
        let old = find(&txn, id).await?;
        let used = usage(&txn, id).await?;
        if used.articles > 0 && !confirmed {
            return Err(StoreError::Conflict(format!(
                "{} has {} term(s) filed on {} article(s); deleting it removes them from those \
                 articles. Confirm to delete.",
                old.name, used.terms, used.articles
            )));
        }
        let term_ids = term_ids(&txn, id).await?;
        let mut tags = vec![changes::SITE.to_owned(), changes::LIST.to_owned()];
        tags.extend(term_ids.iter().map(|t| changes::term(*t)));
        article_term::Entity::delete_many()
            .filter(article_term::Column::TermId.is_in(term_ids.clone()))
            .exec(&txn)
            .await?;
        term::Entity::update_many()
            .col_expr(term::Column::ParentId, sea_orm::sea_query::Expr::value(None::<i64>))
            .filter(term::Column::TaxonomyId.eq(id))
            .exec(&txn)
            .await?;
        term::Entity::delete_many().filter(term::Column::TaxonomyId.eq(id)).exec(&txn).await?;
        row::Entity::delete_by_id(id).exec(&txn).await?;
        changes::log(&txn, &tags).await?;
        let detail = format!("{} term(s), on {} article(s)", used.terms, used.articles);
        audit::write(
            &txn,
            actor,
            &AuditRecord::new("taxonomy.delete", subject(&old)).detail(detail),
        )
        .await?;
        txn.commit().await?;
        Ok(used)
    }
}

fn subject(m: &row::Model) -> String {
    format!("taxonomy {} “{}”", m.id, m.name)
}

fn to_row(t: Taxonomy, id: i64, position: i32) -> row::Model {
    row::Model {
        id,
        slug: t.slug,
        name: t.name,
        singular: t.singular,
        description: t.description,
        position,
        exposed: t.exposed,
    }
}

async fn term_ids(db: &impl ConnectionTrait, taxonomy_id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(term::Entity::find()
        .select_only()
        .column(term::Column::Id)
        .filter(term::Column::TaxonomyId.eq(taxonomy_id))
        .into_tuple()
        .all(db)
        .await?)
}

async fn usage(db: &impl ConnectionTrait, id: i64) -> Result<TaxonomyUsage, StoreError> {
    let ids = term_ids(db, id).await?;
    let articles = if ids.is_empty() {
        0
    } else {
        article_term::Entity::find()
            .select_only()
            .column(article_term::Column::ArticleId)
            .filter(article_term::Column::TermId.is_in(ids.clone()))
            .distinct()
            .into_tuple::<i64>()
            .all(db)
            .await?
            .len() as u64
    };
    Ok(TaxonomyUsage { terms: ids.len() as u64, articles })
}

async fn slug_free(
    db: &impl ConnectionTrait,
    slug: &str,
    except: Option<i64>,
) -> Result<(), StoreError> {
    if let Some(c) = row::Entity::find().filter(row::Column::Slug.eq(slug)).one(db).await?
        && Some(c.id) != except
    {
        return Err(
            Invalid::one("slug", format!("{slug:?} is already the taxonomy {}", c.name)).into()
        );
    }
    if let Some(p) = page::Entity::find().filter(page::Column::Slug.eq(slug)).one(db).await? {
        return Err(Invalid::one(
            "slug",
            format!("{slug:?} is the address of the page {}; choose another", p.title),
        )
        .into());
    }
    Ok(())
}
