//! The same corpus as a Hugo site, for timing `hugo` against `byline export static`: the very
//! same article files under `content/articles/`, the four taxonomies declared in the config,
//! author bios as the authors' term pages, and a small layout of our own (no theme download)
//! that renders what Byline's pages show: byline, date, terms, summary, body, paginated lists.

use crate::corpus::Corpus;
use std::fs;
use std::path::Path;

const CONFIG: &str = r#"baseURL = "http://127.0.0.1/"
title = "The Bench Review"
languageCode = "en"
paginate = 10
enableRobotsTXT = true

[taxonomies]
author = "authors"
region = "regions"
theme = "themes"
tag = "tags"
"#;

const BASEOF: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}
</head>
<body>
<header><a href="/">{{ site.Title }}</a>
<nav>{{ range $name, $terms := site.Taxonomies }}<a href="/{{ $name }}/">{{ $name | humanize }}</a> {{ end }}</nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>© {{ site.Title }}</footer>
</body>
</html>
"#;

const SINGLE: &str = r#"{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p class="byline">By {{ range $i, $a := .GetTerms "authors" }}{{ if $i }}, {{ end }}<a href="{{ $a.RelPermalink }}">{{ $a.LinkTitle }}</a>{{ end }}
· <time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2 January 2006" }}</time></p>
<p class="summary">{{ .Params.summary }}</p>
{{ .Content }}
<footer>
{{ range $tax := slice "regions" "themes" "tags" }}<p>{{ $tax | humanize }}: {{ range $.GetTerms $tax }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>{{ end }}
</footer>
</article>{{ end }}
"#;

const LIST: &str = r#"{{ define "main" }}<h1>{{ if .IsHome }}Latest{{ else }}{{ .Title }}{{ end }}</h1>
{{ .Content }}
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = where site.RegularPages "Section" "articles" }}{{ end }}
{{ $pager := .Paginate $pages }}
<ul>{{ range $pager.Pages }}<li><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>By {{ range $i, $a := .GetTerms "authors" }}{{ if $i }}, {{ end }}<a href="{{ $a.RelPermalink }}">{{ $a.LinkTitle }}</a>{{ end }} · {{ .Date.Format "2 January 2006" }}</p>
<p>{{ .Params.summary }}</p></li>{{ end }}</ul>
<nav>{{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }} {{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}</nav>
{{ end }}
"#;

const TERMS: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
"#;

/// Writes the Hugo site for `corpus` into `dir`.
pub fn write_site(corpus: &Corpus, dir: &Path) -> anyhow::Result<()> {
    let layouts = dir.join("layouts/_default");
    fs::create_dir_all(&layouts)?;
    fs::write(dir.join("config.toml"), CONFIG)?;
    fs::write(layouts.join("baseof.html"), BASEOF)?;
    fs::write(layouts.join("single.html"), SINGLE)?;
    fs::write(layouts.join("list.html"), LIST)?;
    fs::write(layouts.join("terms.html"), TERMS)?;
    for a in &corpus.authors {
        let folder = dir.join("content/authors").join(&a.slug);
        fs::create_dir_all(&folder)?;
        let text = format!("---\ntitle: {:?}\n---\n{}\n", a.name, a.bio);
        fs::write(folder.join("_index.md"), text)?;
    }
    corpus.write_articles(&dir.join("content/articles"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_config_layouts_and_content() {
        let dir = std::env::temp_dir().join(format!("bench-hugo-test-{}", std::process::id()));
        let corpus = Corpus::new(5, 3);
        write_site(&corpus, &dir).unwrap();
        assert!(dir.join("config.toml").is_file());
        assert!(dir.join("layouts/_default/single.html").is_file());
        let articles = fs::read_dir(dir.join("content/articles")).unwrap().count();
        assert_eq!(articles, 5);
        let author = &corpus.authors[0].slug;
        assert!(dir.join("content/authors").join(author).join("_index.md").is_file());
        fs::remove_dir_all(&dir).unwrap();
    }
}
