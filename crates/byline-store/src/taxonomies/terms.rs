//! Terms: their rows, the readers (a taxonomy's terms, a term with its context for its archive
//! page, counts, sitemap paths), and the newsroom's create, rename (name and slug), nest
//! (refusing cycles), merge one into another, and delete. Renaming or merging changes a term's
//! archive address; the old address then redirects (permanently) to the new one.

use super::lookup::find_taxonomy;
use super::redirects;
use crate::entity::{article, article_term, taxonomy, term, term as row};
use crate::{Store, StoreError, audit, changes, write_row};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::taxonomy::term_and_descendants;
use byline_core::{ArticleStatus, Invalid, Taxonomy, Term, TermInput};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait,
};
use std::collections::HashMap;

/// A term with what its archive page needs around it.
#[derive(Debug, Clone)]
pub struct TermContext {
    pub taxonomy: Taxonomy,
    pub term: Term,
    /// Every term of the taxonomy, to find ancestors and children without more queries.
    pub terms: Vec<Term>,
}

pub(crate) fn term_from_row(m: term::Model) -> Term {
    Term {
        id: m.id,
        taxonomy_id: m.taxonomy_id,
        parent_id: m.parent_id,
        slug: m.slug,
        name: m.name,
        description: m.description,
        description_html: m.description_html,
    }
}

impl Store {
    /// Every term of a taxonomy, by name.
    pub async fn terms(&self, taxonomy_id: i64) -> Result<Vec<Term>, StoreError> {
        all_terms(self.db(), taxonomy_id).await
    }

    /// A term of a taxonomy, with its taxonomy and all the taxonomy's terms.
    pub async fn term_context(
        &self,
        taxonomy_slug: &str,
        term_slug: &str,
    ) -> Result<TermContext, StoreError> {
        let taxonomy = find_taxonomy(self.db(), taxonomy_slug).await?;
        let terms = all_terms(self.db(), taxonomy.id).await?;
        let term =
            terms.iter().find(|t| t.slug == term_slug).cloned().ok_or_else(|| {
                StoreError::not_found("term", format!("{taxonomy_slug}/{term_slug}"))
            })?;
        Ok(TermContext { taxonomy, term, terms })
    }

    /// Every term of every taxonomy as (taxonomy slug, term slug), for sitemaps.
    pub async fn all_term_paths(&self) -> Result<Vec<(String, String)>, StoreError> {
        Ok(term::Entity::find()
            .select_only()
            .column(taxonomy::Column::Slug)
            .column_as(term::Column::Slug, "term_slug")
            .join(JoinType::InnerJoin, term::Relation::Taxonomy.def())
            .order_by_asc(taxonomy::Column::Position)
            .order_by_asc(term::Column::Slug)
            .into_tuple()
            .all(self.db())
            .await?)
    }

    /// How many published articles are filed directly under each term of a taxonomy.
    pub async fn published_counts(
        &self,
        taxonomy_id: i64,
    ) -> Result<HashMap<i64, u64>, StoreError> {
        self.counts_by_term(taxonomy_id, Some(ArticleStatus::Published)).await
    }

    pub async fn term_by_id(&self, id: i64) -> Result<Term, StoreError> {
        find(self.db(), id).await.map(term_from_row)
    }

    /// How many articles (any status) are filed directly under each term of a taxonomy.
    pub async fn term_article_counts(
        &self,
        taxonomy_id: i64,
    ) -> Result<HashMap<i64, u64>, StoreError> {
        self.counts_by_term(taxonomy_id, None).await
    }

