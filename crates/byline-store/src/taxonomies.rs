//! Taxonomies and their (nestable) terms.

use crate::entity::{article, article_term, taxonomy, term};
use crate::{Outcome, Saved, Store, StoreError, changes, write_row};
use byline_core::{
    ArticleStatus, Invalid, Taxonomy, TaxonomyInput, Term, TermInput, TermPath, slugify,
};
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

pub(crate) fn taxonomy_from_row(m: taxonomy::Model) -> Taxonomy {
    Taxonomy {
        id: m.id,
        slug: m.slug,
        name: m.name,
        singular: m.singular,
        description: m.description,
        position: m.position,
    }
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

    /// Every term of a taxonomy, by name.
    pub async fn terms(&self, taxonomy_id: i64) -> Result<Vec<Term>, StoreError> {
        all_terms(self.db(), taxonomy_id).await
    }

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
        #[derive(FromQueryResult)]
        struct Count {
            term_id: i64,
            n: i64,
        }
        let rows = article_term::Entity::find()
            .select_only()
            .column(article_term::Column::TermId)
            .column_as(Expr::from(Func::count(Expr::col(article_term::Column::ArticleId))), "n")
            .join(JoinType::InnerJoin, article_term::Relation::Term.def())
            .join(JoinType::InnerJoin, article_term::Relation::Article.def())
            .filter(term::Column::TaxonomyId.eq(taxonomy_id))
            .filter(article::Column::Status.eq(ArticleStatus::Published.as_str()))
            .group_by(article_term::Column::TermId)
            .into_model::<Count>()
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(|c| (c.term_id, c.n as u64)).collect())
    }
}

async fn find_taxonomy(db: &impl ConnectionTrait, slug: &str) -> Result<Taxonomy, StoreError> {
    taxonomy::Entity::find()
        .filter(taxonomy::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(taxonomy_from_row)
        .ok_or_else(|| StoreError::not_found("taxonomy", slug))
}

async fn all_terms(db: &impl ConnectionTrait, taxonomy_id: i64) -> Result<Vec<Term>, StoreError> {
    let rows = term::Entity::find()
        .filter(term::Column::TaxonomyId.eq(taxonomy_id))
        .order_by_asc(term::Column::Name)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(term_from_row).collect())
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
/// under the level before it. Unknown taxonomies are an error that names them.
pub(crate) async fn resolve_term_paths(
    db: &impl ConnectionTrait,
    paths: &[TermPath],
) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::new();
    let mut taxonomies: HashMap<&str, Taxonomy> = HashMap::new();
    for (i, p) in paths.iter().enumerate() {
        if !taxonomies.contains_key(p.taxonomy.as_str()) {
            let t = find_taxonomy(db, &p.taxonomy).await.map_err(|e| match e {
                StoreError::NotFound { .. } => StoreError::Invalid(Invalid::one(
                    format!("terms[{i}]"),
                    format!("there is no taxonomy {:?}", p.taxonomy),
                )),
                other => other,
            })?;
            taxonomies.insert(&p.taxonomy, t);
        }
        let tax = &taxonomies[p.taxonomy.as_str()];
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
            let id = match find_term(db, tax.id, &slug).await? {
                Some(t) => t.id,
                None => {
                    let new = term::Model {
                        id: 0,
                        taxonomy_id: tax.id,
                        parent_id: parent,
                        slug,
                        name: level.clone(),
                        description: None,
                        description_html: None,
                    };
                    write_row(db, new, Some(term::Column::Id)).await?.id
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
