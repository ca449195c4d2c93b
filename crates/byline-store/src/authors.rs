//! Authors: their rows, the readers (by slug, by id, listings with article counts), the
//! importer's save by slug, and the newsroom's create, edit and delete (reassigning bylines),
//! each newsroom write in one transaction with its audit line and cache tags.

use crate::entity::{article_author, article_term, author as row, staff_user};
use crate::{Outcome, Saved, Store, StoreError, audit, changes, write_row};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::{Author, AuthorInput, AuthorLink, Invalid};
use chrono::Utc;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;

pub(crate) fn from_row(m: row::Model) -> Author {
    Author {
        id: m.id,
        links: serde_json::from_str::<Vec<AuthorLink>>(&m.links).unwrap_or_default(),
        slug: m.slug,
        name: m.name,
        bio: m.bio,
        bio_html: m.bio_html,
        photo: m.photo,
        website: m.website,
        email: m.email,
        guest: m.guest,
    }
}

impl Store {
    /// Creates the author, or updates the one with the same slug.
    pub async fn save_author(&self, input: &AuthorInput) -> Result<Saved<Author>, StoreError> {
        save_author(self.db(), input).await
    }

    pub async fn author(&self, slug: &str) -> Result<Author, StoreError> {
        row::Entity::find()
            .filter(row::Column::Slug.eq(slug))
            .one(self.db())
            .await?
            .map(from_row)
            .ok_or_else(|| StoreError::not_found("author", slug))
    }

    /// Every author, by name.
    pub async fn authors(&self) -> Result<Vec<Author>, StoreError> {
        let rows = row::Entity::find().order_by_asc(row::Column::Name).all(self.db()).await?;
        Ok(rows.into_iter().map(from_row).collect())
    }
}

pub(crate) async fn save_author(
    db: &impl ConnectionTrait,
    input: &AuthorInput,
) -> Result<Saved<Author>, StoreError> {
    let a = input.validate()?;
    let existing = row::Entity::find().filter(row::Column::Slug.eq(&a.slug)).one(db).await?;
    let now = Utc::now();
    let new = row::Model {
        id: existing.as_ref().map_or(0, |e| e.id),
        links: serde_json::to_string(&a.links).expect("links serialize"),
        slug: a.slug,
        name: a.name,
        bio: a.bio,
        bio_html: a.bio_html,
        photo: a.photo,
        website: a.website,
        email: a.email,
        guest: a.guest,
        created_at: existing.as_ref().map_or(now, |e| e.created_at),
        updated_at: existing.as_ref().map_or(now, |e| e.updated_at),
    };
    let (m, outcome) = match existing {
        Some(old) if old == new => (old, Outcome::Unchanged),
        Some(_) => {
            (write_row(db, row::Model { updated_at: now, ..new }, None).await?, Outcome::Updated)
        }
        None => (write_row(db, new, Some(row::Column::Id)).await?, Outcome::Created),
    };
    if outcome != Outcome::Unchanged {
        changes::log(db, &[changes::author(m.id), changes::LIST.to_owned()]).await?;
    }
    Ok(Saved { value: from_row(m), outcome })
}

/// An author with the number of articles (any status) whose byline names them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuthorListing {
    pub author: Author,
    pub articles: u64,
}

impl Store {
    /// Every author by name, with their article counts.
    pub async fn author_listings(&self) -> Result<Vec<AuthorListing>, StoreError> {
        #[derive(FromQueryResult)]
        struct Count {
            author_id: i64,
            n: i64,
        }
        let counts: HashMap<i64, u64> = article_author::Entity::find()
            .select_only()
            .column(article_author::Column::AuthorId)
            .column_as(Expr::from(Func::count(Expr::col(article_author::Column::ArticleId))), "n")
            .group_by(article_author::Column::AuthorId)
            .into_model::<Count>()
            .all(self.db())
            .await?
            .into_iter()
            .map(|c| (c.author_id, c.n as u64))
            .collect();
        let rows = row::Entity::find().order_by_asc(row::Column::Name).all(self.db()).await?;
        Ok(rows
            .into_iter()
            .map(|m| {
                let articles = counts.get(&m.id).copied().unwrap_or(0);
                AuthorListing { author: from_row(m), articles }
            })
            .collect())
    }

    pub async fn author_by_id(&self, id: i64) -> Result<Author, StoreError> {
        find(self.db(), id).await.map(from_row)
    }

    /// Adds an author; the slug must be free.
    pub async fn create_author(
        &self,
        actor: &Actor,
        input: &AuthorInput,
    ) -> Result<Author, StoreError> {
        let a = input.validate()?;
        let txn = self.write().await?;
        slug_free(&txn, &a.slug, None).await?;
        let now = Utc::now();
        let m = write_row(&txn, to_row(a, 0, now), Some(row::Column::Id)).await?;
        crate::slug_redirects::renamed(&txn, crate::SlugOf::Author, m.id, "", &m.slug).await?;
        changes::log(&txn, &[changes::author(m.id), changes::LIST.to_owned()]).await?;
        let rec = AuditRecord::new("author.create", subject(&m));
        audit::write(&txn, actor, &rec).await?;
        txn.commit().await?;
        Ok(from_row(m))
    }

