//! One-time member links: asking for one (join, sign in, change of email), minting its token
//! when the mail goes out, looking at one without spending it, and spending it.
//!
//! - Asking stores the link with the hash of a token nobody is given, and queues a
//!   [`SendMemberLink`] job in the same transaction; the job mints the real token
//!   ([`Store::mint_member_link`]) just before sending, so neither the link row nor the job row
//!   ever holds a usable link. A retried send mints a new token (the older one stops working).
//! - Answers never say whether an address is a member's: a join for a member's address
//!   becomes a sign-in link, and a sign-in for an unknown address becomes a join link.
//! - Rate limits count the links asked for in the last hour, per address and per client, in
//!   the database (so they hold across nodes), inside the write transaction that adds one.
//! - A link is valid for an hour and spent once, in one write transaction that also creates
//!   the member (join) or changes their address (change of email), and records the sign-in.

use super::accounts::{Joined, add_member_in, member_in};
use super::events;
use crate::entity::{member, member_link as row};
use crate::{Store, StoreError, jobs};
use byline_core::jobs::SendMemberLink;
use byline_core::members::{Member, MemberFields};
use byline_core::secret::{hash_token, new_token};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};

/// How long a link stays valid.
pub const LINK_VALID_FOR: Duration = Duration::hours(1);
/// Links one address may be sent within [`LIMIT_WINDOW`].
pub const LINKS_PER_EMAIL: u64 = 5;
/// Links one client address may ask for within [`LIMIT_WINDOW`].
pub const LINKS_PER_CLIENT: u64 = 20;
/// The window rate limits count over.
pub const LIMIT_WINDOW: Duration = Duration::hours(1);

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    SignIn,
    SignUp,
    ChangeEmail,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::SignIn => "sign_in",
            LinkPurpose::SignUp => "sign_up",
            LinkPurpose::ChangeEmail => "change_email",
        }
    }

    fn parse(s: &str) -> LinkPurpose {
        match s {
            "sign_up" => LinkPurpose::SignUp,
            "change_email" => LinkPurpose::ChangeEmail,
            _ => LinkPurpose::SignIn,
        }
    }
}

/// A reader's request for a link. `email` is already checked (`check_member_email`).
#[derive(Debug, Clone)]
pub struct LinkRequest {
    pub purpose: LinkPurpose,
    pub email: String,
    /// The name given on the join page.
    pub name: Option<String>,
    /// The newsletters chosen on the join page (`None`: the default ones).
    pub newsletters: Option<Vec<String>>,
    /// For a change of email: whose address changes.
    pub member_id: Option<i64>,
    /// The client's address, for the per-client limit.
    pub client: String,
}

/// What became of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkAsked {
    /// A link was stored and its mail queued.
    Queued { link_id: i64 },
    /// Too many links lately; try again after this many seconds.
    Limited { retry_after: u64, per: &'static str },
}

/// A link's token, minted for its mail.
#[derive(Debug, Clone)]
pub struct MintedLink {
    pub token: String,
    pub purpose: LinkPurpose,
    pub email: String,
    pub expires_at: DateTime<Utc>,
}

/// Why a link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    Unknown,
    Used,
    Expired,
    /// A change of email to an address another member has taken since.
    EmailTaken,
}

/// A spent link: who is signed in now.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub member: Member,
    pub purpose: LinkPurpose,
    /// The member's pass generation, for their new pass.
    pub generation: i64,
}

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct LinkData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    newsletters: Option<Vec<String>>,
}

