//! Running a search on the index: the query (words on every text field with typos allowed,
//! quoted phrases, the whole text as a phrase ranked first), filters, order, snippets,
//! facet counts, and "did you mean".

use crate::SearchError;
use crate::doc::unlabel;
use crate::index::SearchIndex;
use crate::query::{MAX_PAGE, PER_PAGE, Parsed, SearchRequest, Sort, parse, typo_distance};
use crate::results::{FacetCount, Facets, FiledTerm, Hit, Named, SearchResults, TermFacet};
use crate::schema::{PLAIN, SEP, STEMMED, tokens};
use chrono::DateTime;
use tantivy::collector::{Count, FacetCollector, FacetCounts, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, FuzzyTermQuery, Occur, PhraseQuery, Query, QueryClone,
    Scorer, TermQuery,
};
use tantivy::schema::{Facet, Field, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, DocSet, Order, Searcher, TantivyDocument, Term};

/// Characters of text a snippet shows.
const SNIPPET_CHARS: usize = 220;
/// Values shown per facet group.
const FACET_VALUES: usize = 20;
/// How many of the best matches by their words are ranked again with the words side by
/// side: every result a reader can page to, so pages never overlap.
const RANKED_CANDIDATES: usize = MAX_PAGE * PER_PAGE;

/// A search's query in the parts it is run in.
struct Ranked {
    /// What must match (words, phrases, filters), scored: what is counted and faceted.
    core: Box<dyn Query>,
    /// The words as typed side by side, when there are several: a bonus to the score of
    /// the matches that have them. Matching it costs reading the words' positions, so
    /// relevance order asks it only of the best [`RANKED_CANDIDATES`] matches.
    phrase: Option<BooleanQuery>,
    /// Both as one query (`core` required, `phrase` optional), for snippets and the
    /// newsroom's search.
    full: Box<dyn Query>,
}

