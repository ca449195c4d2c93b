//! The second pass's state, and what posts and pages become: articles (status, dates,
//! byline, terms, excerpt, featured image, SEO fields, canonical URL) and static pages,
//! each saved with its old addresses.

use super::WordPressOptions;
use super::addresses::{self, Site};
use super::content::{Converted, Library};
use super::records::WpItem;
use super::report::WxrReport;
use crate::batch::{Open, Writer};
use crate::report::Problem;
use byline_core::old_address::{AddressTarget, OldAddress};
use byline_core::{ArticleInput, ArticleStatus, PageInput, slugify};
use byline_store::{Store, StoreError};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Old addresses are saved in batches of this many.
const ADDRESS_BATCH: usize = 1000;

/// A term as the import saved it.
pub(crate) struct SavedTerm {
    pub taxonomy: String,
    /// Its slug and its ancestors', root first.
    pub path: Vec<String>,
}

pub(crate) struct Run<'a> {
    pub store: &'a Store,
    pub options: &'a WordPressOptions,
    pub path: &'a str,
    pub lib: Arc<Library>,
    pub site: Site,
    pub base_known: bool,
    pub site_title: String,
    pub version_seen: bool,
    /// WordPress login → Byline author slug and id.
    pub authors: HashMap<String, (String, i64)>,
    /// (WordPress taxonomy, slug) → the term saved.
    pub terms: HashMap<(String, String), SavedTerm>,
    /// Byline taxonomies known to exist (or, in a dry run, to be made).
    pub taxonomies: HashSet<String>,
    pub pending: Vec<OldAddress>,
    pub imported_any: bool,
    pub other_types: HashSet<String>,
    /// The open batch of posts and pages, with the report and the post types warned of from
    /// before it (see `batches.rs`).
    pub open: Option<Open<WpItem, (WxrReport, HashSet<String>)>>,
    /// Saving each item on its own (retrying a batch that could not be committed).
    pub one_by_one: bool,
}

impl<'a> Run<'a> {
    pub fn new(
        store: &'a Store,
        options: &'a WordPressOptions,
        path: &'a str,
        lib: Arc<Library>,
    ) -> Self {
        Self {
            store,
            options,
            path,
            lib,
            site: Site::default(),
            base_known: false,
            site_title: String::new(),
            version_seen: false,
            authors: HashMap::new(),
            terms: HashMap::new(),
            taxonomies: HashSet::new(),
            pending: Vec::new(),
            imported_any: false,
            other_types: HashSet::new(),
            open: None,
            one_by_one: false,
        }
    }

    pub fn problem(&self, line: usize, message: impl Into<String>) -> Problem {
        Problem { path: self.path.to_owned(), line: Some(line), message: message.into() }
    }

    pub fn version(&mut self, v: &str, line: usize, report: &mut WxrReport) {
        self.version_seen = true;
        if !matches!(v, "1.0" | "1.1" | "1.2") {
            let m = format!(
                "wp:wxr_version “{v}” is not a WXR version this importer reads (1.0, 1.1 or 1.2); reading on as 1.2"
            );
            report.errors.push(self.problem(line, m));
        }
    }

    pub fn base_url(&mut self, url: &str) {
        if !url.is_empty() {
            self.site = Site::from_base_url(url);
            self.base_known = true;
        }
    }

    pub fn base_url_fallback(&mut self, url: &str) {
        if !self.base_known && !url.is_empty() {
            self.site = Site::from_base_url(url);
        }
    }

    pub fn site_title(&mut self, t: &str) {
        if self.site_title.is_empty() {
            self.site_title = t.to_owned();
        }
    }

    /// Keeps old addresses (in batches); in a dry run only counts them.
    pub async fn addresses(&mut self, list: Vec<OldAddress>, report: &mut WxrReport) {
        if self.options.dry_run {
            report.redirects.created += list.len();
            return;
        }
        self.pending.extend(list);
        if self.pending.len() >= ADDRESS_BATCH {
            self.flush(report).await;
        }
    }