    /// Articles filed directly under each term of a taxonomy, of one status or of any.
    async fn counts_by_term(
        &self,
        taxonomy_id: i64,
        status: Option<ArticleStatus>,
    ) -> Result<HashMap<i64, u64>, StoreError> {
        #[derive(FromQueryResult)]
        struct Count {
            term_id: i64,
            n: i64,
        }
        let mut q = article_term::Entity::find()
            .select_only()
            .column(article_term::Column::TermId)
            .column_as(Expr::from(Func::count(Expr::col(article_term::Column::ArticleId))), "n")
            .join(JoinType::InnerJoin, article_term::Relation::Term.def())
            .filter(row::Column::TaxonomyId.eq(taxonomy_id));
        if let Some(status) = status {
            q = q
                .join(JoinType::InnerJoin, article_term::Relation::Article.def())
                .filter(article::Column::Status.eq(status.as_str()));
        }
        let rows =
            q.group_by(article_term::Column::TermId).into_model::<Count>().all(self.db()).await?;
        Ok(rows.into_iter().map(|c| (c.term_id, c.n as u64)).collect())
    }

    /// The slugs of the articles filed directly under a term, by slug.
    pub async fn term_article_slugs(&self, term_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(article::Entity::find()
            .select_only()
            .column(article::Column::Slug)
            .join_rev(JoinType::InnerJoin, article_term::Relation::Article.def())
            .filter(article_term::Column::TermId.eq(term_id))
            .order_by_asc(article::Column::Slug)
            .into_tuple()
            .all(self.db())
            .await?)
    }

    /// Adds a term to a taxonomy, under `parent` (a term id of the same taxonomy) if given.
    pub async fn create_term(
        &self,
        actor: &Actor,
        taxonomy_id: i64,
        input: &TermInput,
        parent: Option<i64>,
    ) -> Result<Term, StoreError> {
        let t = input.validate()?;
        let txn = self.write().await?;
        let tax = super::lookup::find(&txn, taxonomy_id).await?;
        slug_free(&txn, taxonomy_id, &t.slug, None).await?;
        check_parent(&txn, taxonomy_id, None, parent).await?;
        let new = row::Model {
            id: 0,
            taxonomy_id,
            parent_id: parent,
            slug: t.slug,
            name: t.name,
            description: t.description,
            description_html: t.description_html,
        };
        let m = write_row(&txn, new, Some(row::Column::Id)).await?;
        redirects::forget(&txn, taxonomy_id, &m.slug).await?;
        changes::log(&txn, &[changes::SITE.to_owned(), changes::term(m.id)]).await?;
        let rec = AuditRecord::new("term.create", subject(&m)).detail(format!("in {}", tax.name));
        audit::write(&txn, actor, &rec).await?;
        crate::webhooks::fire(&txn, &["tag.added"], m.id, serde_json::json!({})).await?;
        txn.commit().await?;
        Ok(term_from_row(m))
    }

    /// Renames (name, slug, description) and nests a term: `parent: None` makes it top-level.
    /// A parent that is the term itself or below it is refused as a field error on `parent`.
    pub async fn update_term(
        &self,
        actor: &Actor,
        id: i64,
        input: &TermInput,
        parent: Option<i64>,
    ) -> Result<Term, StoreError> {
        let t = input.validate()?;
        let txn = self.write().await?;
        let old = find(&txn, id).await?;
        slug_free(&txn, old.taxonomy_id, &t.slug, Some(id)).await?;
        check_parent(&txn, old.taxonomy_id, Some(id), parent).await?;
        let new = row::Model {
            id,
            taxonomy_id: old.taxonomy_id,
            parent_id: parent,
            slug: t.slug,
            name: t.name,
            description: t.description,
            description_html: t.description_html,
        };
        if new == old {
            return Ok(term_from_row(old));
        }
        let m = write_row(&txn, new, None).await?;
        if old.slug != m.slug {
            redirects::forget(&txn, m.taxonomy_id, &m.slug).await?;
            redirects::remember(&txn, m.taxonomy_id, &old.slug, id).await?;
        }
        changes::log(&txn, &[changes::SITE.to_owned(), changes::term(id)]).await?;
        let mut detail = Vec::new();
        if old.name != m.name {
            detail.push(format!("renamed from “{}”", old.name));
        }
        if old.slug != m.slug {
            detail.push(format!("slug {} → {}", old.slug, m.slug));
        }
        if old.parent_id != m.parent_id {
            detail.push(format!("parent {:?} → {:?}", old.parent_id, m.parent_id));
        }
        let rec = AuditRecord::new("term.update", subject(&m)).detail(detail.join("; "));
        audit::write(&txn, actor, &rec).await?;
        let previous = crate::webhooks::changed(&[
            ("name", Some(&old.name), Some(&m.name)),
            ("slug", Some(&old.slug), Some(&m.slug)),
            ("description", old.description.as_deref(), m.description.as_deref()),
        ]);
        crate::webhooks::fire(&txn, &["tag.edited"], m.id, previous).await?;
        txn.commit().await?;
        Ok(term_from_row(m))
    }

