//! The newsletters themselves, and which of them each member receives.

use crate::entity::{member, member_newsletter as sub, newsletter as row};
use crate::{Store, StoreError, audit, changes};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::newsletters::{Audience, Digest, Newsletter, NewsletterInput};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, SqlErr,
};

pub(crate) fn from_row(m: row::Model) -> Newsletter {
    Newsletter {
        id: m.id,
        slug: m.slug,
        name: m.name,
        description: m.description,
        sender_name: m.sender_name,
        sender_email: m.sender_email,
        reply_to: m.reply_to,
        audience: Audience::parse(&m.audience).unwrap_or_default(),
        subscribe_by_default: m.subscribe_by_default,
        digest: m.digest.as_deref().and_then(|d| Digest::parse(d).ok()),
        archived: m.archived_at.is_some(),
        created_at: m.created_at,
    }
}

pub(crate) async fn find_in(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<row::Model, StoreError> {
    row::Entity::find()
        .filter(row::Column::Slug.eq(slug.trim()))
        .one(db)
        .await?
        .ok_or_else(|| StoreError::not_found("newsletter", slug.trim()))
}

/// Subscribes a new member to the newsletters subscribed by default (in the caller's
/// transaction).
pub(crate) async fn subscribe_defaults_in(
    db: &impl ConnectionTrait,
    member_id: i64,
) -> Result<(), StoreError> {
    let ids: Vec<i64> = row::Entity::find()
        .filter(row::Column::SubscribeByDefault.eq(true))
        .filter(row::Column::ArchivedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|n| n.id)
        .collect();
    set_in(db, member_id, &ids).await
}

/// Subscribes a member to the default newsletters when they receive none (a re-import
/// with `subscribed_to_emails` true), in the caller's transaction.
pub(crate) async fn subscribe_defaults_unless_any_in(
    db: &impl ConnectionTrait,
    member_id: i64,
) -> Result<(), StoreError> {
    let any = sub::Entity::find().filter(sub::Column::MemberId.eq(member_id)).one(db).await?;
    if any.is_none() {
        subscribe_defaults_in(db, member_id).await?;
    }
    Ok(())
}

/// Gives a member the open newsletters among `slugs` (a join page's choices; slugs that
/// name none are left out), in the caller's transaction.
pub(crate) async fn choose_in(
    db: &impl ConnectionTrait,
    member_id: i64,
    slugs: &[String],
) -> Result<(), StoreError> {
    let ids: Vec<i64> = row::Entity::find()
        .filter(row::Column::Slug.is_in(slugs.iter().map(String::as_str)))
        .filter(row::Column::ArchivedAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|n| n.id)
        .collect();
    set_in(db, member_id, &ids).await
}

/// Gives a member exactly the newsletters `slugs`, archived ones included (an import
/// that says who receives what), in the caller's transaction; leaves the subscriptions
/// as they are (and their dates) when they already match. A slug that names no
/// newsletter is `NotFound`.
pub(crate) async fn set_exactly_in(
    db: &impl ConnectionTrait,
    member_id: i64,
    slugs: &[String],
) -> Result<(), StoreError> {
    let mut wanted = Vec::with_capacity(slugs.len());
    for slug in slugs {
        wanted.push(find_in(db, slug).await?.id);
    }
    wanted.sort_unstable();
    wanted.dedup();
    let mut held: Vec<i64> = sub::Entity::find()
        .filter(sub::Column::MemberId.eq(member_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.newsletter_id)
        .collect();
    held.sort_unstable();
    if held != wanted {
        set_in(db, member_id, &wanted).await?;
    }
    Ok(())
}

/// Gives a member exactly the newsletters `ids` (in the caller's transaction).
pub(crate) async fn set_in(
    db: &impl ConnectionTrait,
    member_id: i64,
    ids: &[i64],
) -> Result<(), StoreError> {
    sub::Entity::delete_many().filter(sub::Column::MemberId.eq(member_id)).exec(db).await?;
    if ids.is_empty() {
        return Ok(());
    }
    let now = Utc::now();
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    sub::Entity::insert_many(ids.into_iter().map(|newsletter_id| sub::ActiveModel {
        member_id: Set(member_id),
        newsletter_id: Set(newsletter_id),
        created_at: Set(now),
    }))
    .exec(db)
    .await?;
    Ok(())
}

fn conflict(e: sea_orm::DbErr, slug: &str) -> StoreError {
    match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            StoreError::Conflict(format!("slug: another newsletter already uses {slug:?}"))
        }
        _ => e.into(),
    }
}