impl Store {
    /// Stores a link for `req` and queues its mail, unless a rate limit is reached.
    pub async fn ask_member_link(&self, req: &LinkRequest) -> Result<LinkAsked, StoreError> {
        let txn = self.write().await?;
        let now = Utc::now();
        let since = now - LIMIT_WINDOW;
        let by_email = row::Entity::find()
            .filter(row::Column::Email.eq(req.email.as_str()))
            .filter(row::Column::CreatedAt.gt(since))
            .count(&txn)
            .await?;
        let by_client = row::Entity::find()
            .filter(row::Column::Client.eq(req.client.as_str()))
            .filter(row::Column::CreatedAt.gt(since))
            .count(&txn)
            .await?;
        let per = if by_client >= LINKS_PER_CLIENT {
            Some(("client", row::Column::Client.eq(req.client.as_str())))
        } else if by_email >= LINKS_PER_EMAIL {
            Some(("email", row::Column::Email.eq(req.email.as_str())))
        } else {
            None
        };
        if let Some((per, whose)) = per {
            // Until the oldest link counted leaves the window.
            let oldest = row::Entity::find()
                .filter(whose)
                .filter(row::Column::CreatedAt.gt(since))
                .order_by_asc(row::Column::CreatedAt)
                .one(&txn)
                .await?
                .map_or(now, |l| l.created_at);
            let retry_after = (oldest + LIMIT_WINDOW - now).num_seconds().max(1) as u64;
            return Ok(LinkAsked::Limited { retry_after, per });
        }
        let existing = member::Entity::find()
            .filter(member::Column::Email.eq(req.email.as_str()))
            .one(&txn)
            .await?;
        let (purpose, member_id) = match (req.purpose, existing) {
            (LinkPurpose::ChangeEmail, _) => (LinkPurpose::ChangeEmail, req.member_id),
            (_, Some(m)) => (LinkPurpose::SignIn, Some(m.id)),
            (_, None) => (LinkPurpose::SignUp, None),
        };
        let sign_up = purpose == LinkPurpose::SignUp;
        let data = LinkData {
            name: req.name.clone().filter(|_| sign_up),
            newsletters: req.newsletters.clone().filter(|_| sign_up),
        };
        let link_id = row::Entity::insert(row::ActiveModel {
            // Nobody is ever given this token: the mail job mints the one that works.
            token_hash: Set(hash_token(&new_token())),
            purpose: Set(purpose.as_str().to_owned()),
            member_id: Set(member_id),
            email: Set(req.email.clone()),
            data: Set(serde_json::to_string(&data).unwrap_or_else(|_| "{}".into())),
            created_at: Set(now),
            expires_at: Set(now + LINK_VALID_FOR),
            used_at: Set(None),
            client: Set(Some(req.client.chars().take(64).collect())),
            ..Default::default()
        })
        .exec(&txn)
        .await?
        .last_insert_id;
        jobs::enqueue(&txn, &SendMemberLink { link_id }).await?;
        txn.commit().await?;
        Ok(LinkAsked::Queued { link_id })
    }