    /// Changes every field of an author; a new slug must be free.
    pub async fn update_author(
        &self,
        actor: &Actor,
        id: i64,
        input: &AuthorInput,
    ) -> Result<Author, StoreError> {
        let a = input.validate()?;
        let txn = self.write().await?;
        let old = find(&txn, id).await?;
        slug_free(&txn, &a.slug, Some(id)).await?;
        let mut new = to_row(a, id, old.created_at);
        new.updated_at = old.updated_at;
        if new == old {
            return Ok(from_row(old));
        }
        new.updated_at = Utc::now();
        let m = write_row(&txn, new, None).await?;
        crate::slug_redirects::renamed(&txn, crate::SlugOf::Author, id, &old.slug, &m.slug).await?;
        let mut tags = vec![changes::author(id), changes::LIST.to_owned()];
        tags.extend(author_pages(&txn, id).await?.1);
        changes::log(&txn, &tags).await?;
        let mut rec = AuditRecord::new("author.update", subject(&m));
        if old.slug != m.slug {
            rec = rec.detail(format!("slug {} → {}", old.slug, m.slug));
        }
        audit::write(&txn, actor, &rec).await?;
        txn.commit().await?;
        Ok(from_row(m))
    }

    /// Deletes an author. While bylines name them, this is refused unless `reassign_to` names
    /// another author, who then takes their place (once per article). A profile a staff
    /// account writes under is never deleted.
    pub async fn delete_author(
        &self,
        actor: &Actor,
        id: i64,
        reassign_to: Option<i64>,
    ) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let old = find(&txn, id).await?;
        if let Some(s) =
            staff_user::Entity::find().filter(staff_user::Column::AuthorId.eq(id)).one(&txn).await?
        {
            return Err(StoreError::Conflict(format!(
                "{} is the author profile of the staff account {}; it cannot be deleted",
                old.name, s.email
            )));
        }
        let (articles, tags) = author_pages(&txn, id).await?;
        let mut detail = String::new();
        if !articles.is_empty() {
            let Some(to) = reassign_to.filter(|to| *to != id) else {
                return Err(StoreError::Conflict(format!(
                    "{} is in the byline of {} article(s); choose another author to reassign \
                     them to before deleting",
                    old.name,
                    articles.len()
                )));
            };
            let target = find(&txn, to).await.map_err(|e| match e {
                StoreError::NotFound { .. } => {
                    Invalid::one("reassign_to", format!("there is no author {to}")).into()
                }
                other => other,
            })?;
            reassign(&txn, id, to).await?;
            detail = format!("{} article(s) reassigned to {}", articles.len(), subject(&target));
        }
        row::Entity::delete_by_id(id).exec(&txn).await?;
        let mut all = vec![changes::author(id), changes::LIST.to_owned()];
        all.extend(tags);
        if let Some(to) = reassign_to {
            all.push(changes::author(to));
        }
        changes::log(&txn, &all).await?;
        audit::write(&txn, actor, &AuditRecord::new("author.delete", subject(&old)).detail(detail))
            .await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Moves `from`'s bylines to `to`, dropping `from` where `to` is already in the byline.
async fn reassign(db: &impl ConnectionTrait, from: i64, to: i64) -> Result<(), StoreError> {
    let already: Vec<i64> = article_author::Entity::find()
        .select_only()
        .column(article_author::Column::ArticleId)
        .filter(article_author::Column::AuthorId.eq(to))
        .into_tuple()
        .all(db)
        .await?;
    article_author::Entity::delete_many()
        .filter(article_author::Column::AuthorId.eq(from))
        .filter(article_author::Column::ArticleId.is_in(already))
        .exec(db)
        .await?;
    article_author::Entity::update_many()
        .col_expr(article_author::Column::AuthorId, Expr::value(to))
        .filter(article_author::Column::AuthorId.eq(from))
        .exec(db)
        .await?;
    Ok(())
}

fn subject(m: &row::Model) -> String {
    format!("author {} “{}”", m.id, m.name)
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<row::Model, StoreError> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::not_found("author", id.to_string()))
}

async fn slug_free(
    db: &impl ConnectionTrait,
    slug: &str,
    except: Option<i64>,
) -> Result<(), StoreError> {
    let clash = row::Entity::find().filter(row::Column::Slug.eq(slug)).one(db).await?;
    match clash {
        Some(c) if Some(c.id) != except => Err(Invalid::one(
            "slug",
            format!("{slug:?} is already the address of {}; choose another", c.name),
        )
        .into()),
        _ => Ok(()),
    }
}

fn to_row(a: Author, id: i64, now: chrono::DateTime<Utc>) -> row::Model {
    row::Model {
        id,
        links: serde_json::to_string(&a.links).expect("links serialize"),
        slug: a.slug,
        name: a.name,
        bio: a.bio,
        bio_html: a.bio_html,
        photo: a.photo,
        website: a.website,
        email: a.email,
        guest: a.guest,
        created_at: now,
        updated_at: now,
    }
}

/// The articles in this author's bylines, and the cache tags of every page that shows the
/// author's name beside them: those articles, their co-authors' archives and the archives of
/// their terms (cards carry bylines), as an article save tags them.
async fn author_pages(
    db: &impl ConnectionTrait,
    author_id: i64,
) -> Result<(Vec<i64>, Vec<String>), StoreError> {
    let ids: Vec<i64> = article_author::Entity::find()
        .select_only()
        .column(article_author::Column::ArticleId)
        .filter(article_author::Column::AuthorId.eq(author_id))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok((ids, Vec::new()));
    }
    let co_authors: Vec<i64> = article_author::Entity::find()
        .select_only()
        .column(article_author::Column::AuthorId)
        .filter(article_author::Column::ArticleId.is_in(ids.clone()))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let terms: Vec<i64> = article_term::Entity::find()
        .select_only()
        .column(article_term::Column::TermId)
        .filter(article_term::Column::ArticleId.is_in(ids.clone()))
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let mut tags: Vec<String> = ids.iter().map(|&a| changes::article(a)).collect();
    tags.extend(co_authors.into_iter().map(changes::author));
    tags.extend(terms.into_iter().map(changes::term));
    Ok((ids, tags))
}
