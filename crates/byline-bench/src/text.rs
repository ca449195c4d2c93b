//! Deterministic pseudo-random text: the same seed always gives the same corpus, on every
//! machine and with every Rust version (no `rand`, whose streams may change between releases).

/// SplitMix64: small, fast, and fully specified, so a seed names one corpus forever.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    pub fn range(&mut self, low: usize, high: usize) -> usize {
        low + (self.next_u64() % (high - low + 1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }

    /// Between `min` and `max` distinct indexes below `len`.
    pub fn some(&mut self, min: usize, max: usize, len: usize) -> Vec<usize> {
        let count = self.range(min, max);
        self.distinct(count, len)
    }

    /// `count` distinct indexes below `len`, in the order drawn.
    pub fn distinct(&mut self, count: usize, len: usize) -> Vec<usize> {
        let mut chosen = Vec::with_capacity(count);
        while chosen.len() < count.min(len) {
            let i = self.range(0, len - 1);
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen
    }
}

#[rustfmt::skip]
const WORDS: &[&str] = &[
    "state", "border", "energy", "grain", "water", "election", "budget", "court", "media",
    "reform", "pipeline", "harvest", "migration", "remittance", "parliament", "coalition",
    "ministry", "province", "valley", "river", "market", "tariff", "contract", "drought",
    "railway", "port", "corridor", "exile", "newsroom", "archive", "census", "village", "city",
    "region", "commission", "treaty", "dialogue", "observer", "mandate", "policy", "subsidy",
    "inflation", "currency", "bank", "union", "strike", "factory", "mine", "glacier", "reservoir",
    "dam", "customs", "license", "audience", "platform", "language", "school", "hospital",
    "pension", "wage", "debt", "loan", "investor", "donor", "aid", "sanction", "export", "import",
    "price", "supply", "demand", "network", "grid", "station", "shipping", "cargo", "route", "the",
    "of", "and", "in", "to", "a", "for", "with", "on", "that", "is", "was", "by", "from", "its",
    "their", "as", "at", "which", "has", "over", "more", "than", "after", "between", "quietly",
    "slowly", "largely", "again", "still", "already", "often", "rarely", "new", "old", "local",
    "national", "regional", "foreign", "public", "private", "small", "long", "short",
];

#[rustfmt::skip]
const TITLE_WORDS: &[&str] = &[
    "Border", "Energy", "Grain", "Water", "Election", "Budget", "Court", "Media", "Reform",
    "Pipeline", "Harvest", "Migration", "Remittances", "Parliament", "Coalition", "Valley",
    "River", "Market", "Tariffs", "Drought", "Railway", "Port", "Corridor", "Exile", "Newsroom",
    "Census", "Villages", "Treaty", "Observers", "Subsidies", "Inflation", "Currency", "Strikes",
    "Mines", "Glaciers", "Dams", "Customs", "Audiences", "Schools", "Pensions", "Debt", "Donors",
    "Sanctions", "Exports", "Prices", "Grids", "Shipping", "Cargo", "Routes",
];

#[rustfmt::skip]
const TITLE_SHAPES: &[&str] = &[
    "{a} and the Politics of {b}", "The Long Road from {a} to {b}",
    "Why {a} Matters More Than {b}", "{a}, {b} and the State", "After the {a}: What Comes for {b}",
    "How {a} Quietly Reshaped {b}",
];

/// A headline made of two topic words.
pub fn title(rng: &mut Rng) -> String {
    let shape = rng.pick(TITLE_SHAPES);
    let a = rng.pick(TITLE_WORDS);
    let mut b = rng.pick(TITLE_WORDS);
    while b == a {
        b = rng.pick(TITLE_WORDS);
    }
    shape.replace("{a}", a).replace("{b}", b)
}

/// One sentence of 8 to 22 words, capitalised, with a full stop.
pub fn sentence(rng: &mut Rng) -> String {
    let n = rng.range(8, 22);
    let mut s = String::new();
    for i in 0..n {
        let w = rng.pick(WORDS);
        if i == 0 {
            let mut c = w.chars();
            if let Some(first) = c.next() {
                s.extend(first.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

pub fn paragraph(rng: &mut Rng, sentences: usize) -> String {
    (0..sentences).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

/// An article body of about `paragraphs` paragraphs: sections with headings, emphasis, a list,
/// a quotation and a link, which is what long-form analysis looks like in Markdown.
pub fn body(rng: &mut Rng, paragraphs: usize) -> String {
    let mut out = String::new();
    for p in 0..paragraphs {
        if p > 0 && p % 4 == 0 {
            let heading = title(rng);
            out.push_str(&format!("## {heading}\n\n"));
        }
        let sentences = rng.range(3, 6);
        let mut para = paragraph(rng, sentences);
        if p == 1 {
            para.push_str(
                " As one *official* put it, the **details** matter more than the summit.",
            );
        }
        if p == 2 {
            para.push_str(" The [full report](https://example.org/reports/annual) is public.");
        }
        out.push_str(&para);
        out.push_str("\n\n");
        if p == 3 {
            for _ in 0..3 {
                out.push_str(&format!("- {}\n", sentence(rng)));
            }
            out.push('\n');
        }
        if p == 5 {
            out.push_str(&format!("> {}\n\n", paragraph(rng, 2)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_names_one_text() {
        let a = body(&mut Rng::new(7), 8);
        let b = body(&mut Rng::new(7), 8);
        let c = body(&mut Rng::new(8), 8);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.contains("## ") && a.contains("\n- ") && a.contains("\n> "));
    }

    #[test]
    fn distinct_draws_are_distinct() {
        let mut rng = Rng::new(1);
        let picks = rng.distinct(5, 6);
        let mut sorted = picks.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 5);
    }
}