impl Store {
    /// Every newsletter, archived ones last.
    pub async fn newsletters(&self) -> Result<Vec<Newsletter>, StoreError> {
        let rows = row::Entity::find()
            .order_by_asc(row::Column::SortOrder)
            .order_by_asc(row::Column::Id)
            .all(self.db())
            .await?;
        let mut all: Vec<Newsletter> = rows.into_iter().map(from_row).collect();
        all.sort_by_key(|n| n.archived);
        Ok(all)
    }

    pub async fn newsletter(&self, slug: &str) -> Result<Newsletter, StoreError> {
        find_in(self.db(), slug).await.map(from_row)
    }

    /// Creates a newsletter; a slug in use is a `Conflict` naming the field.
    pub async fn create_newsletter(
        &self,
        input: &NewsletterInput,
        actor: &Actor,
    ) -> Result<Newsletter, StoreError> {
        let f = input.validate()?;
        let txn = self.write().await?;
        let now = Utc::now();
        let sort = row::Entity::find().all(&txn).await?.len() as i32;
        let m = row::ActiveModel {
            slug: Set(f.slug.clone()),
            name: Set(f.name),
            description: Set(f.description),
            sender_name: Set(f.sender_name),
            sender_email: Set(f.sender_email),
            reply_to: Set(f.reply_to),
            audience: Set(f.audience.as_str().to_owned()),
            subscribe_by_default: Set(f.subscribe_by_default),
            digest: Set(f.digest.map(|d| d.as_string())),
            digest_last_at: Set(f.digest.map(|_| now)),
            sort_order: Set(sort),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .map_err(|e| conflict(e, &f.slug))?;
        audit::write(&txn, actor, &AuditRecord::new("newsletter.create", &m.slug)).await?;
        changes::log(&txn, &[super::NEWSLETTERS_TAG.to_owned()]).await?;
        txn.commit().await?;
        Ok(from_row(m))
    }

    /// Changes a newsletter (its slug too).
    pub async fn update_newsletter(
        &self,
        slug: &str,
        input: &NewsletterInput,
        actor: &Actor,
    ) -> Result<Newsletter, StoreError> {
        let f = input.validate()?;
        let txn = self.write().await?;
        let before = find_in(&txn, slug).await?;
        let had_digest = before.digest.is_some();
        let mut a: row::ActiveModel = before.into();
        a.slug = Set(f.slug.clone());
        a.name = Set(f.name);
        a.description = Set(f.description);
        a.sender_name = Set(f.sender_name);
        a.sender_email = Set(f.sender_email);
        a.reply_to = Set(f.reply_to);
        a.audience = Set(f.audience.as_str().to_owned());
        a.subscribe_by_default = Set(f.subscribe_by_default);
        if f.digest.is_some() && !had_digest {
            a.digest_last_at = Set(Some(Utc::now()));
        }
        a.digest = Set(f.digest.map(|d| d.as_string()));
        a.updated_at = Set(Utc::now());
        let m = a.update(&txn).await.map_err(|e| conflict(e, &f.slug))?;
        audit::write(&txn, actor, &AuditRecord::new("newsletter.update", &m.slug)).await?;
        changes::log(&txn, &[super::NEWSLETTERS_TAG.to_owned()]).await?;
        txn.commit().await?;
        Ok(from_row(m))
    }

    /// Archives a newsletter (or brings it back): archived ones are offered to no one and
    /// sent nothing; their subscribers and past issues are kept.
    pub async fn archive_newsletter(
        &self,
        slug: &str,
        archived: bool,
        actor: &Actor,
    ) -> Result<Newsletter, StoreError> {
        let txn = self.write().await?;
        let mut a: row::ActiveModel = find_in(&txn, slug).await?.into();
        a.archived_at = Set(archived.then(Utc::now));
        a.updated_at = Set(Utc::now());
        let m = a.update(&txn).await?;
        let verb = if archived { "newsletter.archive" } else { "newsletter.unarchive" };
        audit::write(&txn, actor, &AuditRecord::new(verb, &m.slug)).await?;
        changes::log(&txn, &[super::NEWSLETTERS_TAG.to_owned()]).await?;
        txn.commit().await?;
        Ok(from_row(m))
    }

    /// The slugs of the newsletters a member receives.
    pub async fn member_newsletters(&self, member_id: i64) -> Result<Vec<String>, StoreError> {
        let ids: Vec<i64> = sub::Entity::find()
            .filter(sub::Column::MemberId.eq(member_id))
            .all(self.db())
            .await?
            .into_iter()
            .map(|s| s.newsletter_id)
            .collect();
        let mut slugs: Vec<String> = row::Entity::find()
            .filter(row::Column::Id.is_in(ids))
            .all(self.db())
            .await?
            .into_iter()
            .map(|n| n.slug)
            .collect();
        slugs.sort();
        Ok(slugs)
    }

    /// Gives a member exactly the newsletters `slugs` (the account page's choices). A slug
    /// that names no open newsletter is `NotFound`, and nothing changes.
    pub async fn set_member_newsletters(
        &self,
        member_id: i64,
        slugs: &[String],
    ) -> Result<Vec<String>, StoreError> {
        let txn = self.write().await?;
        member::Entity::find_by_id(member_id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("member", member_id.to_string()))?;
        let mut ids = Vec::new();
        for slug in slugs {
            let n = find_in(&txn, slug).await?;
            if n.archived_at.is_some() {
                return Err(StoreError::not_found("newsletter", slug.clone()));
            }
            ids.push(n.id);
        }
        // Archived newsletters are not offered, so choosing cannot drop them: a member
        // keeps them should they be opened again.
        let archived = row::Entity::find()
            .filter(row::Column::ArchivedAt.is_not_null())
            .all(&txn)
            .await?
            .into_iter()
            .map(|n| n.id);
        let kept: Vec<i64> = sub::Entity::find()
            .filter(sub::Column::MemberId.eq(member_id))
            .filter(sub::Column::NewsletterId.is_in(archived))
            .all(&txn)
            .await?
            .into_iter()
            .map(|s| s.newsletter_id)
            .collect();
        ids.extend(kept);
        set_in(&txn, member_id, &ids).await?;
        crate::members::record_event(
            &txn,
            member_id,
            "newsletters",
            &format!(
                "newsletters chosen: {}",
                if slugs.is_empty() { "none".into() } else { slugs.join(", ") }
            ),
            None,
        )
        .await?;
        txn.commit().await?;
        self.member_newsletters(member_id).await
    }

    /// The ids of the members who receive at least one newsletter (the members CSV's
    /// `subscribed_to_emails`).
    pub async fn members_subscribed(&self) -> Result<std::collections::HashSet<i64>, StoreError> {
        use sea_orm::QuerySelect;
        let ids: Vec<i64> = sub::Entity::find()
            .select_only()
            .column(sub::Column::MemberId)
            .distinct()
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(ids.into_iter().collect())
    }

    /// How many members receive each newsletter, by id.
    pub async fn newsletter_subscriber_counts(&self) -> Result<Vec<(i64, u64)>, StoreError> {
        use sea_orm::QuerySelect;
        let rows: Vec<(i64, i64)> = sub::Entity::find()
            .select_only()
            .column(sub::Column::NewsletterId)
            .column_as(sub::Column::MemberId.count(), "n")
            .group_by(sub::Column::NewsletterId)
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(rows.into_iter().map(|(id, n)| (id, n.max(0) as u64)).collect())
    }
}