    /// Keeps an item's old addresses: with the item when it is in a batch, else as
    /// [`Run::addresses`] does.
    async fn item_addresses(
        &mut self,
        list: Vec<OldAddress>,
        w: &Writer<'_>,
        report: &mut WxrReport,
    ) {
        if w.batched() {
            self.pending.extend(list);
        } else {
            self.addresses(list, report).await;
        }
    }

    pub(crate) async fn flush(&mut self, report: &mut WxrReport) {
        let store = self.store;
        self.flush_into(&mut Writer::Store(store), report).await;
    }

    /// Records the old addresses waiting to be kept.
    pub(crate) async fn flush_into(&mut self, w: &mut Writer<'_>, report: &mut WxrReport) {
        if self.pending.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.pending);
        match w.record_old_addresses("wordpress", &batch).await {
            Ok(r) => report.redirects.add_recorded(r),
            Err(e) => {
                report.redirects.failed += batch.len();
                report.errors.push(Problem {
                    path: self.path.to_owned(),
                    line: None,
                    message: format!("could not keep {} old addresses: {e}", batch.len()),
                });
            }
        }
    }

    /// Saves a post or page through `w`, or counts an item of another type as skipped.
    pub(crate) async fn write_item(
        &mut self,
        it: WpItem,
        w: &mut Writer<'_>,
        report: &mut WxrReport,
    ) {
        match it.post_type.as_str() {
            "post" => self.article(it, w, report).await,
            "page" => self.page(it, w, report).await,
            "attachment" => {}
            "nav_menu_item"
            | "revision"
            | "wp_block"
            | "wp_template"
            | "wp_template_part"
            | "wp_navigation"
            | "wp_global_styles"
            | "custom_css"
            | "customize_changeset"
            | "oembed_cache"
            | "user_request"
            | "wp_font_family"
            | "wp_font_face" => {
                report.skip("WordPress internals (menu items, revisions, blocks, templates)", 1)
            }
            other => {
                if self.other_types.insert(other.to_owned()) {
                    let m = format!(
                        "items of post type `{other}` are not posts or pages and were skipped"
                    );
                    report.warnings.push(self.problem(it.line, m));
                }
                report.skip(&format!("items of post type `{other}`"), 1);
            }
        }
    }

    async fn article(&mut self, mut it: WpItem, w: &mut Writer<'_>, report: &mut WxrReport) {
        let mut access = None;
        let status = match it.status.as_str() {
            "publish" => ArticleStatus::Published,
            "future" if it.date.is_some() => ArticleStatus::Scheduled,
            "future" | "draft" | "" => ArticleStatus::Draft,
            "pending" => ArticleStatus::Review,
            "private" => {
                access = Some("members".to_owned());
                ArticleStatus::Published
            }
            "auto-draft" | "trash" | "inherit" => {
                report.skip(&format!("posts with status `{}`", it.status), 1);
                return;
            }
            other => {
                let m = format!("{}: unknown status `{other}`, imported as a draft", it.label());
                report.warnings.push(self.problem(it.line, m));
                ArticleStatus::Draft
            }
        };
        if it.password {
            access = Some("members".to_owned());
            let m = format!(
                "{} is password-protected in WordPress: imported for members only",
                it.label()
            );
            report.warnings.push(self.problem(it.line, m));
        }
        let Converted { body, excerpt } = Converted::take(&mut it, &self.lib);
        let excerpt = Some(excerpt).filter(|e| !e.trim().is_empty());
        let (body, status) = match (body.trim().is_empty(), &excerpt) {
            (false, _) => (body, status),
            (true, Some(e)) => (e.clone(), status),
            (true, None) if status == ArticleStatus::Draft => (body, status),
            (true, None) => {
                let m = format!("{} has no content: imported as a draft", it.label());
                report.warnings.push(self.problem(it.line, m));
                (body, ArticleStatus::Draft)
            }
        };
        let title = self.title_of(&it, report);
        // Terms the channel did not declare are made as the item names them (never in a batch:
        // see `batches.rs`).
        for t in &it.terms {
            if !self.terms.contains_key(&(t.taxonomy.clone(), t.slug.clone())) {
                let declared = super::records::WpTerm {
                    taxonomy: t.taxonomy.clone(),
                    slug: t.slug.clone(),
                    name: t.name.clone(),
                    ..Default::default()
                };
                self.term(&declared, it.line, report).await;
            }
        }
        let author = match self.authors.get(&it.creator) {
            Some((slug, _)) => vec![slug.clone()],
            None if !it.creator.is_empty() => vec![it.creator.clone()],
            None => Vec::new(),
        };
        let terms = it
            .terms
            .iter()
            .filter_map(|t| {
                let saved = self.terms.get(&(t.taxonomy.clone(), t.slug.clone()))?;
                Some((saved.taxonomy.clone(), saved.path.last()?.clone()))
            })
            .collect();
        let image = it
            .meta("_thumbnail_id")
            .and_then(|id| id.parse::<i64>().ok())
            .and_then(|id| self.lib.by_id.get(&id));
        let seo =
            |keys: &[&str]| keys.iter().find_map(|k| it.meta(k)).map(|v| self.seo_text(&v, &title));
        let input = ArticleInput {
            title: title.clone(),
            slug: Some(slug_of(&it, &title)),
            body,
            excerpt,
            status,
            published_at: it.date,
            updated_at: it.modified.filter(|m| Some(*m) > it.date),
            authors: author,
            terms,
            image: image.map(|a| a.url.clone()),
            image_alt: image.map(|a| a.alt.clone()),
            image_caption: image.map(|a| a.caption.clone()).filter(|c| !c.trim().is_empty()),
            canonical_url: ["_yoast_wpseo_canonical", "rank_math_canonical_url"]
                .iter()
                .find_map(|k| it.meta(k))
                .filter(|u| u.starts_with("http://") || u.starts_with("https://")),
            seo_title: seo(&["_yoast_wpseo_title", "rank_math_title"]).filter(|s| !s.is_empty()),
            seo_description: seo(&["_yoast_wpseo_metadesc", "rank_math_description"])
                .filter(|s| !s.is_empty()),
            access,
            // WordPress's exporter writes its `sticky_posts` option as `wp:is_sticky` on
            // each post: sticky posts become featured articles.
            featured: it.sticky,
            ..Default::default()
        };
        let fields = match input.validate() {
            Ok(f) => f,
            Err(invalid) => {
                report.articles.failed += 1;
                report.errors.push(self.problem(it.line, format!("{}: {invalid}", it.label())));
                return;
            }
        };
        let key = self.import_key(&it);
        if self.options.dry_run {
            report.articles.created += 1;
            self.addresses(
                addresses::item(&self.site, &it.link, it.id, false, AddressTarget::Article(0)),
                report,
            )
            .await;
            self.comments(&it, None, &key, w, report).await;
            return;
        }
        match w.save_article(&fields, Some(&key)).await {
            Ok(saved) => {
                report.articles.add(saved.outcome);
                self.imported_any = true;
                let id = saved.value.id;
                let list =
                    addresses::item(&self.site, &it.link, it.id, false, AddressTarget::Article(id));
                self.item_addresses(list, w, report).await;
                self.comments(&it, Some(id), &key, w, report).await;
            }
            Err(e) => {
                report.articles.failed += 1;
                report.errors.push(self.failed(&it, e));
            }
        }
    }

    async fn page(&mut self, mut it: WpItem, w: &mut Writer<'_>, report: &mut WxrReport) {
        if it.status != "publish" {
            let what =
                format!("pages with status `{}` (Byline's pages are always public)", it.status);
            report.skip(&what, 1);
            return;
        }
        report.skip("comments on pages (Byline's pages take no comments)", it.comments.len());
        let title = self.title_of(&it, report);
        let text = Converted::take(&mut it, &self.lib);
        let input = PageInput {
            slug: Some(slug_of(&it, &title)),
            title,
            body: text.body,
            weight: it.menu_order,
            in_nav: false,
        };
        if self.options.dry_run {
            match input.validate(chrono::Utc::now()) {
                Ok(_) => report.pages.created += 1,
                Err(invalid) => {
                    report.pages.failed += 1;
                    report.errors.push(self.problem(it.line, format!("{}: {invalid}", it.label())));
                }
            }
            return;
        }
        match w.save_page(&input).await {
            Ok(saved) => {
                report.pages.add(saved.outcome);
                self.imported_any = true;
                let target = AddressTarget::Page(saved.value.id);
                let list = addresses::item(&self.site, &it.link, it.id, true, target);
                self.item_addresses(list, w, report).await;
            }
            Err(e) => {
                report.pages.failed += 1;
                report.errors.push(self.failed(&it, e));
            }
        }
    }

    fn failed(&self, it: &WpItem, e: StoreError) -> Problem {
        self.problem(it.line, format!("{}: {e}", it.label()))
    }

    fn title_of(&self, it: &WpItem, report: &mut WxrReport) -> String {
        if !it.title.trim().is_empty() {
            return it.title.trim().to_owned();
        }
        let t = format!(
            "Untitled {} {}",
            it.post_type,
            it.id.map(|i| i.to_string()).unwrap_or_default()
        );
        let t = t.trim().to_owned();
        report
            .warnings
            .push(self.problem(it.line, format!("{} has no title: imported as “{t}”", it.label())));
        t
    }

    /// Where re-imports find this article again: its GUID, or the site and post ID.
    fn import_key(&self, it: &WpItem) -> String {
        match (&it.guid, it.id) {
            (g, _) if !g.is_empty() => format!("wordpress:{g}"),
            (_, Some(id)) => format!("wordpress:{}?p={id}", self.site.base_path),
            _ => format!("wordpress:{}", it.link),
        }
    }

    /// Yoast's `%%title%%` and Rank Math's `%title%` variables filled in; others dropped.
    fn seo_text(&self, v: &str, title: &str) -> String {
        let mut s = v.to_owned();
        for (name, value) in
            [("title", title), ("sitename", &self.site_title), ("sep", "–"), ("page", "")]
        {
            s = s.replace(&format!("%%{name}%%"), value).replace(&format!("%{name}%"), value);
        }
        // Any variable left (`%%excerpt%%`, `%category%`) has no Byline value.
        let mut out = String::with_capacity(s.len());
        let mut rest = s.as_str();
        while let Some(i) = rest.find('%') {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            let var = tail.trim_start_matches('%');
            let name_len =
                var.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(var.len());
            if name_len > 0 && var[name_len..].starts_with('%') {
                rest = var[name_len..].trim_start_matches('%');
            } else {
                out.push('%');
                rest = &tail[1..];
            }
        }
        out.push_str(rest);
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    pub async fn finish(&mut self, report: &mut WxrReport) {
        self.end_batch(report).await;
        if self.imported_any || self.options.dry_run {
            let feeds = addresses::site_feeds(&self.site);
            self.addresses(feeds, report).await;
        }
        self.flush(report).await;
        if !self.version_seen {
            report.warnings.push(Problem {
                path: self.path.to_owned(),
                line: None,
                message: "the file has no wp:wxr_version: read as WXR 1.2".to_owned(),
            });
        }
    }
}

fn slug_of(it: &WpItem, title: &str) -> String {
    match slugify(&it.name) {
        s if !s.is_empty() => s,
        _ => slugify(title),
    }
}
