//! Who may read an article: `article.access` and, for `tiers`, the `article_tier` rows.
//! Reading them costs no query for articles that name no tiers, and one for any number that
//! do; a tier an editor names must exist.

use crate::StoreError;
use crate::entity::{article_tier, tier};
use byline_core::FieldError;
use byline_core::members::Access;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, JoinType,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};
use std::collections::HashMap;

/// The access an article's row says, with the tiers read for it (if it names any).
pub(super) fn access_of(word: &str, tiers: Option<Vec<String>>) -> Access {
    match word {
        "members" => Access::Members,
        "paid" => Access::Paid,
        "tiers" => {
            let mut t = tiers.unwrap_or_default();
            t.sort();
            t.dedup();
            Access::Tiers(t)
        }
        _ => Access::Public,
    }
}

/// The tier slugs of each of these articles (give only those whose access is `tiers`):
/// no query when there are none.
pub(super) async fn tier_slugs(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = article_tier::Entity::find()
        .select_only()
        .column(article_tier::Column::ArticleId)
        .column(tier::Column::Slug)
        .join(JoinType::InnerJoin, article_tier::Relation::Tier.def())
        .filter(article_tier::Column::ArticleId.is_in(ids.iter().copied()))
        .order_by_asc(tier::Column::Slug)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, slug) in rows {
        out.entry(id).or_default().push(slug);
    }
    Ok(out)
}

/// The ids of the tiers `access` names; each must exist (else a field error on `tiers`).
pub(super) async fn tier_ids(
    db: &impl ConnectionTrait,
    access: &Access,
    errors: &mut Vec<FieldError>,
) -> Result<Vec<i64>, StoreError> {
    let wanted = access.tiers();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<(i64, String)> = tier::Entity::find()
        .select_only()
        .columns([tier::Column::Id, tier::Column::Slug])
        .filter(tier::Column::Slug.is_in(wanted.iter().cloned()))
        .into_tuple()
        .all(db)
        .await?;
    let unknown: Vec<&str> =
        wanted.iter().filter(|w| !found.iter().any(|(_, s)| s == *w)).map(String::as_str).collect();
    if !unknown.is_empty() {
        errors.push(FieldError::new(
            "tiers",
            format!("no tier with the slug {}; add it under Tiers first", unknown.join(", ")),
        ));
    }
    let mut ids: Vec<i64> = found.into_iter().map(|(id, _)| id).collect();
    ids.sort_unstable();
    Ok(ids)
}

/// The tier ids an article is for now, sorted.
pub(super) async fn linked_tiers(
    db: &impl ConnectionTrait,
    article_id: i64,
) -> Result<Vec<i64>, StoreError> {
    Ok(article_tier::Entity::find()
        .select_only()
        .column(article_tier::Column::TierId)
        .filter(article_tier::Column::ArticleId.eq(article_id))
        .order_by_asc(article_tier::Column::TierId)
        .into_tuple()
        .all(db)
        .await?)
}

/// Replaces the tiers an article is for.
pub(super) async fn set_tiers(
    db: &impl ConnectionTrait,
    article_id: i64,
    tier_ids: &[i64],
) -> Result<(), StoreError> {
    article_tier::Entity::delete_many()
        .filter(article_tier::Column::ArticleId.eq(article_id))
        .exec(db)
        .await?;
    if !tier_ids.is_empty() {
        let rows = tier_ids.iter().map(|&tier_id| {
            article_tier::Model { article_id, tier_id }.into_active_model().reset_all()
        });
        article_tier::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}