    /// Merges `source` into `into` (same taxonomy): its articles move to the target (an
    /// article filed under both keeps one), its children move under the target, and the
    /// source is deleted. Returns the target.
    pub async fn merge_term(
        &self,
        actor: &Actor,
        source: i64,
        into: i64,
    ) -> Result<Term, StoreError> {
        let txn = self.write().await?;
        let src = find(&txn, source).await?;
        let target = match find(&txn, into).await {
            Ok(t) if t.taxonomy_id == src.taxonomy_id && t.id != src.id => t,
            Ok(t) if t.id == src.id => {
                return Err(Invalid::one("into", "a term cannot be merged into itself").into());
            }
            Ok(_) => {
                return Err(Invalid::one("into", "choose a term of the same taxonomy").into());
            }
            Err(StoreError::NotFound { .. }) => {
                return Err(Invalid::one("into", format!("there is no term {into}")).into());
            }
            Err(e) => return Err(e),
        };
        // `site` is on every page, so it covers the articles filed under either term too.
        let tags = vec![changes::SITE.to_owned(), changes::term(source), changes::term(into)];
        let moved = move_articles(&txn, source, into).await?;
        // Children follow the source to the target; if the target was below the source (at
        // any depth) it takes the source's place, so no cycle appears.
        if below(&txn, into, source).await? {
            row::Entity::update_many()
                .col_expr(row::Column::ParentId, Expr::value(src.parent_id))
                .filter(row::Column::Id.eq(into))
                .exec(&txn)
                .await?;
        }
        row::Entity::update_many()
            .col_expr(row::Column::ParentId, Expr::value(into))
            .filter(row::Column::ParentId.eq(source))
            .filter(row::Column::Id.ne(into))
            .exec(&txn)
            .await?;
        redirects::repoint(&txn, source, into).await?;
        row::Entity::delete_by_id(source).exec(&txn).await?;
        redirects::remember(&txn, src.taxonomy_id, &src.slug, into).await?;
        changes::log(&txn, &tags).await?;
        let rec = AuditRecord::new("term.merge", subject(&src))
            .detail(format!("into {}; {moved} article(s) moved", subject(&target)));
        audit::write(&txn, actor, &rec).await?;
        txn.commit().await?;
        Ok(term_from_row(find(self.db(), into).await?))
    }

