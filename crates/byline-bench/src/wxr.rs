//! The corpus as a WordPress export (WXR 1.2), written as WordPress writes it: authors,
//! categories and tags in the channel, then one `<item>` a post with its body as HTML (the
//! corpus's Markdown, rendered by comrak), excerpt, dates, status and terms. Written as a
//! stream, so a file of a gigabyte takes no more memory than one post.

use crate::corpus::{Corpus, REGIONS, THEMES, slugify};
use anyhow::Context;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

const SITE: &str = "http://wordpress.bench.example";

/// Text inside `<![CDATA[…]]>`: a `]]>` in it is split across two sections.
fn cdata(text: &str) -> String {
    format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
}

/// How the corpus's regions and themes are filed in the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filing {
    /// As a WordPress site files them: both as categories.
    Categories,
    /// As taxonomies of their own, `regions` and `themes` (`<wp:term>`, WordPress's custom
    /// taxonomies), the way Byline's Markdown import files them.
    Taxonomies,
}

/// Writes posts `0..posts` of `corpus` to `path`, regions and themes as categories; returns
/// the file's size in bytes.
pub fn write(corpus: &Corpus, posts: usize, path: &Path) -> anyhow::Result<u64> {
    write_filed(corpus, posts, path, Filing::Categories)
}

/// Writes posts `0..posts` of `corpus` to `path`, regions and themes filed as `filing` says;
/// returns the file's size in bytes.
pub fn write_filed(
    corpus: &Corpus,
    posts: usize,
    path: &Path,
    filing: Filing,
) -> anyhow::Result<u64> {
    let file = File::create(path).with_context(|| format!("cannot create {path:?}"))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    write_channel_head(corpus, filing, &mut out)?;
    let mut options = comrak::Options::default();
    options.render.r#unsafe = false;
    for i in 0..posts {
        write_item(corpus, i, filing, &options, &mut out)?;
    }
    out.write_all(b"</channel>\n</rss>\n")?;
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn write_channel_head(corpus: &Corpus, filing: Filing, out: &mut impl Write) -> anyhow::Result<()> {
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n\
         <rss version=\"2.0\"\n\
         \txmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\"\n\
         \txmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n\
         \txmlns:wfw=\"http://wellformedweb.org/CommentAPI/\"\n\
         \txmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n\
         \txmlns:wp=\"http://wordpress.org/export/1.2/\"\n>\n<channel>\n\
         \t<title>The Bench Review</title>\n\t<link>{SITE}</link>\n\
         \t<description>A generated publication for Byline's benchmark</description>\n\
         \t<language>en-US</language>\n\t<wp:wxr_version>1.2</wp:wxr_version>\n\
         \t<wp:base_site_url>{SITE}</wp:base_site_url>\n\
         \t<wp:base_blog_url>{SITE}</wp:base_blog_url>\n"
    )?;
    for (i, a) in corpus.authors.iter().enumerate() {
        writeln!(
            out,
            "\t<wp:author><wp:author_id>{}</wp:author_id><wp:author_login>{}</wp:author_login>\
             <wp:author_email>{}@bench.example</wp:author_email>\
             <wp:author_display_name>{}</wp:author_display_name></wp:author>",
            i + 1,
            cdata(&a.slug),
            a.slug,
            cdata(&a.name)
        )?;
    }
    for (i, name) in REGIONS.iter().chain(THEMES).enumerate() {
        match filing {
            Filing::Categories => writeln!(
                out,
                "\t<wp:category><wp:term_id>{}</wp:term_id><wp:category_nicename>{}\
                 </wp:category_nicename><wp:category_parent></wp:category_parent>\
                 <wp:cat_name>{}</wp:cat_name></wp:category>",
                i + 1,
                cdata(&slugify(name)),
                cdata(name)
            )?,
            Filing::Taxonomies => writeln!(
                out,
                "\t<wp:term><wp:term_id>{}</wp:term_id><wp:term_taxonomy>{}</wp:term_taxonomy>\
                 <wp:term_slug>{}</wp:term_slug><wp:term_parent></wp:term_parent>\
                 <wp:term_name>{}</wp:term_name></wp:term>",
                i + 1,
                region_or_theme(name, filing),
                cdata(&slugify(name)),
                cdata(name)
            )?,
        }
    }
    for (i, tag) in corpus.tags.iter().enumerate() {
        writeln!(
            out,
            "\t<wp:tag><wp:term_id>{}</wp:term_id><wp:tag_slug>{}</wp:tag_slug>\
             <wp:tag_name>{}</wp:tag_name></wp:tag>",
            1000 + i,
            cdata(tag),
            cdata(tag)
        )?;
    }
    Ok(())
}

/// The WXR taxonomy (`domain`) a region or theme is filed under.
fn region_or_theme(name: &str, filing: Filing) -> &'static str {
    match filing {
        Filing::Categories => "category",
        Filing::Taxonomies if REGIONS.contains(&name) => "regions",
        Filing::Taxonomies => "themes",
    }
}