    /// Mints the token of a link about to be mailed: a new token whose hash replaces the
    /// stored one. `None` when the link is gone, spent or expired (nothing should be sent).
    pub async fn mint_member_link(&self, link_id: i64) -> Result<Option<MintedLink>, StoreError> {
        let txn = self.write().await?;
        let Some(link) = row::Entity::find_by_id(link_id).one(&txn).await? else {
            return Ok(None);
        };
        if link.used_at.is_some() || link.expires_at <= Utc::now() {
            return Ok(None);
        }
        let token = new_token();
        row::Entity::update_many()
            .col_expr(row::Column::TokenHash, Expr::value(hash_token(&token)))
            .filter(row::Column::Id.eq(link_id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(Some(MintedLink {
            token,
            purpose: LinkPurpose::parse(&link.purpose),
            email: link.email,
            expires_at: link.expires_at,
        }))
    }

    /// What the link with `token` is for, without spending it (the confirmation page).
    pub async fn member_link(
        &self,
        token: &str,
    ) -> Result<Result<LinkPurpose, LinkRefusal>, StoreError> {
        Ok(usable(self.db(), token, Utc::now()).await?.map(|l| LinkPurpose::parse(&l.purpose)))
    }

    /// Spends the link with `token`: marks it used, creates the member (join) or changes
    /// their address (change of email), and records the sign-in, in one transaction.
    pub async fn spend_member_link(
        &self,
        token: &str,
    ) -> Result<Result<SignedIn, LinkRefusal>, StoreError> {
        let txn = self.write().await?;
        let now = Utc::now();
        let link = match usable(&txn, token, now).await? {
            Ok(l) => l,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let spent = row::Entity::update_many()
            .col_expr(row::Column::UsedAt, Expr::value(now))
            .filter(row::Column::Id.eq(link.id))
            .filter(row::Column::UsedAt.is_null())
            .exec(&txn)
            .await?;
        if spent.rows_affected != 1 {
            return Ok(Err(LinkRefusal::Used));
        }
        let holder = member::Entity::find()
            .filter(member::Column::Email.eq(link.email.as_str()))
            .one(&txn)
            .await?;
        let purpose = LinkPurpose::parse(&link.purpose);
        let id = match purpose {
            LinkPurpose::ChangeEmail => {
                let Some(id) = link.member_id else { return Ok(Err(LinkRefusal::Unknown)) };
                if holder.is_some_and(|h| h.id != id) {
                    return Ok(Err(LinkRefusal::EmailTaken));
                }
                if member::Entity::find_by_id(id).one(&txn).await?.is_none() {
                    return Ok(Err(LinkRefusal::Unknown));
                }
                member::Entity::update_many()
                    .col_expr(member::Column::Email, Expr::value(link.email.as_str()))
                    .col_expr(member::Column::UpdatedAt, Expr::value(now))
                    .filter(member::Column::Id.eq(id))
                    .exec(&txn)
                    .await?;
                events::record(&txn, id, "email", "changed their email address", None).await?;
                id
            }
            // A member by now (another link was used first): they are signed in.
            _ if holder.is_some() => holder.map(|h| h.id).unwrap_or_default(),
            LinkPurpose::SignUp => {
                let data: LinkData = serde_json::from_str(&link.data).unwrap_or_default();
                let fields = MemberFields {
                    email: link.email.clone(),
                    name: data.name,
                    note: None,
                    labels: Vec::new(),
                };
                let id = add_member_in(&txn, &fields, Joined::SignUp).await?;
                if let Some(chosen) = &data.newsletters {
                    crate::newsletters::choose_in(&txn, id, chosen).await?;
                }
                id
            }
            // A sign-in link whose member was deleted since.
            LinkPurpose::SignIn => return Ok(Err(LinkRefusal::Unknown)),
        };
        events::record(&txn, id, "signin", "signed in by email link", None).await?;
        member::Entity::update_many()
            .col_expr(member::Column::LastSeenAt, Expr::value(now))
            .filter(member::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let generation =
            member::Entity::find_by_id(id).one(&txn).await?.map(|m| m.pass_generation).unwrap_or(1);
        let m = member_in(&txn, id).await?;
        txn.commit().await?;
        Ok(Ok(SignedIn { member: m, purpose, generation }))
    }
}

/// The link with `token` if it may still be used at `now`.
async fn usable(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Result<row::Model, LinkRefusal>, StoreError> {
    let token = token.trim();
    if token.is_empty() || token.len() > 128 {
        return Ok(Err(LinkRefusal::Unknown));
    }
    let found =
        row::Entity::find().filter(row::Column::TokenHash.eq(hash_token(token))).one(db).await?;
    Ok(match found {
        None => Err(LinkRefusal::Unknown),
        Some(l) if l.used_at.is_some() => Err(LinkRefusal::Used),
        Some(l) if l.expires_at <= now => Err(LinkRefusal::Expired),
        Some(l) => Ok(l),
    })
}

#[cfg(feature = "testing")]
impl Store {
    /// Tests only: moves every link's expiry `by` into the past, as if that time had gone by.
    pub async fn age_member_links(&self, by: Duration) -> Result<(), StoreError> {
        let txn = self.write().await?;
        for l in row::Entity::find().all(&txn).await? {
            row::Entity::update_many()
                .col_expr(row::Column::ExpiresAt, Expr::value(l.expires_at - by))
                .col_expr(row::Column::CreatedAt, Expr::value(l.created_at - by))
                .filter(row::Column::Id.eq(l.id))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(())
    }
}
