//! Ghost's tags, posts and pages: public tags as terms of the `tags` taxonomy, internal
//! `#tags` as hidden labels, posts as articles (keyed by their Ghost id), published pages
//! as pages (in the navigation when Ghost's navigation links to them).

use super::addresses;
use super::content::post_body;
use super::file::{flag, text, time};
use super::{IdMap, Run};
use crate::batch::Writer;
use byline_core::old_address::AddressTarget;
use byline_core::{ArticleInput, ArticleStatus, PageInput, TaxonomyInput, TermInput};
use byline_store::Outcome;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

/// The taxonomy Ghost's public tags are filed under.
pub const TAGS: &str = "tags";

/// What a Ghost tag became.
#[derive(Debug, Clone)]
pub(crate) enum Tag {
    /// A term of `tags`, by slug.
    Term(String),
    /// A hidden label, by name (without its `#`).
    Label(String),
}

pub(crate) type Tags = HashMap<String, Tag>;

/// Is this tag internal (`#name`, or `visibility: internal`)?
fn internal(tag: &Map<String, Value>) -> bool {
    text(tag, "visibility").as_deref() == Some("internal")
        || text(tag, "name").is_some_and(|n| n.starts_with('#'))
}

impl Run<'_> {
    /// Public tags as terms (the `tags` taxonomy is made when missing); internal ones are
    /// remembered as labels for the posts.
    pub(crate) async fn tags(&mut self) -> Tags {
        let mut out = Tags::new();
        let tags = match self.export.table("tags") {
            Ok(t) => t,
            Err(p) => {
                self.report.fail("tags", p);
                return out;
            }
        };
        if tags.iter().any(|t| !internal(t)) && !self.dry_run {
            let have = self.store.taxonomies().await.map(|t| t.iter().any(|t| t.slug == TAGS));
            let made = match have {
                Ok(true) => Ok(()),
                Ok(false) => self
                    .store
                    .save_taxonomy(&TaxonomyInput {
                        slug: Some(TAGS.into()),
                        name: "Tags".into(),
                        singular: Some("Tag".into()),
                        description: None,
                        exposed: None,
                    })
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            };
            if let Err(e) = made {
                self.report
                    .fail("tags", self.export.problem(None, format!("the `tags` taxonomy: {e}")));
                return out;
            }
        }
        let total = tags.len();
        for (i, t) in tags.into_iter().enumerate() {
            self.tick("tags", i + 1, total);
            let Some(id) = text(t, "id") else { continue };
            let name = text(t, "name").unwrap_or_default();
            if internal(t) {
                let label = name.trim_start_matches('#').trim().to_owned();
                if !label.is_empty() {
                    out.insert(id, Tag::Label(label));
                }
                continue;
            }
            let input = TermInput {
                name: name.clone(),
                slug: text(t, "slug"),
                description: text(t, "description"),
            };
            let term = match input.validate() {
                Ok(term) => term,
                Err(e) => {
                    let p = self.export.record_problem("tags", t, e.to_string());
                    self.report.fail("tags", p);
                    continue;
                }
            };
            out.insert(id, Tag::Term(term.slug.clone()));
            let old_slug = text(t, "slug").unwrap_or_else(|| term.slug.clone());
            if self.dry_run {
                self.report.counts_mut("tags").created += 1;
                self.keep_addresses(addresses::tag(&old_slug, 0), None).await;
                continue;
            }
            match self.store.save_term(TAGS, None, &input).await {
                Ok(s) => {
                    self.report.counts_mut("tags").add(s.outcome);
                    self.keep_addresses(addresses::tag(&old_slug, s.value.id), None).await;
                }
                Err(e) => {
                    let p = self.export.record_problem("tags", t, e.to_string());
                    self.report.fail("tags", p);
                }
            }
        }
        out
    }

    /// Posts as articles and pages as pages.
    pub(crate) async fn posts(&mut self, authors: &IdMap, tags: &Tags, tiers: &IdMap) {
        let posts = match self.export.table("posts") {
            Ok(p) => p,
            Err(p) => return self.report.fail("articles", p),
        };
        let links = Links::read(self, tags, tiers);
        let to = PostsTo { authors, links: &links, in_nav: &self.navigation() };
        let dropped_code = posts
            .iter()
            .filter(|p| {
                text(p, "codeinjection_head").is_some() || text(p, "codeinjection_foot").is_some()
            })
            .count();
        let total = posts.len();
        for (i, post) in posts.into_iter().enumerate() {
            let page = text(post, "type").as_deref() == Some("page") || flag(post, "page");
            self.tick(if page { "pages" } else { "articles" }, i + 1, total);
            self.post(post, &to).await;
        }
        self.end_batch(&to).await;
        if total > 0 {
            self.keep_addresses(vec![("/rss/".into(), AddressTarget::SiteFeed)], None).await;
        }
        if dropped_code > 0 {
            self.report.warnings.push(self.export.problem(
                None,
                format!(
                    "{dropped_code} post(s) had code injection (scripts for their head or foot); \
                     Byline does not run per-article scripts, so it was left out"
                ),
            ));
        }
    }

    /// The paths Ghost's navigation links to (`/about/`), for the pages' `in_nav`.
    fn navigation(&self) -> HashSet<String> {
        let settings = self.export.table("settings").unwrap_or_default();
        let mut out = HashSet::new();
        for s in settings {
            let key = text(s, "key").unwrap_or_default();
            if key != "navigation" && key != "secondary_navigation" {
                continue;
            }
            let items: Vec<Value> =
                text(s, "value").and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default();
            for item in items {
                if let Some(url) = item.get("url").and_then(Value::as_str) {
                    let path =
                        url::Url::parse(url).map(|u| u.path().to_owned()).unwrap_or(url.to_owned());
                    out.insert(path.trim_matches('/').to_owned());
                }
            }
        }
        out
    }

    /// Saves a post as an article, or a page as a page, through `w`.
    pub(crate) async fn write_post(
        &mut self,
        post: &Map<String, Value>,
        to: &PostsTo<'_>,
        w: &mut Writer<'_>,
    ) {
        if text(post, "type").as_deref() == Some("page") || flag(post, "page") {
            self.page(post, to.in_nav, w).await;
        } else {
            self.article(post, to.authors, to.links, w).await;
        }
    }

    async fn page(
        &mut self,
        post: &Map<String, Value>,
        in_nav: &HashSet<String>,
        w: &mut Writer<'_>,
    ) {
        let status = text(post, "status").unwrap_or_default();
        if status != "published" {
            let p = self.export.record_problem(
                "posts",
                post,
                format!("a {status} page was left out: Byline's pages are always public"),
            );
            self.report.warnings.push(p);
            return;
        }
        let slug = text(post, "slug").unwrap_or_default();
        let body = post_body(post);
        let input = PageInput {
            title: text(post, "title").unwrap_or_default(),
            slug: Some(slug.clone()),
            body: body.markdown,
            weight: 0,
            in_nav: in_nav.contains(&slug),
        };
        if let Err(e) = input.validate(self.now) {
            let p = self.export.record_problem("posts", post, e.to_string());
            return self.report.fail("pages", p);
        }
        let old = |id| vec![(format!("/{slug}/"), AddressTarget::Page(id))];
        if self.dry_run {
            self.report.counts_mut("pages").created += 1;
            self.keep_item_addresses(w, old(0), Some(&format!("/{slug}/"))).await;
            return;
        }
        match w.save_page(&input).await {
            Ok(s) => {
                self.report.counts_mut("pages").add(s.outcome);
                let new = format!("/{}/", s.value.slug);
                self.keep_item_addresses(w, old(s.value.id), Some(&new)).await;
            }
            Err(e) => {
                let p = self.export.record_problem("posts", post, e.to_string());
                self.report.fail("pages", p);
            }
        }
    }

    async fn article(
        &mut self,
        post: &Map<String, Value>,
        authors: &IdMap,
        links: &Links<'_>,
        w: &mut Writer<'_>,
    ) {
        let id = text(post, "id").unwrap_or_default();
        let (input, labels) = match self.article_input(post, authors, links) {
            Ok(x) => x,
            Err(why) => {
                let p = self.export.record_problem("posts", post, why);
                return self.report.fail("articles", p);
            }
        };
        let fields = match input.validate() {
            Ok(f) => f,
            Err(e) => {
                let p = self.export.record_problem("posts", post, e.to_string());
                return self.report.fail("articles", p);
            }
        };
        let old_slug = text(post, "slug").unwrap_or_else(|| fields.slug.clone());
        if self.dry_run {
            self.report.counts_mut("articles").created += 1;
            self.article_ids.insert(id, 0);
            if !labels.is_empty() {
                self.report.counts_mut("labels").created += 1;
            }
            self.keep_item_addresses(w, addresses::post(&old_slug, 0), None).await;
            return;
        }
        let key = format!("ghost:{id}");
        let saved = match w.save_article(&fields, Some(&key)).await {
            Ok(s) => s,
            Err(e) => {
                let p = self.export.record_problem("posts", post, e.to_string());
                return self.report.fail("articles", p);
            }
        };
        self.report.counts_mut("articles").add(saved.outcome);
        self.article_ids.insert(id, saved.value.id);
        self.keep_item_addresses(w, addresses::post(&old_slug, saved.value.id), None).await;
        // A new article has no labels yet: with none to give it, nothing to ask or write.
        if saved.outcome == Outcome::Created && labels.is_empty() {
            return;
        }
        match w.set_article_labels(saved.value.id, &labels).await {
            Ok(Outcome::Unchanged) if labels.is_empty() => {}
            Ok(o) => self.report.counts_mut("labels").add(o),
            Err(e) => {
                let p = self.export.record_problem("posts", post, format!("hidden labels: {e}"));
                self.report.fail("labels", p);
            }
        }
    }

    /// A post as an article and its hidden labels, or why it cannot be one.
    fn article_input(
        &self,
        post: &Map<String, Value>,
        authors: &IdMap,
        links: &Links<'_>,
    ) -> Result<(ArticleInput, Vec<String>), String> {
        let id = text(post, "id").ok_or("a post needs an `id`")?;
        let meta = links.meta.get(&id);
        // Ghost 1-2 keep meta fields on the post; later versions in `posts_meta`.
        let get = |k: &str| meta.and_then(|m| text(m, k)).or_else(|| text(post, k));
        let published_at = time(post, "published_at")?;
        let status = match text(post, "status").as_deref() {
            Some("published") if published_at.is_some_and(|p| p > self.now) => {
                ArticleStatus::Scheduled
            }
            Some("published") => ArticleStatus::Published,
            Some("scheduled") => ArticleStatus::Scheduled,
            Some("draft") | Some("sent") => ArticleStatus::Draft,
            Some(other) => return Err(format!("unknown status {other:?}")),
            None => return Err("a post needs a `status`".into()),
        };
        let published_at = match (status, published_at) {
            (ArticleStatus::Published, None) => time(post, "created_at")?,
            (_, p) => p,
        };
        // Ghost 1 has one `author_id` per post; later versions list them in order.
        let mut users: Vec<String> = links.authors.get(&id).cloned().unwrap_or_default();
        if users.is_empty() {
            users.extend(text(post, "author_id"));
        }
        let byline = users.iter().filter_map(|u| authors.get(u).cloned()).collect();
        let mut terms = Vec::new();
        let mut labels = Vec::new();
        for tag in links.tags.get(&id).into_iter().flatten() {
            match tag {
                Tag::Term(slug) => terms.push((TAGS.to_owned(), slug.clone())),
                Tag::Label(name) => labels.push(name.clone()),
            }
        }
        let (access, tiers) = match text(post, "visibility").as_deref() {
            None | Some("public") => (None, Vec::new()),
            Some("members") => (Some("members".into()), Vec::new()),
            Some("paid") => (Some("paid".into()), Vec::new()),
            Some("tiers") => {
                let tiers = links.tiers.get(&id).cloned().unwrap_or_default();
                if tiers.is_empty() {
                    (Some("paid".into()), tiers)
                } else {
                    (Some("tiers".into()), tiers)
                }
            }
            Some(other) => return Err(format!("unknown visibility {other:?}")),
        };
        let caption = get("feature_image_caption").map(|c| {
            scraper::Html::parse_fragment(&c)
                .root_element()
                .text()
                .collect::<String>()
                .trim()
                .to_owned()
        });
        let input = ArticleInput {
            title: text(post, "title").unwrap_or_default(),
            slug: text(post, "slug"),
            subtitle: None,
            body: post_body(post).markdown,
            excerpt: text(post, "custom_excerpt"),
            status,
            published_at,
            updated_at: time(post, "updated_at")?,
            authors: byline,
            terms,
            image: text(post, "feature_image").map(|u| super::people::absolute(&u)),
            image_alt: get("feature_image_alt"),
            image_caption: caption.filter(|c| !c.is_empty()),
            canonical_url: text(post, "canonical_url"),
            seo_title: get("meta_title")
                .or_else(|| get("og_title"))
                .or_else(|| get("twitter_title")),
            seo_description: get("meta_description")
                .or_else(|| get("og_description"))
                .or_else(|| get("twitter_description")),
            featured: flag(post, "featured"),
            access,
            tiers,
            ..ArticleInput::default()
        };
        Ok((input, labels))
    }
}

