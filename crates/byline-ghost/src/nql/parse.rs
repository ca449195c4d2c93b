//! NQL text into a tree: a hand-written recursive-descent parser that says where it
//! stopped understanding.
//!
//! ```text
//! or      := and ( ',' and )*
//! and     := term ( '+' term )*
//! term    := '(' or ')' | field ':' '-'? op? ( '[' value ( ',' value )* ']' | value )
//! op      := '>=' | '<=' | '>' | '<' | '~^' | '~$' | '~'
//! value   := 'quoted' | "quoted" | bare
//! ```
//!
//! A bare value runs to the next space, `,`, `+`, `(`, `)`, `[` or `]`; `null`, `true`,
//! `false`, numbers and `now`, `now-30d` (units y M w d h m s) are literals.

use super::{Cond, Expr, Literal, NqlError, Op, Relative};

/// At most this deep in parentheses (a filter is a query string, not a program).
const MAX_DEPTH: usize = 32;

pub fn parse(text: &str) -> Result<Expr, NqlError> {
    let mut p = Parser { chars: text.chars().collect(), at: 0, depth: 0 };
    p.skip_space();
    if p.peek().is_none() {
        return Err(NqlError::new(0, "the filter is empty"));
    }
    let expr = p.or()?;
    p.skip_space();
    match p.peek() {
        None => Ok(expr),
        Some(')') => Err(p.error("a closing parenthesis without an opening one")),
        Some(c) => Err(p.error(format!("unexpected {c:?}; expected ',' (or) or '+' (and)"))),
    }
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek2(&self) -> Option<char> {
        self.chars.get(self.at + 1).copied()
    }

    fn error(&self, message: impl Into<String>) -> NqlError {
        NqlError::new(self.at, message)
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, NqlError> {
        let mut items = vec![self.and()?];
        while self.eat(',') {
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 { items.pop().expect("one item") } else { Expr::Or(items) })
    }

    fn and(&mut self) -> Result<Expr, NqlError> {
        let mut items = vec![self.term()?];
        while self.eat('+') {
            items.push(self.term()?);
        }
        Ok(if items.len() == 1 { items.pop().expect("one item") } else { Expr::And(items) })
    }

    fn term(&mut self) -> Result<Expr, NqlError> {
        self.skip_space();
        if self.eat('(') {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(self.error(format!("parentheses nest deeper than {MAX_DEPTH}")));
            }
            let inner = self.or()?;
            if !self.eat(')') {
                return Err(self.error("a parenthesis is not closed"));
            }
            self.depth -= 1;
            return Ok(inner);
        }
        let at = self.at;
        let field = self.field()?;
        if self.peek() != Some(':') {
            return Err(self.error(format!("expected ':' after the field {field:?}")));
        }
        self.at += 1;
        let negated = if self.peek() == Some('-') && !self.negative_number_follows() {
            self.at += 1;
            true
        } else {
            false
        };
        let op = self.op();
        if self.peek() == Some('[') {
            if op != Op::Eq {
                return Err(self.error("a [list] cannot follow a comparison operator"));
            }
            self.at += 1;
            let mut values = vec![self.value()?];
            while self.eat(',') {
                values.push(self.value()?);
            }
            if !self.eat(']') {
                return Err(self.error("a [list] is not closed with ']'"));
            }
            return Ok(Expr::Cond(Cond { at, field, negated, op: Op::In, values }));
        }
        let values = vec![self.value()?];
        Ok(Expr::Cond(Cond { at, field, negated, op, values }))
    }

    /// `-5` after a colon is a number, not a negation (`count:-5` is unusual but valid).
    fn negative_number_follows(&self) -> bool {
        self.peek2().is_some_and(|c| c.is_ascii_digit())
            && self.chars[self.at + 1..]
                .iter()
                .take_while(|c| !is_delimiter(**c))
                .all(|c| c.is_ascii_digit() || *c == '.')
    }

    fn field(&mut self) -> Result<String, NqlError> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            self.at += 1;
        }
        if self.at == start {
            return Err(match self.peek() {
                None => self.error("the filter ends where a field name was expected"),
                Some(c) => self.error(format!("unexpected {c:?}; expected a field name")),
            });
        }
        Ok(self.chars[start..self.at].iter().collect())
    }

    fn op(&mut self) -> Op {
        let (op, len) = match (self.peek(), self.peek2()) {
            (Some('>'), Some('=')) => (Op::Gte, 2),
            (Some('<'), Some('=')) => (Op::Lte, 2),
            (Some('>'), _) => (Op::Gt, 1),
            (Some('<'), _) => (Op::Lt, 1),
            (Some('~'), Some('^')) => (Op::StartsWith, 2),
            (Some('~'), Some('$')) => (Op::EndsWith, 2),
            (Some('~'), _) => (Op::Contains, 1),
            _ => (Op::Eq, 0),
        };
        self.at += len;
        op
    }

    fn value(&mut self) -> Result<Literal, NqlError> {
        self.skip_space();
        match self.peek() {
            Some(q @ ('\'' | '"')) => self.quoted(q).map(Literal::Text),
            None => Err(self.error("the filter ends where a value was expected")),
            Some(c) if is_delimiter(c) => {
                Err(self.error(format!("unexpected {c:?}; expected a value")))
            }
            Some(_) => {
                let start = self.at;
                while self.peek().is_some_and(|c| !is_delimiter(c)) {
                    self.at += 1;
                }
                let word: String = self.chars[start..self.at].iter().collect();
                literal(&word).map_err(|m| NqlError::new(start, m))
            }
        }
    }

    fn quoted(&mut self, quote: char) -> Result<String, NqlError> {
        let start = self.at;
        self.at += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err(NqlError::new(start, "a quoted value is not closed")),
                Some('\\') => {
                    self.at += 1;
                    match self.peek() {
                        Some(c) => out.push(c),
                        None => return Err(NqlError::new(start, "a quoted value is not closed")),
                    }
                }
                Some(c) if c == quote => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(c) => out.push(c),
            }
            self.at += 1;
        }
    }
}

fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | '+' | '(' | ')' | '[' | ']' | '\'' | '"')
}

fn literal(word: &str) -> Result<Literal, String> {
    Ok(match word {
        "null" => Literal::Null,
        "true" => Literal::Bool(true),
        "false" => Literal::Bool(false),
        w if w == "now" || w.starts_with("now-") || w.starts_with("now+") => match relative(w) {
            Ok(r) => Literal::Relative(r),
            // `now-and-then` is a slug, not a date.
            Err(_) if w[4..].starts_with(|c: char| !c.is_ascii_digit()) => {
                Literal::Text(w.to_owned())
            }
            Err(e) => return Err(e),
        },
        w => match w.parse::<f64>() {
            Ok(n) if n.is_finite() && !w.contains(['e', 'E']) => Literal::Number(n),
            _ => Literal::Text(w.to_owned()),
        },
    })
}

/// `now`, `now-30d`, `now+1w`: units y, M (months), w, d, h, m (minutes), s.
fn relative(w: &str) -> Result<Relative, String> {
    let rest = &w[3..];
    if rest.is_empty() {
        return Ok(Relative { amount: 0, unit: 'd', raw: w.to_owned() });
    }
    let sign = if rest.starts_with('-') { -1 } else { 1 };
    let rest = &rest[1..];
    let unit = rest.chars().last().ok_or_else(|| format!("{w:?} has no amount"))?;
    if !matches!(unit, 'y' | 'M' | 'w' | 'd' | 'h' | 'm' | 's') {
        return Err(format!("{w:?}: the unit must be one of y, M, w, d, h, m, s"));
    }
    let digits = &rest[..rest.len() - unit.len_utf8()];
    let amount: i64 = digits.parse().ok().filter(|n: &i64| *n <= 100_000).ok_or_else(|| {
        format!("{w:?}: expected a whole number of at most 100000 before {unit:?}")
    })?;
    Ok(Relative { amount: sign * amount, unit, raw: w.to_owned() })
}
