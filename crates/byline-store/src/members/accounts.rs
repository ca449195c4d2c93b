//! Member accounts: reading them, adding one (sign-up, staff, import), and the helpers the
//! other member use cases share (labels, keeping `member.status` in step with the tiers held).

use super::events;
use super::rows::members_from;
use crate::entity::{member as row, member_label, member_labelling, member_link, tier};
use crate::{Store, StoreError, audit};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::members::{GrantSource, Member, MemberFields, MemberStatus, TierKind};
use byline_core::slugify;
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// How a member came to be, for their history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    /// Through the site's join page (the link was followed).
    SignUp,
    /// Added by staff in the admin or the Admin API.
    Staff,
    /// From a CSV or another platform's export.
    Import,
    /// By a Stripe checkout for someone not yet a member.
    Stripe,
}

impl Joined {
    fn as_str(self) -> &'static str {
        match self {
            Joined::SignUp => "joined through the site",
            Joined::Staff => "added by staff",
            Joined::Import => "imported",
            Joined::Stripe => "joined through Stripe checkout",
        }
    }
}

impl Store {
    /// One member by id.
    pub async fn member(&self, id: i64) -> Result<Member, StoreError> {
        member_in(self.db(), id).await
    }

    /// One member by email (any case).
    pub async fn member_by_email(&self, email: &str) -> Result<Member, StoreError> {
        let email = email.trim().to_lowercase();
        let m = row::Entity::find()
            .filter(row::Column::Email.eq(email.as_str()))
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::not_found("member", email.clone()))?;
        Ok(members_from(self.db(), vec![m]).await?.remove(0))
    }

    /// Adds a member in one transaction with the line of their history that says how they
    /// joined, and (when staff or the command line add them) an audit line. An email that
    /// is already a member's is a `Conflict` naming the field.
    pub async fn add_member(
        &self,
        fields: MemberFields,
        how: Joined,
        actor: Option<&Actor>,
    ) -> Result<Member, StoreError> {
        let txn = self.write().await?;
        let id = add_member_in(&txn, &fields, how).await?;
        if let Some(actor) = actor {
            audit::write(&txn, actor, &AuditRecord::new("member.add", format!("member {id}")))
                .await?;
        }
        let m = member_in(&txn, id).await?;
        txn.commit().await?;
        Ok(m)
    }

    /// Deletes a member and everything personal about them at once (their row, tiers,
    /// labels, pending links); their history stays, anonymous, for counts over time. `actor`
    /// is the staff member who did it, or `None` when members delete their own account.
    pub async fn delete_member(&self, id: i64, actor: Option<&Actor>) -> Result<(), StoreError> {
        let txn = self.write().await?;
        let m = row::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("member", id.to_string()))?;
        events::record(
            &txn,
            id,
            "deleted",
            if actor.is_some() { "deleted by staff" } else { "deleted their account" },
            None,
        )
        .await?;
        member_link::Entity::delete_many()
            .filter(
                sea_orm::Condition::any()
                    .add(member_link::Column::MemberId.eq(id))
                    .add(member_link::Column::Email.eq(m.email.as_str())),
            )
            .exec(&txn)
            .await?;
        row::Entity::delete_by_id(id).exec(&txn).await?;
        if let Some(actor) = actor {
            audit::write(&txn, actor, &AuditRecord::new("member.delete", format!("member {id}")))
                .await?;
        }
        let was = crate::webhooks::gone(
            id,
            &[("uuid", Some(&m.uuid)), ("email", Some(&m.email)), ("name", m.name.as_deref())],
        );
        crate::webhooks::fire(&txn, &["member.deleted"], id, was).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Reads one member in `db`.
pub(crate) async fn member_in(db: &impl ConnectionTrait, id: i64) -> Result<Member, StoreError> {
    let m = row::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::not_found("member", id.to_string()))?;
    Ok(members_from(db, vec![m]).await?.remove(0))
}

/// Inserts a member (in the caller's write transaction) with their labels and the history
/// line; returns the new id.
pub(crate) async fn add_member_in(
    db: &impl ConnectionTrait,
    f: &MemberFields,
    how: Joined,
) -> Result<i64, StoreError> {
    let taken = row::Entity::find()
        .filter(row::Column::Email.eq(f.email.as_str()))
        .one(db)
        .await?
        .is_some();
    if taken {
        return Err(StoreError::Conflict(format!(
            "email: {} is already a member's address",
            f.email
        )));
    }
    let now = Utc::now();
    let res = row::Entity::insert(row::ActiveModel {
        uuid: Set(uuid::Uuid::new_v4().to_string()),
        email: Set(f.email.clone()),
        name: Set(f.name.clone()),
        note: Set(f.note.clone()),
        status: Set(MemberStatus::Free.as_str().to_owned()),
        stripe_customer_id: Set(None),
        pass_generation: Set(1),
        last_seen_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    let id = res.last_insert_id;
    set_labels_in(db, id, &f.labels).await?;
    crate::newsletters::subscribe_defaults_in(db, id).await?;
    events::record(db, id, "signup", how.as_str(), None).await?;
    crate::webhooks::fire(db, &["member.added"], id, serde_json::json!({})).await?;
    Ok(id)
}

/// Gives a member exactly `labels` (by name), making labels that do not exist yet.
pub(crate) async fn set_labels_in(
    db: &impl ConnectionTrait,
    member_id: i64,
    labels: &[String],
) -> Result<(), StoreError> {
    member_labelling::Entity::delete_many()
        .filter(member_labelling::Column::MemberId.eq(member_id))
        .exec(db)
        .await?;
    for name in labels {
        let slug = slugify(name);
        let label = match member_label::Entity::find()
            .filter(member_label::Column::Slug.eq(slug.as_str()))
            .one(db)
            .await?
        {
            Some(l) => l.id,
            None => {
                member_label::Entity::insert(member_label::ActiveModel {
                    slug: Set(slug),
                    name: Set(name.clone()),
                    ..Default::default()
                })
                .exec(db)
                .await?
                .last_insert_id
            }
        };
        member_labelling::Entity::insert(member_labelling::ActiveModel {
            member_id: Set(member_id),
            label_id: Set(label),
        })
        .on_conflict_do_nothing()
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Sets `member.status` from the tiers the member holds now: `paid` with a live Stripe
/// subscription to a paid tier, `comped` with only complimentary paid tiers, else `free`.
/// Every use case that changes `member_tier` calls it in its transaction.
pub(crate) async fn refresh_status_in(
    db: &impl ConnectionTrait,
    member_id: i64,
) -> Result<MemberStatus, StoreError> {
    let m = member_in(db, member_id).await?;
    let paid: Vec<String> = tier::Entity::find()
        .filter(tier::Column::Kind.eq(TierKind::Paid.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.slug)
        .collect();
    let now = Utc::now();
    let current = m.grants.iter().filter(|g| g.is_current(now) && paid.contains(&g.tier_slug));
    let mut status = MemberStatus::Free;
    for g in current {
        match g.source {
            GrantSource::Stripe => status = MemberStatus::Paid,
            GrantSource::Comp if status == MemberStatus::Free => status = MemberStatus::Comped,
            GrantSource::Comp => {}
        }
    }
    row::Entity::update_many()
        .col_expr(row::Column::Status, sea_orm::sea_query::Expr::value(status.as_str()))
        .col_expr(row::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(row::Column::Id.eq(member_id))
        .exec(db)
        .await?;
    Ok(status)
}
