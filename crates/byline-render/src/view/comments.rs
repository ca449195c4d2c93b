//! Comments as pages show them: the threads under an article (pinned first, then oldest or
//! newest first, top-level comments paginated, replies nested), the call to sign in or to
//! write, and the member's own comment desk (the form, their comments with edit and delete).
//!
//! The article's page is cached per access level, so nothing here names the person reading:
//! what is theirs comes from the desk, a page of its own that is never cached.

use super::shared::{display_date, iso};
use super::site::{MetaView, SiteView};
use crate::urls;
use byline_core::comments::{Comment, CommentStatus, Refusal};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;

/// Oldest or newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentSort {
    Oldest,
    Newest,
}

impl CommentSort {
    pub fn parse(s: &str) -> Option<CommentSort> {
        match s {
            "oldest" => Some(CommentSort::Oldest),
            "newest" => Some(CommentSort::Newest),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CommentSort::Oldest => "oldest",
            CommentSort::Newest => "newest",
        }
    }
}

/// `/articles/{slug}/comments/{sort}/{page}/`: a page of an article's comments.
pub fn comments_url(slug: &str, sort: CommentSort, page: u64) -> String {
    format!("/articles/{slug}/comments/{}/{page}/", sort.as_str())
}

/// `/articles/{slug}/comments/desk/`: the signed-in member's form and own comments.
pub fn desk_url(slug: &str) -> String {
    format!("/articles/{slug}/comments/desk/")
}

/// One comment and its replies.
#[derive(Debug, Clone, Serialize)]
pub struct CommentNode {
    pub id: i64,
    /// `comment-N`, the permalink's fragment.
    pub anchor: String,
    pub author: String,
    /// Written by staff (shown marked).
    pub staff: bool,
    /// Sanitized when saved.
    pub html: String,
    /// Deleted by its writer; kept for its replies' sake, without text.
    pub deleted: bool,
    pub pinned: bool,
    pub date: String,
    pub date_iso: String,
    pub edited: bool,
    /// Where members reply (the desk, with this comment named).
    pub reply_url: String,
    pub report_url: String,
    pub replies: Vec<CommentNode>,
}

/// The comments section of an article's page (or a later page of its comments).
#[derive(Debug, Clone, Serialize)]
pub struct CommentsView {
    pub open: bool,
    /// Why comments are closed here, when they are.
    pub closed_message: Option<String>,
    /// May this access level post? (`false`: `why_not` says what to do.)
    pub may_post: bool,
    pub why_not: Option<String>,
    pub signin_url: Option<String>,
    pub join_url: Option<String>,
    pub desk_url: String,
    /// Public comments on the article.
    pub count: u64,
    pub threads: Vec<CommentNode>,
    pub sort: CommentSort,
    pub page: u64,
    pub pages: u64,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub oldest_url: String,
    pub newest_url: String,
}

/// What the section needs besides the comments.
#[derive(Debug, Clone)]
pub struct CommentsContext<'a> {
    pub slug: &'a str,
    /// `Ok` when the article is open; else why it is closed.
    pub open: Result<(), Refusal>,
    /// `Ok` when this access level may post.
    pub allowed: Result<(), Refusal>,
    pub sort: CommentSort,
    pub page: u64,
    pub per_page: u64,
}

impl CommentsView {
    /// The section from the article's public comments (approved, and deleted ones that
    /// keep their replies' place), oldest first as the store gives them.
    pub fn new(ctx: &CommentsContext<'_>, comments: &[Comment]) -> Self {
        let count = comments.iter().filter(|c| c.public()).count() as u64;
        let mut children: HashMap<Option<i64>, Vec<&Comment>> = HashMap::new();
        for c in comments {
            children.entry(c.parent_id).or_default().push(c);
        }
        // A reply whose parent is not shown (held, trashed) is shown at the top level.
        let shown: std::collections::HashSet<i64> = comments.iter().map(|c| c.id).collect();
        let orphans: Vec<&Comment> =
            comments.iter().filter(|c| c.parent_id.is_some_and(|p| !shown.contains(&p))).collect();
        let mut top: Vec<CommentNode> = children
            .get(&None)
            .into_iter()
            .flatten()
            .chain(orphans.iter())
            .filter_map(|c| node(c, &children, ctx.slug))
            .collect();
        top.sort_by(|a, b| {
            b.pinned.cmp(&a.pinned).then_with(|| match ctx.sort {
                CommentSort::Oldest => a.date_iso.cmp(&b.date_iso).then(a.id.cmp(&b.id)),
                CommentSort::Newest => b.date_iso.cmp(&a.date_iso).then(b.id.cmp(&a.id)),
            })
        });
        let per = ctx.per_page.max(1);
        let pages = (top.len() as u64).div_ceil(per).max(1);
        let page = ctx.page.clamp(1, pages);
        let threads =
            top.into_iter().skip(((page - 1) * per) as usize).take(per as usize).collect();
        let (may_post, why_not) = match (ctx.open, ctx.allowed) {
            (Ok(()), Ok(())) => (true, None),
            (Err(_), _) => (false, None),
            (Ok(()), Err(r)) => (false, Some(r.message().to_owned())),
        };
        let anonymous = ctx.allowed == Err(Refusal::SignIn);
        Self {
            open: ctx.open.is_ok(),
            closed_message: ctx.open.err().map(|r| r.message().to_owned()),
            may_post,
            why_not,
            signin_url: anonymous.then(|| urls::MEMBERS_SIGNIN.to_owned()),
            join_url: anonymous.then(|| urls::MEMBERS_JOIN.to_owned()),
            desk_url: desk_url(ctx.slug),
            count,
            threads,
            sort: ctx.sort,
            page,
            pages,
            prev_url: (page > 1).then(|| comments_url(ctx.slug, ctx.sort, page - 1)),
            next_url: (page < pages).then(|| comments_url(ctx.slug, ctx.sort, page + 1)),
            oldest_url: comments_url(ctx.slug, CommentSort::Oldest, 1),
            newest_url: comments_url(ctx.slug, CommentSort::Newest, 1),
        }
    }
}

