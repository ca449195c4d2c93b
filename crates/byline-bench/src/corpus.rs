//! The benchmark corpus: N articles by a few dozen authors, filed under regions, themes and
//! tags, written in Byline's import format (README, "Import format"). Every article is made
//! from the seed and its own number, so any one can be regenerated without the others and the
//! same `(seed, N)` always writes the same bytes.

use crate::text::{self, Rng};
use anyhow::Context;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

#[rustfmt::skip]
pub const REGIONS: &[&str] = &[
    "Armenia", "Azerbaijan", "Belarus", "Estonia", "Georgia", "Kazakhstan", "Kyrgyzstan", "Latvia",
    "Lithuania", "Moldova", "Mongolia", "Poland", "Romania", "Russia", "Tajikistan", "Turkey",
    "Turkmenistan", "Ukraine", "Uzbekistan", "Hungary", "Slovakia", "Bulgaria", "Serbia",
    "Finland",
];

#[rustfmt::skip]
pub const THEMES: &[&str] = &[
    "Security", "Energy", "Economy", "Media", "Migration", "Climate", "Elections", "Agriculture",
    "Law", "Health", "Labour", "Transport",
];

#[rustfmt::skip]
const FIRST_NAMES: &[&str] = &[
    "Aliya", "Anna", "Davit", "Lilit", "Oksana", "Tomas", "Mariam", "Ivan", "Nodira", "Piotr",
    "Elena", "Arman", "Jana", "Giorgi", "Saule", "Marta",
];

#[rustfmt::skip]
const LAST_NAMES: &[&str] = &[
    "Nurlanova", "Kowalska", "Beridze", "Hakobyan", "Melnyk", "Petrauskas", "Tsereteli", "Sokolov",
    "Karimova", "Nowak", "Rusu", "Sargsyan", "Novak", "Abashidze", "Bekova", "Lind",
];

/// One article, as both Byline and Hugo read it.
pub struct Article {
    pub slug: String,
    pub title: String,
    pub date: String,
    pub authors: Vec<String>,
    pub regions: Vec<&'static str>,
    pub themes: Vec<&'static str>,
    pub tags: Vec<String>,
    pub summary: String,
    pub body: String,
}

pub struct Author {
    pub slug: String,
    pub name: String,
    pub bio: String,
}

pub struct Corpus {
    pub articles: usize,
    pub seed: u64,
    pub authors: Vec<Author>,
    pub tags: Vec<String>,
}

impl Corpus {
    pub fn new(articles: usize, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let author_count = 20 + articles / 250;
        let authors = (0..author_count)
            .map(|i| {
                let first = FIRST_NAMES[i % FIRST_NAMES.len()];
                let last = LAST_NAMES[(i / FIRST_NAMES.len() + i) % LAST_NAMES.len()];
                let name = format!("{first} {last}");
                let slug = format!("{}-{i}", slugify(&name));
                let bio = text::paragraph(&mut rng, 3);
                Author { slug, name, bio }
            })
            .collect();
        let topics: Vec<String> = ["energy", "grain", "water", "border", "media", "budget"]
            .iter()
            .flat_map(|a| {
                ["reform", "exports", "prices", "courts", "unions", "ports", "dams", "census"]
                    .iter()
                    .map(move |b| format!("{a}-{b}"))
            })
            .collect();
        Corpus { articles, seed, authors, tags: topics }
    }

    /// The article every page measure uses: one from the middle of the archive.
    pub fn sample(&self) -> Article {
        self.article(self.articles / 2)
    }

    /// The members-only article (the row "gated article, signed-in member"): the one after
    /// the sample, so the public article measured stays public.
    pub fn gated(&self) -> Article {
        self.article(self.gated_index())
    }

    fn gated_index(&self) -> usize {
        (self.articles / 2 + 1) % self.articles.max(1)
    }

    /// The region whose archive is measured (its slug is its lower-cased name).
    pub fn sample_region(&self) -> String {
        slugify(REGIONS[0])
    }