    /// Deletes a term: articles lose it, its children move up to its parent.
    pub async fn delete_term(&self, actor: &Actor, id: i64) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let old = find(&txn, id).await?;
        let tags = vec![changes::SITE.to_owned(), changes::term(id)];
        let articles = article_term::Entity::delete_many()
            .filter(article_term::Column::TermId.eq(id))
            .exec(&txn)
            .await?
            .rows_affected;
        row::Entity::update_many()
            .col_expr(row::Column::ParentId, Expr::value(old.parent_id))
            .filter(row::Column::ParentId.eq(id))
            .exec(&txn)
            .await?;
        row::Entity::delete_by_id(id).exec(&txn).await?;
        changes::log(&txn, &tags).await?;
        let rec = AuditRecord::new("term.delete", subject(&old))
            .detail(format!("removed from {articles} article(s)"));
        audit::write(&txn, actor, &rec).await?;
        let was =
            crate::webhooks::gone(id, &[("name", Some(&old.name)), ("slug", Some(&old.slug))]);
        crate::webhooks::fire(&txn, &["tag.deleted"], id, was).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Files `from`'s articles under `to` without duplicates; returns how many moved.
async fn move_articles(db: &impl ConnectionTrait, from: i64, to: i64) -> Result<u64, StoreError> {
    let already: Vec<i64> = article_term::Entity::find()
        .select_only()
        .column(article_term::Column::ArticleId)
        .filter(article_term::Column::TermId.eq(to))
        .into_tuple()
        .all(db)
        .await?;
    article_term::Entity::delete_many()
        .filter(article_term::Column::TermId.eq(from))
        .filter(article_term::Column::ArticleId.is_in(already))
        .exec(db)
        .await?;
    let res = article_term::Entity::update_many()
        .col_expr(article_term::Column::TermId, Expr::value(to))
        .filter(article_term::Column::TermId.eq(from))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}

/// A parent must be a term of the same taxonomy, and not the term itself or below it.
async fn check_parent(
    db: &impl ConnectionTrait,
    taxonomy_id: i64,
    term: Option<i64>,
    parent: Option<i64>,
) -> Result<(), StoreError> {
    let Some(parent) = parent else { return Ok(()) };
    let all: Vec<_> = row::Entity::find()
        .filter(row::Column::TaxonomyId.eq(taxonomy_id))
        .all(db)
        .await?
        .into_iter()
        .map(term_from_row)
        .collect();
    if !all.iter().any(|t| t.id == parent) {
        return Err(Invalid::one("parent", "choose a term of the same taxonomy").into());
    }
    if let Some(id) = term {
        if id == parent {
            return Err(Invalid::one("parent", "a term cannot be its own parent").into());
        }
        if term_and_descendants(id, &all).contains(&parent) {
            let name = all.iter().find(|t| t.id == parent).map_or("", |t| &t.name);
            return Err(Invalid::one(
                "parent",
                format!("{name} is below this term; nesting it there would make a cycle"),
            )
            .into());
        }
    }
    Ok(())
}

async fn slug_free(
    db: &impl ConnectionTrait,
    taxonomy_id: i64,
    slug: &str,
    except: Option<i64>,
) -> Result<(), StoreError> {
    let clash = row::Entity::find()
        .filter(row::Column::TaxonomyId.eq(taxonomy_id))
        .filter(row::Column::Slug.eq(slug))
        .one(db)
        .await?;
    match clash {
        Some(c) if Some(c.id) != except => Err(Invalid::one(
            "slug",
            format!("{slug:?} is already the term {} here; merge them instead", c.name),
        )
        .into()),
        _ => Ok(()),
    }
}

fn subject(m: &row::Model) -> String {
    format!("term {} “{}”", m.id, m.name)
}

/// Is `term` below `ancestor` (its child, grandchild …)? Walks up the parents.
async fn below(db: &impl ConnectionTrait, term: i64, ancestor: i64) -> Result<bool, StoreError> {
    let mut at = find(db, term).await?.parent_id;
    // A taxonomy is not deeper than this; the bound also ends any cycle already stored.
    for _ in 0..64 {
        match at {
            Some(p) if p == ancestor => return Ok(true),
            Some(p) => at = find(db, p).await?.parent_id,
            None => return Ok(false),
        }
    }
    Ok(false)
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<row::Model, StoreError> {
    row::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::not_found("term", id.to_string()))
}

pub(super) async fn all_terms(
    db: &impl ConnectionTrait,
    taxonomy_id: i64,
) -> Result<Vec<Term>, StoreError> {
    let rows = term::Entity::find()
        .filter(term::Column::TaxonomyId.eq(taxonomy_id))
        .order_by_asc(term::Column::Name)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(term_from_row).collect())
}