/// What saving a post needs besides the post: who its authors are, its join tables, and the
/// pages Ghost's navigation links to.
pub(crate) struct PostsTo<'a> {
    pub authors: &'a IdMap,
    pub links: &'a Links<'a>,
    pub in_nav: &'a HashSet<String>,
}

/// The join tables, read once: bylines, tags, tiers and meta per post id.
pub(crate) struct Links<'a> {
    authors: HashMap<String, Vec<String>>,
    tags: HashMap<String, Vec<Tag>>,
    tiers: HashMap<String, Vec<String>>,
    meta: HashMap<String, &'a Map<String, Value>>,
}

impl<'a> Links<'a> {
    fn read(run: &Run<'a>, tags: &Tags, tiers: &IdMap) -> Self {
        let ordered = |table: &str, other: &str| -> HashMap<String, Vec<String>> {
            let mut rows: Vec<(String, i64, String)> = run
                .export
                .table(table)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| {
                    let order = r.get("sort_order").and_then(Value::as_i64).unwrap_or(0);
                    Some((text(r, "post_id")?, order, text(r, other)?))
                })
                .collect();
            rows.sort_by_key(|(p, o, _)| (p.clone(), *o));
            let mut out: HashMap<String, Vec<String>> = HashMap::new();
            for (p, _, v) in rows {
                out.entry(p).or_default().push(v);
            }
            out
        };
        let by_tag = ordered("posts_tags", "tag_id");
        let by_product = ordered("posts_products", "product_id");
        Links {
            authors: ordered("posts_authors", "author_id"),
            tags: by_tag
                .into_iter()
                .map(|(p, ids)| (p, ids.iter().filter_map(|t| tags.get(t).cloned()).collect()))
                .collect(),
            tiers: by_product
                .into_iter()
                .map(|(p, ids)| (p, ids.iter().filter_map(|t| tiers.get(t).cloned()).collect()))
                .collect(),
            meta: run
                .export
                .data
                .get("posts_meta")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|m| {
                    let m = m.as_object()?;
                    Some((text(m, "post_id")?, m))
                })
                .collect(),
        }
    }
}