    /// Article number `i`, the same for a given seed whatever else was generated.
    pub fn article(&self, i: usize) -> Article {
        let mut rng = Rng::new(self.seed ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let title = text::title(&mut rng);
        let slug = format!("{}-{i}", slugify(&title));
        // Evenly spread over ten years before 2026, oldest first, all in the past.
        let start = chrono::DateTime::parse_from_rfc3339("2016-01-01T08:00:00Z")
            .expect("a valid constant date")
            .with_timezone(&chrono::Utc);
        let step = 10 * 365 * 24 * 3600 / self.articles.max(1) as i64;
        let date = (start + chrono::Duration::seconds(step * i as i64))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        let byline = match rng.range(0, 19) {
            0 => 3,
            1..=3 => 2,
            _ => 1,
        };
        let authors = rng
            .distinct(byline, self.authors.len())
            .into_iter()
            .map(|a| self.authors[a].slug.clone())
            .collect();
        let regions = rng.some(1, 2, REGIONS.len()).into_iter().map(|r| REGIONS[r]).collect();
        let themes = rng.some(1, 2, THEMES.len()).into_iter().map(|t| THEMES[t]).collect();
        let tags = rng.some(2, 4, self.tags.len()).into_iter().map(|t| self.tags[t].clone());
        let summary = text::paragraph(&mut rng, 2);
        let paragraphs = rng.range(6, 14);
        let body = text::body(&mut rng, paragraphs);
        Article { slug, title, date, authors, regions, themes, tags: tags.collect(), summary, body }
    }

    /// Writes the corpus in Byline's import format: `publication.toml`, `authors/SLUG.md` and
    /// `articles/SLUG.md`.
    pub fn write_byline(&self, dir: &Path) -> anyhow::Result<()> {
        fs::create_dir_all(dir.join("authors"))?;
        fs::create_dir_all(dir.join("articles"))?;
        fs::write(
            dir.join("publication.toml"),
            "title = \"The Bench Review\"\n\
             tagline = \"A generated publication for Byline's benchmark\"\n\
             language = \"en\"\n\
             base_url = \"http://127.0.0.1\"\n\
             default_license = \"cc-by-nd-4.0\"\n",
        )?;
        for a in &self.authors {
            let text = format!("---\nname: {}\n---\n{}\n", quote(&a.name), a.bio);
            fs::write(dir.join("authors").join(format!("{}.md", a.slug)), text)?;
        }
        self.write_articles(&dir.join("articles"))
    }

    /// Writes `SLUG.md` for every article into `dir`: the same files serve Byline and Hugo.
    pub fn write_articles(&self, dir: &Path) -> anyhow::Result<()> {
        fs::create_dir_all(dir)?;
        for i in 0..self.articles {
            let a = self.article(i);
            let path = dir.join(format!("{}.md", a.slug));
            let text = if i == self.gated_index() && self.articles > 1 {
                a.members_only_markdown()
            } else {
                a.markdown()
            };
            fs::write(&path, text).with_context(|| format!("cannot write {path:?}"))?;
        }
        Ok(())
    }
}

impl Article {
    /// The file: YAML front matter, then the Markdown body.
    pub fn markdown(&self) -> String {
        let list = |items: &[&str]| items.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ");
        let authors: Vec<&str> = self.authors.iter().map(String::as_str).collect();
        let tags: Vec<&str> = self.tags.iter().map(String::as_str).collect();
        let mut out = String::with_capacity(self.body.len() + 512);
        let _ = write!(
            out,
            "---\ntitle: {}\ndate: {}\nauthors: [{}]\nregions: [{}]\nthemes: [{}]\ntags: [{}]\n\
             summary: {}\n---\n",
            quote(&self.title),
            self.date,
            list(&authors),
            list(&self.regions),
            list(&self.themes),
            list(&tags),
            quote(&self.summary),
        );
        out.push_str(&self.body);
        out
    }
}

impl Article {
    /// The file with `access: members` and the preview ending after the first paragraph.
    pub fn members_only_markdown(&self) -> String {
        let md = self.markdown().replacen("\nsummary: ", "\naccess: members\nsummary: ", 1);
        let body_at = md.len() - self.body.len();
        let (front, body) = md.split_at(body_at);
        format!("{front}{}", body.replacen("\n\n", "\n\n<!--members-only-->\n\n", 1))
    }
}

/// A YAML double-quoted string (JSON's escapes are YAML's).
fn quote(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// Lower-case ASCII words joined by hyphens, as Byline and Hugo both make them from these names.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_writes_the_same_article() {
        let a = Corpus::new(1000, 42);
        let b = Corpus::new(1000, 42);
        assert_eq!(a.article(500).markdown(), b.article(500).markdown());
        assert_ne!(a.article(500).markdown(), a.article(501).markdown());
    }

    #[test]
    fn front_matter_is_complete_and_slugs_are_short() {
        let corpus = Corpus::new(100, 1);
        for i in 0..100 {
            let a = corpus.article(i);
            assert!(a.slug.len() <= 80, "{}", a.slug);
            assert_eq!(a.slug, slugify(&a.slug));
            assert!(!a.authors.is_empty() && !a.regions.is_empty() && !a.tags.is_empty());
            assert!(a.date.starts_with("20") && a.date.as_str() < "2026");
        }
        let text = corpus.article(3).markdown();
        for key in ["title:", "date:", "authors:", "regions:", "themes:", "tags:", "summary:"] {
            assert!(text.contains(&format!("\n{key} ")), "{key} in {text}");
        }
    }
}
