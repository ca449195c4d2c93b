//! What staff do to members (in the admin, the Admin API, the command line and CSV imports):
//! edit one, take back a complimentary tier, and add-or-update one from an import row.
//! Deleting is `Store::delete_member`.

use super::accounts::{Joined, add_member_in, member_in, refresh_status_in, set_labels_in};
use super::events;
use super::grants::grant_comp_in;
use crate::entity::{member as row, member_tier, tier};
use crate::{Store, StoreError, audit};
use byline_core::audit::{Actor, AuditRecord};
use byline_core::members::{GrantSource, Member, MemberFields};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

/// The paid tier a CSV's `complimentary_plan=true` grants.
pub const IMPORT_COMP_TIER: &str = "paid";

/// One member as an import gives them (checked already).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedMember {
    pub fields: MemberFields,
    /// Grant the `paid` tier complimentary (no end).
    pub complimentary: bool,
    pub stripe_customer_id: Option<String>,
    /// When they joined; kept. `None`: now (or unchanged for a member already here).
    pub created_at: Option<DateTime<Utc>>,
    /// `subscribed_to_emails`: `true` gives the default newsletters (to a member already
    /// here: unless they have some), `false` none; `None` (empty) is Ghost's default, true.
    pub subscribed: Option<bool>,
    /// Exactly the newsletters (by slug) the member receives, when the import says (a
    /// Ghost export's `members_newsletters`); this wins over `subscribed`. A slug that names
    /// no newsletter is `NotFound`, and nothing is written.
    pub newsletters: Option<Vec<String>>,
}

/// What importing a row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Added,
    Updated,
}