fn write_item(
    corpus: &Corpus,
    i: usize,
    filing: Filing,
    options: &comrak::Options,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let a = corpus.article(i);
    let id = i + 1;
    let date = chrono::DateTime::parse_from_rfc3339(&a.date).context("a corpus date")?;
    let html = comrak::markdown_to_html(&a.body, options);
    write!(
        out,
        "\t<item>\n\t\t<title>{}</title>\n\t\t<link>{SITE}/{}/{}/</link>\n\
         \t\t<pubDate>{}</pubDate>\n\t\t<dc:creator>{}</dc:creator>\n\
         \t\t<guid isPermaLink=\"false\">{SITE}/?p={id}</guid>\n\t\t<description></description>\n\
         \t\t<content:encoded>{}</content:encoded>\n\t\t<excerpt:encoded>{}</excerpt:encoded>\n\
         \t\t<wp:post_id>{id}</wp:post_id>\n\t\t<wp:post_date>{}</wp:post_date>\n\
         \t\t<wp:post_date_gmt>{}</wp:post_date_gmt>\n\
         \t\t<wp:comment_status>closed</wp:comment_status>\n\
         \t\t<wp:post_name>{}</wp:post_name>\n\t\t<wp:status>publish</wp:status>\n\
         \t\t<wp:post_parent>0</wp:post_parent>\n\t\t<wp:menu_order>0</wp:menu_order>\n\
         \t\t<wp:post_type>post</wp:post_type>\n\t\t<wp:is_sticky>0</wp:is_sticky>\n",
        cdata(&a.title),
        date.format("%Y/%m/%d"),
        a.slug,
        date.format("%a, %d %b %Y %H:%M:%S +0000"),
        cdata(&a.authors[0]),
        cdata(&html),
        cdata(&a.summary),
        cdata(&date.format("%Y-%m-%d %H:%M:%S").to_string()),
        cdata(&date.format("%Y-%m-%d %H:%M:%S").to_string()),
        cdata(&a.slug),
    )?;
    for name in a.regions.iter().chain(&a.themes) {
        writeln!(
            out,
            "\t\t<category domain=\"{}\" nicename=\"{}\">{}</category>",
            region_or_theme(name, filing),
            slugify(name),
            cdata(name)
        )?;
    }
    for tag in &a.tags {
        writeln!(
            out,
            "\t\t<category domain=\"post_tag\" nicename=\"{tag}\">{}</category>",
            cdata(tag)
        )?;
    }
    out.write_all(b"\t</item>\n")?;
    Ok(())
}

/// How many posts make a file of about `bytes`, from the size of the first hundred.
pub fn posts_for_size(corpus: &Corpus, bytes: u64) -> anyhow::Result<usize> {
    let mut sample = Vec::new();
    let options = comrak::Options::default();
    for i in 0..100 {
        write_item(corpus, i, Filing::Categories, &options, &mut sample)?;
    }
    Ok((bytes / (sample.len() as u64 / 100).max(1)) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_wxr_with_every_post() {
        let corpus = Corpus::new(20, 3);
        let dir = std::env::temp_dir().join(format!("bench-wxr-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("export.xml");
        let size = write(&corpus, 20, &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(size as usize, text.len());
        assert_eq!(text.matches("<item>").count(), 20);
        assert_eq!(text.matches("<wp:author>").count(), corpus.authors.len());
        assert!(text.contains("<wp:wxr_version>1.2</wp:wxr_version>"));
        let first = corpus.article(0);
        assert!(text.contains(&format!("<wp:post_name><![CDATA[{}]]></wp:post_name>", first.slug)));
        assert!(text.contains("<h2>") && text.contains("<blockquote>"), "bodies are HTML");
        assert_eq!(cdata("a]]>b"), "<![CDATA[a]]]]><![CDATA[>b]]>");
    }

    #[test]
    fn regions_and_themes_can_be_taxonomies_of_their_own() {
        let corpus = Corpus::new(10, 3);
        let mut out = Vec::new();
        write_channel_head(&corpus, Filing::Taxonomies, &mut out).unwrap();
        let options = comrak::Options::default();
        for i in 0..10 {
            write_item(&corpus, i, Filing::Taxonomies, &options, &mut out).unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("<wp:category>") && !text.contains("domain=\"category\""));
        let terms = REGIONS.len() + THEMES.len();
        assert_eq!(text.matches("<wp:term>").count(), terms);
        let first = corpus.article(0);
        let region = slugify(first.regions[0]);
        assert!(text.contains(&format!("domain=\"regions\" nicename=\"{region}\"")));
        let theme = slugify(first.themes[0]);
        assert!(text.contains(&format!("domain=\"themes\" nicename=\"{theme}\"")));
    }
}