/// The candidates again, in the order of the full query: each one's score plus the side by
/// side bonus where it has one (the sum the full query gives), best first, ties by address.
fn rank_side_by_side(
    searcher: &Searcher,
    phrase: &BooleanQuery,
    candidates: Vec<(f32, DocAddress)>,
) -> Result<Vec<DocAddress>, SearchError> {
    let weight = phrase.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut scored = candidates;
    let mut order: Vec<usize> = (0..scored.len()).collect();
    order.sort_by_key(|&i| scored[i].1);
    let mut segment = None;
    let mut scorer = None;
    for i in order {
        let addr = scored[i].1;
        if segment != Some(addr.segment_ord) {
            segment = Some(addr.segment_ord);
            let reader = searcher.segment_reader(addr.segment_ord);
            scorer = Some(weight.scorer(reader, 1.0)?);
        }
        let Some(s) = scorer.as_mut() else { continue };
        if s.doc() < addr.doc_id {
            s.seek(addr.doc_id);
        }
        if s.doc() == addr.doc_id {
            scored[i].0 += s.score();
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    Ok(scored.into_iter().map(|(_, a)| a).collect())
}

impl SearchIndex {
    /// Runs a search. Never fails on what the reader typed: empty text gives no hits.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        let parsed = parse(&req.q);
        let page = req.page.clamp(1, MAX_PAGE);
        let mut out = SearchResults {
            query: parsed.text.clone(),
            cut: parsed.cut,
            page,
            per_page: PER_PAGE,
            engine: "index",
            ..Default::default()
        };
        let Some(query) = self.query(&parsed, req)? else {
            return Ok(out);
        };
        let searcher = self.reader.searcher();
        let mut facets = FacetCollector::for_field("facets");
        facets.add_facet(Facet::from_path(["author"]));
        facets.add_facet(Facet::from_path(["year"]));
        for t in &req.taxonomies {
            facets.add_facet(Facet::from_path(["t", t.as_str()]));
        }
        let offset = (page - 1) * PER_PAGE;
        let top = TopDocs::with_limit(PER_PAGE).and_offset(offset);
        let (total, counts, addrs): (usize, FacetCounts, Vec<DocAddress>) = match req.sort {
            Sort::Relevance => match &query.phrase {
                None => {
                    let (n, c, docs) =
                        searcher.search(&query.core, &(Count, facets, top.order_by_score()))?;
                    (n, c, docs.into_iter().map(|(_, a)| a).collect())
                }
                Some(phrase) => {
                    let candidates = TopDocs::with_limit(RANKED_CANDIDATES).order_by_score();
                    let (n, c, docs) =
                        searcher.search(&query.core, &(Count, facets, candidates))?;
                    let ranked = rank_side_by_side(&searcher, phrase, docs)?;
                    (n, c, ranked.into_iter().skip(offset).take(PER_PAGE).collect())
                }
            },
            Sort::Date => {
                let by_date = top.order_by_fast_field::<i64>("date", Order::Desc);
                let (n, c, docs) = searcher.search(&query.core, &(Count, facets, by_date))?;
                (n, c, docs.into_iter().map(|(_, a)| a).collect())
            }
        };
        out.total = total as u64;
        out.facets = facet_counts(&counts, &req.taxonomies);
        out.hits = self.hits(&searcher, &*query.full, &addrs)?;
        if total == 0 {
            out.suggestion = self.suggest(&searcher, &parsed)?;
        }
        Ok(out)
    }

    /// The tantivy query for the parsed text and the filters, over what readers may find
    /// (published articles and pages); `None` when the text holds no word at all.
    fn query(&self, p: &Parsed, req: &SearchRequest) -> Result<Option<Ranked>, SearchError> {
        let f = &self.fields;
        let mut filters: Vec<String> = req.terms.iter().map(|(t, s)| format!("{t}={s}")).collect();
        filters.extend(req.author.as_ref().map(|a| format!("author={a}")));
        filters.extend(req.year.map(|y| format!("year={y}")));
        filters.push("status=published".to_owned());
        self.text_query(p, &[f.body], &filters)
    }

    /// The articles of any status but trash whose title, subtitle, excerpt, whole body
    /// (gated or not), authors or terms match `q`, best first, at most `limit`: the
    /// newsroom's search. The caller decides which of them its user may see.
    pub fn newsroom_search(&self, q: &str, limit: usize) -> Result<Vec<i64>, SearchError> {
        let parsed = parse(q);
        let filters = ["kind=article".to_owned()];
        let bodies = [self.fields.body, self.fields.newsroom];
        let Some(query) = self.text_query(&parsed, &bodies, &filters)? else {
            return Ok(Vec::new());
        };
        let searcher = self.reader.searcher();
        let top = TopDocs::with_limit(limit.max(1)).order_by_score();
        let mut ids = Vec::new();
        for (_, addr) in searcher.search(&query.full, &top)? {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let key = doc.get_first(self.fields.key).and_then(|v| v.as_str()).unwrap_or("");
            ids.extend(key.strip_prefix("article:").and_then(|id| id.parse::<i64>().ok()));
        }
        Ok(ids)
    }

    /// Words (typos allowed) and phrases over the text fields, `bodies` standing for the
    /// body fields to search, with each of `filters` required.
    fn text_query(
        &self,
        p: &Parsed,
        bodies: &[Field],
        filters: &[String],
    ) -> Result<Option<Ranked>, SearchError> {
        let f = &self.fields;
        let mut analyzer = self.index.tokenizers().get(STEMMED).ok_or(SearchError::NoAnalyzer)?;
        let mut weighted = vec![(f.title, 3.0), (f.subtitle, 2.0), (f.excerpt, 1.5)];
        weighted.extend(bodies.iter().map(|b| (*b, 1.0)));
        weighted.extend([(f.authors, 2.0), (f.terms, 2.0)]);
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut all_tokens = Vec::new();
        for word in &p.words {
            let distance = typo_distance(word);
            for t in tokens(&mut analyzer, word) {
                let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for &(field, boost) in &weighted {
                    let term = Term::from_field_text(field, &t);
                    any.push((
                        Occur::Should,
                        boosted(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs), boost),
                    ));
                    let typos = field == f.title || field == f.excerpt || bodies.contains(&field);
                    if distance > 0 && typos {
                        // A typo counts for less than the word itself.
                        any.push((
                            Occur::Should,
                            boosted(FuzzyTermQuery::new(term, distance, true), 0.3 * boost),
                        ));
                    }
                }
                must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
                all_tokens.push(t);
            }
        }
        for phrase in &p.phrases {
            let toks = tokens(&mut analyzer, phrase);
            let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for &(field, boost) in &weighted {
                any.push((Occur::Should, phrase_or_term(field, &toks, boost)));
            }
            if !toks.is_empty() {
                must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
            }
        }
        if must.is_empty() {
            return Ok(None);
        }
        for fl in filters {
            let q = TermQuery::new(Term::from_field_text(f.filters, fl), IndexRecordOption::Basic);
            must.push((Occur::Must, boosted(q, 0.0)));
        }
        // The words as typed, side by side, rank first.
        let mut side_by_side: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if all_tokens.len() > 1 {
            let bodies = bodies.iter().map(|b| (*b, 3.0));
            for (field, boost) in [(f.title, 6.0), (f.excerpt, 3.0)].into_iter().chain(bodies) {
                side_by_side.push((Occur::Should, phrase_or_term(field, &all_tokens, boost)));
            }
        }
        let core = BooleanQuery::new(must);
        let full = {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Must, Box::new(core.clone()))];
            clauses.extend(side_by_side.iter().map(|(o, q)| (*o, q.box_clone())));
            BooleanQuery::new(clauses)
        };
        let phrase = (!side_by_side.is_empty()).then(|| BooleanQuery::new(side_by_side));
        Ok(Some(Ranked { core: Box::new(core), phrase, full: Box::new(full) }))
    }

    fn hits(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        addrs: &[DocAddress],
    ) -> Result<Vec<Hit>, SearchError> {
        let f = &self.fields;
        let mut body = SnippetGenerator::create(searcher, query, f.body)?;
        body.set_max_num_chars(SNIPPET_CHARS);
        let mut excerpt = SnippetGenerator::create(searcher, query, f.excerpt)?;
        excerpt.set_max_num_chars(SNIPPET_CHARS);
        let mut hits = Vec::with_capacity(addrs.len());
        for addr in addrs {
            let doc: TantivyDocument = searcher.doc(*addr)?;
            let text = |field: Field| {
                doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_owned()
            };
            let all = |field: Field| {
                doc.get_all(field).filter_map(|v| v.as_str()).map(str::to_owned).collect::<Vec<_>>()
            };
            let mut snippet = excerpt.snippet_from_doc(&doc);
            if snippet.is_empty() {
                let from_body = body.snippet_from_doc(&doc);
                if !from_body.is_empty() {
                    snippet = from_body;
                }
            }
            snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
            let snippet_html = if snippet.fragment().is_empty() {
                // No word matched in the excerpt or body text: the start of the excerpt.
                let mut s = excerpt.snippet(&text(f.excerpt));
                s.set_snippet_prefix_postfix("<mark>", "</mark>");
                s.to_html()
            } else {
                snippet.to_html()
            };
            let kind = if text(f.kind) == "page" { "page" } else { "article" };
            hits.push(Hit {
                kind,
                slug: text(f.slug),
                title: text(f.title),
                subtitle: Some(text(f.subtitle)).filter(|s| !s.is_empty()),
                snippet_html,
                authors: all(f.byline)
                    .iter()
                    .filter_map(|v| v.split_once(SEP))
                    .map(|(slug, name)| Named { slug: slug.into(), name: name.into() })
                    .collect(),
                terms: all(f.filed)
                    .iter()
                    .filter_map(|v| {
                        let mut p = v.split(SEP);
                        Some(FiledTerm {
                            taxonomy: p.next()?.into(),
                            taxonomy_name: p.next()?.into(),
                            slug: p.next()?.into(),
                            name: p.next()?.into(),
                        })
                    })
                    .collect(),
                published_at: (kind == "article")
                    .then(|| doc.get_first(f.date).and_then(|v| v.as_i64()))
                    .flatten()
                    .and_then(|s| DateTime::from_timestamp(s, 0)),
                access: text(f.access),
            });
        }
        Ok(hits)
    }

    /// The query with each unknown word replaced by the indexed word closest to it (within
    /// two edits, the most common of those); `None` if nothing would change.
    fn suggest(&self, searcher: &Searcher, p: &Parsed) -> Result<Option<String>, SearchError> {
        let mut plain = self.index.tokenizers().get(PLAIN).ok_or(SearchError::NoAnalyzer)?;
        let field = self.fields.words;
        let mut changed = false;
        let mut out = Vec::new();
        for word in p.words.iter().chain(&p.phrases) {
            for t in tokens(&mut plain, word) {
                let term = Term::from_field_text(field, &t);
                if searcher.doc_freq(&term)? > 0 || t.chars().count() < 3 {
                    out.push(t);
                    continue;
                }
                let automaton = FuzzyTermQuery::new(term, 2, true).automaton()?;
                let mut best: Option<(u32, String)> = None;
                for segment in searcher.segment_readers() {
                    let inverted = segment.inverted_index(field)?;
                    let mut stream = inverted
                        .terms()
                        .search(&automaton)
                        .into_stream()
                        .map_err(|e| SearchError::io(&self.dir, e))?;
                    while stream.advance() {
                        let freq = stream.value().doc_freq;
                        let key = String::from_utf8_lossy(stream.key()).into_owned();
                        if best.as_ref().is_none_or(|(f, k)| freq > *f || (freq == *f && key < *k))
                        {
                            best = Some((freq, key));
                        }
                    }
                }
                match best {
                    Some((_, w)) => {
                        changed = true;
                        out.push(w);
                    }
                    None => out.push(t),
                }
            }
        }
        Ok(changed.then(|| out.join(" ")))
    }
}