impl Store {
    /// Changes a member's email, name, note and labels in one transaction, with an audit
    /// line (and a history line when the address changes). An address already another
    /// member's is a `Conflict` naming the field.
    pub async fn update_member(
        &self,
        id: i64,
        f: &MemberFields,
        actor: &Actor,
    ) -> Result<Member, StoreError> {
        let txn = self.write().await?;
        let m = row::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("member", id.to_string()))?;
        let email_changed = m.email != f.email;
        if email_changed {
            let taken = row::Entity::find()
                .filter(row::Column::Email.eq(f.email.as_str()))
                .one(&txn)
                .await?
                .is_some();
            if taken {
                return Err(StoreError::Conflict(format!(
                    "email: {} is already a member's address",
                    f.email
                )));
            }
        }
        let previous = crate::webhooks::changed(&[
            ("email", Some(&m.email), Some(&f.email)),
            ("name", m.name.as_deref(), f.name.as_deref()),
            ("note", m.note.as_deref(), f.note.as_deref()),
        ]);
        let mut a: row::ActiveModel = m.into();
        a.email = Set(f.email.clone());
        a.name = Set(f.name.clone());
        a.note = Set(f.note.clone());
        a.updated_at = Set(Utc::now());
        a.update(&txn).await?;
        set_labels_in(&txn, id, &f.labels).await?;
        if email_changed {
            events::record(&txn, id, "email", "address changed by staff", None).await?;
        }
        audit::write(&txn, actor, &AuditRecord::new("member.edit", format!("member {id}"))).await?;
        crate::webhooks::fire(&txn, &["member.edited"], id, previous).await?;
        let out = member_in(&txn, id).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Takes back a complimentary grant of `tier_slug`, with the history and audit lines.
    /// A tier paid through Stripe is not staff's to take back here (`Conflict`).
    pub async fn remove_complimentary(
        &self,
        member_id: i64,
        tier_slug: &str,
        actor: &Actor,
    ) -> Result<Member, StoreError> {
        let txn = self.write().await?;
        let t = tier::Entity::find()
            .filter(tier::Column::Slug.eq(tier_slug))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("tier", tier_slug))?;
        let g = member_tier::Entity::find()
            .filter(member_tier::Column::MemberId.eq(member_id))
            .filter(member_tier::Column::TierId.eq(t.id))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::not_found("complimentary tier", tier_slug))?;
        if g.source != GrantSource::Comp.as_str() {
            return Err(StoreError::Conflict(format!(
                "tier: this member pays for {tier_slug} through Stripe; cancel it there"
            )));
        }
        member_tier::Entity::delete_by_id(g.id).exec(&txn).await?;
        refresh_status_in(&txn, member_id).await?;
        events::record(
            &txn,
            member_id,
            "tier",
            &format!("complimentary {} removed by staff", t.name),
            None,
        )
        .await?;
        audit::write(
            &txn,
            actor,
            &AuditRecord::new("member.ungrant", format!("member {member_id}")).detail(tier_slug),
        )
        .await?;
        let out = member_in(&txn, member_id).await?;
        txn.commit().await?;
        Ok(out)
    }

    /// Adds the member in `m`, or updates the one with that address (a re-import never
    /// duplicates): name, note and Stripe customer are replaced when given, labels are
    /// added to theirs, `created_at` is kept as given. One transaction per member, with an
    /// audit line when `actor` is given.
    pub async fn import_member(
        &self,
        m: &ImportedMember,
        actor: Option<&Actor>,
    ) -> Result<ImportOutcome, StoreError> {
        let txn = self.write().await?;
        let f = &m.fields;
        let existing =
            row::Entity::find().filter(row::Column::Email.eq(f.email.as_str())).one(&txn).await?;
        let (id, outcome) = match existing {
            Some(r) => {
                let id = r.id;
                let mut labels = member_in(&txn, id).await?.labels;
                labels.extend(f.labels.iter().cloned());
                labels.sort();
                labels.dedup();
                let mut a: row::ActiveModel = r.into();
                if f.name.is_some() {
                    a.name = Set(f.name.clone());
                }
                if f.note.is_some() {
                    a.note = Set(f.note.clone());
                }
                if m.stripe_customer_id.is_some() {
                    a.stripe_customer_id = Set(m.stripe_customer_id.clone());
                }
                if let Some(at) = m.created_at {
                    a.created_at = Set(at);
                }
                a.updated_at = Set(Utc::now());
                a.update(&txn).await?;
                set_labels_in(&txn, id, &labels).await?;
                (id, ImportOutcome::Updated)
            }
            None => {
                let id = add_member_in(&txn, f, Joined::Import).await?;
                if m.created_at.is_some() || m.stripe_customer_id.is_some() {
                    let mut a: row::ActiveModel = row::Entity::find_by_id(id)
                        .one(&txn)
                        .await?
                        .ok_or_else(|| StoreError::not_found("member", id.to_string()))?
                        .into();
                    if let Some(at) = m.created_at {
                        a.created_at = Set(at);
                    }
                    a.stripe_customer_id = Set(m.stripe_customer_id.clone());
                    a.update(&txn).await?;
                }
                (id, ImportOutcome::Added)
            }
        };
        match m.subscribed {
            Some(false) => crate::newsletters::set_in(&txn, id, &[]).await?,
            _ if outcome == ImportOutcome::Updated => {
                crate::newsletters::subscribe_defaults_unless_any_in(&txn, id).await?
            }
            _ => {}
        }
        if let Some(slugs) = &m.newsletters {
            crate::newsletters::set_exactly_in(&txn, id, slugs).await?;
        }
        if m.complimentary {
            let held = member_in(&txn, id)
                .await?
                .grants
                .iter()
                .any(|g| g.tier_slug == IMPORT_COMP_TIER && g.is_current(Utc::now()));
            if !held {
                grant_comp_in(&txn, id, IMPORT_COMP_TIER, None).await?;
            }
        }
        if let Some(actor) = actor {
            let verb = match outcome {
                ImportOutcome::Added => "member.import",
                ImportOutcome::Updated => "member.import_update",
            };
            audit::write(&txn, actor, &AuditRecord::new(verb, format!("member {id}"))).await?;
        }
        txn.commit().await?;
        Ok(outcome)
    }
}
