//! The addresses a Ghost site answered, kept so that each still leads (301) to what it
//! showed: a post at `/SLUG/` (and its AMP page `/SLUG/amp/`), a page at `/SLUG/` when
//! that is not already its Byline address, a tag at `/tag/X/` with its feed
//! `/tag/X/rss/`, an author at `/author/Y/` with `/author/Y/rss/`, and the site's feed at
//! `/rss/`. A Ghost installed in a folder (`--ghost-url https://x.example/blog`) had them
//! all under that folder.

use super::Run;
use crate::batch::Writer;
use byline_core::old_address::{AddressTarget, OldAddress};

/// The path of the Ghost site's address (`/blog`), or empty at the root.
pub(crate) fn base_path(ghost_url: &str) -> String {
    byline_core::old_address::normalise(ghost_url)
        .map(|(p, _)| p.trim_end_matches('/').to_owned())
        .unwrap_or_default()
}

/// A post's addresses.
pub(crate) fn post(slug: &str, id: i64) -> Vec<(String, AddressTarget)> {
    let t = AddressTarget::Article(id);
    vec![(format!("/{slug}/"), t), (format!("/{slug}/amp/"), t)]
}

/// A tag's archive and feed.
pub(crate) fn tag(slug: &str, id: i64) -> Vec<(String, AddressTarget)> {
    vec![
        (format!("/tag/{slug}/"), AddressTarget::Term(id)),
        (format!("/tag/{slug}/rss/"), AddressTarget::TermFeed(id)),
    ]
}

/// An author's archive and feed.
pub(crate) fn author(slug: &str, id: i64) -> Vec<(String, AddressTarget)> {
    vec![
        (format!("/author/{slug}/"), AddressTarget::Author(id)),
        (format!("/author/{slug}/rss/"), AddressTarget::AuthorFeed(id)),
    ]
}

impl Run<'_> {
    /// Keeps `paths` (under the Ghost site's folder) in the report's `redirects` row, leaving
    /// out any that is `new`, the Byline address itself. In a dry run they are counted.
    pub(crate) async fn keep_addresses(
        &mut self,
        paths: Vec<(String, AddressTarget)>,
        new: Option<&str>,
    ) {
        let list = self.address_list(paths, new);
        let store = self.store;
        self.record_addresses(&mut Writer::Store(store), list).await;
    }

    /// A post's or page's addresses: with it in its batch when it is in one, else at once.
    pub(crate) async fn keep_item_addresses(
        &mut self,
        w: &mut Writer<'_>,
        paths: Vec<(String, AddressTarget)>,
        new: Option<&str>,
    ) {
        let list = self.address_list(paths, new);
        if w.batched() {
            self.pending.extend(list);
        } else {
            self.record_addresses(w, list).await;
        }
    }

    /// `paths` as old addresses under the Ghost site's folder, without `new`.
    fn address_list(
        &self,
        paths: Vec<(String, AddressTarget)>,
        new: Option<&str>,
    ) -> Vec<OldAddress> {
        let mut list: Vec<OldAddress> = Vec::new();
        for (path, target) in paths {
            let Ok(a) = OldAddress::new(&format!("{}{path}", self.base_path), target) else {
                continue;
            };
            let same = new.and_then(|n| OldAddress::new(n, target).ok()).is_some_and(|n| n == a);
            if !same && !list.contains(&a) {
                list.push(a);
            }
        }
        list
    }

    /// Records old addresses through `w`, counting them in the report.
    pub(crate) async fn record_addresses(&mut self, w: &mut Writer<'_>, list: Vec<OldAddress>) {
        if list.is_empty() {
            return;
        }
        if self.dry_run {
            self.report.counts_mut("redirects").created += list.len();
            return;
        }
        match w.record_old_addresses("ghost", &list).await {
            Ok(r) => self.report.counts_mut("redirects").add_recorded(r),
            Err(e) => {
                let n = list.len();
                let shown = list[0].display();
                let p =
                    self.export.problem(None, format!("old address {shown} (and {n} in all): {e}"));
                self.report.counts_mut("redirects").failed += n;
                self.report.errors.push(p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ghost_addresses_sit_under_the_sites_folder() {
        assert_eq!(base_path("https://old.example/blog/"), "/blog");
        assert_eq!(base_path("https://old.example"), "");
        let shown: Vec<String> = tag("news", 3).into_iter().map(|(p, _)| p).collect();
        assert_eq!(shown, ["/tag/news/", "/tag/news/rss/"]);
    }
}