/// A comment with its replies (oldest first); a deleted comment without shown replies is
/// left out.
fn node(
    c: &Comment,
    children: &HashMap<Option<i64>, Vec<&Comment>>,
    slug: &str,
) -> Option<CommentNode> {
    let replies: Vec<CommentNode> = children
        .get(&Some(c.id))
        .into_iter()
        .flatten()
        .filter_map(|r| node(r, children, slug))
        .collect();
    let deleted = c.status == CommentStatus::Deleted;
    if deleted && replies.is_empty() {
        return None;
    }
    Some(CommentNode {
        id: c.id,
        anchor: format!("comment-{}", c.id),
        author: if deleted { String::new() } else { c.author_name.clone() },
        staff: c.staff && !deleted,
        html: if deleted { String::new() } else { c.body_html.clone() },
        deleted,
        pinned: c.pinned && !deleted,
        date: display_date(c.created_at),
        date_iso: iso(c.created_at),
        edited: c.edited_at.is_some(),
        reply_url: format!("{}?reply_to={}", desk_url(slug), c.id),
        report_url: format!("/articles/{slug}/comments/{}/report/", c.id),
        replies,
    })
}

/// A member's own comment on the desk.
#[derive(Debug, Clone, Serialize)]
pub struct OwnCommentView {
    pub id: i64,
    pub anchor: String,
    pub html: String,
    pub body: String,
    /// `pending` or `approved`.
    pub status: &'static str,
    pub date: String,
    pub editable: bool,
    /// Minutes left to edit.
    pub minutes_left: i64,
}

/// The member's comment desk for one article: the form (a reply's, when `reply_to` names
/// a comment), a notice or error with the typed text kept, and their own comments.
#[derive(Debug, Clone, Serialize)]
pub struct CommentDeskPage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub article_title: String,
    pub article_url: String,
    pub action: String,
    pub stamp: String,
    pub reply_to: Option<i64>,
    /// The comment replied to, as readers see it.
    pub replying_to: Option<CommentNode>,
    pub text: String,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// Why this member may not post here now (the form is not shown).
    pub closed: Option<String>,
    pub mine: Vec<OwnCommentView>,
    pub reply_emails: bool,
    /// A reader who is not signed in, commenting as a guest (`everyone` mode): the form
    /// asks for a name and an email address, and there are no own comments or settings.
    pub guest: bool,
    /// The guest's name and address as typed.
    pub name: String,
    pub email: String,
    /// Where a guest may sign in or join instead.
    pub signin_url: &'static str,
}

impl<'a> CommentDeskPage<'a> {
    pub fn new(
        site: &'a SiteView,
        title: &str,
        slug: &str,
        mine: &[Comment],
        now: DateTime<Utc>,
    ) -> Self {
        let desk = desk_url(slug);
        Self {
            meta: site.meta(Some(&format!("Comment on {title}")), None, &desk),
            site,
            article_title: title.to_owned(),
            article_url: urls::article(slug),
            action: format!("/articles/{slug}/comments/"),
            stamp: String::new(),
            reply_to: None,
            replying_to: None,
            text: String::new(),
            notice: None,
            error: None,
            closed: None,
            mine: mine
                .iter()
                .map(|c| OwnCommentView {
                    id: c.id,
                    anchor: format!("comment-{}", c.id),
                    html: c.body_html.clone(),
                    body: c.body.clone(),
                    status: c.status.as_str(),
                    date: display_date(c.created_at),
                    editable: c.editable(now),
                    minutes_left: ((c.created_at + byline_core::comments::EDIT_WINDOW - now)
                        .num_seconds()
                        .max(0)
                        + 59)
                        / 60,
                })
                .collect(),
            reply_emails: true,
            guest: false,
            name: String::new(),
            email: String::new(),
            signin_url: urls::MEMBERS_SIGNIN,
        }
    }

    /// The comment being replied to, shown above the form.
    pub fn replying(&mut self, c: &Comment, slug: &str) {
        self.reply_to = Some(c.id);
        self.replying_to = node(c, &HashMap::new(), slug);
    }
}

/// A later page of an article's comments (or the first, sorted newest first).
#[derive(Debug, Clone, Serialize)]
pub struct CommentsPage<'a> {
    pub site: &'a SiteView,
    pub meta: MetaView,
    pub article_title: String,
    pub article_url: String,
    pub comments: CommentsView,
}

impl<'a> CommentsPage<'a> {
    pub fn new(site: &'a SiteView, title: &str, slug: &str, comments: CommentsView) -> Self {
        let url = comments_url(slug, comments.sort, comments.page);
        Self {
            meta: site.meta(Some(&format!("Comments on {title}")), None, &url),
            site,
            article_title: title.to_owned(),
            article_url: urls::article(slug),
            comments,
        }
    }
}