fn boosted(q: impl Query + 'static, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(Box::new(q), boost))
}

fn phrase_or_term(field: Field, toks: &[String], boost: f32) -> Box<dyn Query> {
    let terms: Vec<Term> = toks.iter().map(|t| Term::from_field_text(field, t)).collect();
    if terms.len() == 1 {
        boosted(TermQuery::new(terms[0].clone(), IndexRecordOption::WithFreqs), boost)
    } else {
        boosted(PhraseQuery::new(terms), boost)
    }
}

fn facet_counts(counts: &FacetCounts, taxonomies: &[String]) -> Facets {
    let values = |root: Facet| -> Vec<FacetCount> {
        let mut v: Vec<FacetCount> = counts
            .get(root)
            .filter_map(|(facet, count)| {
                let (value, name) = unlabel(facet.to_path().last()?);
                Some(FacetCount { value, name, count })
            })
            .collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        v.truncate(FACET_VALUES);
        v
    };
    let mut years = values(Facet::from_path(["year"]));
    years.sort_by(|a, b| b.value.cmp(&a.value));
    Facets {
        terms: taxonomies
            .iter()
            .map(|t| TermFacet {
                taxonomy: t.clone(),
                values: values(Facet::from_path(["t", t.as_str()])),
            })
            .collect(),
        authors: values(Facet::from_path(["author"])),
        years,
    }
}
