//! Reading a WXR file (WordPress eXtended RSS, versions 1.0 to 1.2) as a stream: one record
//! (an author, a term, an item) at a time, so memory stays flat whatever the file's size.
//! Each record carries the line it starts on; a file that stops being XML ends the stream
//! with the line and reason, after every record before it was handed out.

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use std::io::BufRead;

/// One element of a record, with its text (CDATA and entities resolved) and children.
#[derive(Debug, Default, Clone)]
pub(crate) struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The trimmed text of the first child called `name`, or "".
    pub fn text_of(&self, name: &str) -> String {
        self.child(name).map(|c| c.text.trim().to_owned()).unwrap_or_default()
    }

    /// The text of the first child called `name` as written (only line ends normalised).
    pub fn raw_of(&self, name: &str) -> String {
        self.child(name).map(|c| c.text.replace("\r\n", "\n")).unwrap_or_default()
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// A record of the file, with the line its element opens on.
#[derive(Debug)]
pub(crate) struct Record {
    pub line: usize,
    pub node: Node,
}

/// Why reading stopped before the end of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadError {
    pub line: usize,
    pub message: String,
}

/// Elements read whole wherever they appear (outside another record).
const RECORDS: &[&str] = &["item", "wp:author", "wp:category", "wp:tag", "wp:term"];
/// The channel's own fields, read when directly inside the channel.
const CHANNEL_FIELDS: &[&str] =
    &["wp:wxr_version", "wp:base_site_url", "wp:base_blog_url", "title", "link"];

pub(crate) struct Wxr<R: BufRead> {
    reader: Reader<R>,
    buf: Vec<u8>,
    /// Lines read so far (newlines seen).
    newlines: usize,
    /// Open elements outside the record being built.
    stack: Vec<String>,
    /// The record being built: its open elements, outermost first, and its first line.
    building: Vec<Node>,
    start_line: usize,
    finished: bool,
}

impl<R: BufRead> Wxr<R> {
    pub fn new(input: R) -> Self {
        let mut reader = Reader::from_reader(input);
        reader.config_mut().trim_text(false);
        Self {
            reader,
            buf: Vec::with_capacity(64 * 1024),
            newlines: 0,
            stack: Vec::new(),
            building: Vec::new(),
            start_line: 0,
            finished: false,
        }
    }

    /// Bytes read so far (for a progress bar).
    pub fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    /// The next record; `Ok(None)` at the end of the file; an error once, after which the
    /// stream is over.
    pub fn next_record(&mut self) -> Result<Option<Record>, ReadError> {
        if self.finished {
            return Ok(None);
        }
        loop {
            self.buf.clear();
            let line_before = self.newlines + 1;
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(e) => e.into_owned(),
                Err(e) => {
                    self.finished = true;
                    return Err(ReadError { line: line_before, message: xml_reason(&e) });
                }
            };
            self.newlines += memchr_count(&event);
            match event {
                Event::Start(s) => self.open(&s, line_before),
                Event::Empty(s) => {
                    self.open(&s, line_before);
                    if let Some(r) = self.close() {
                        return Ok(Some(r));
                    }
                }
                Event::End(_) => {
                    if let Some(r) = self.close() {
                        return Ok(Some(r));
                    }
                }
                Event::Text(t) => self.push_text(&String::from_utf8_lossy(&t)),
                Event::CData(c) => self.push_text(&String::from_utf8_lossy(&c)),
                Event::GeneralRef(r) => {
                    let name = String::from_utf8_lossy(&r).into_owned();
                    let text = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => match resolve_predefined_entity(&name) {
                            Some(s) => s.to_owned(),
                            None => format!("&{name};"),
                        },
                    };
                    self.push_text(&text);
                }
                Event::Eof => {
                    self.finished = true;
                    if let Some(open) = self.building.first() {
                        let message = format!("the file ends inside <{}>", open.name);
                        return Err(ReadError { line: self.start_line, message });
                    }
                    if let Some(open) = self.stack.last() {
                        let message = format!("the file ends before </{open}>");
                        return Err(ReadError { line: self.newlines + 1, message });
                    }
                    return Ok(None);
                }
                _ => {}
            }
        }
    }

    fn open(&mut self, s: &BytesStart<'_>, line: usize) {
        let name = String::from_utf8_lossy(s.name().as_ref()).into_owned();
        let attrs = s
            .attributes()
            .flatten()
            .map(|a| {
                let k = String::from_utf8_lossy(a.key.as_ref()).into_owned();
                let raw = String::from_utf8_lossy(&a.value).into_owned();
                let v = match quick_xml::escape::unescape(&raw) {
                    Ok(v) => v.into_owned(),
                    Err(_) => raw,
                };
                (k, v)
            })
            .collect();
        let node = Node { name, attrs, ..Default::default() };
        let starts = !self.building.is_empty()
            || RECORDS.contains(&node.name.as_str())
            || (self.stack.len() == 2 && CHANNEL_FIELDS.contains(&node.name.as_str()));
        if starts {
            if self.building.is_empty() {
                self.start_line = line;
            }
            self.building.push(node);
        } else {
            self.stack.push(node.name);
        }
    }

    fn close(&mut self) -> Option<Record> {
        let Some(done) = self.building.pop() else {
            self.stack.pop();
            return None;
        };
        match self.building.last_mut() {
            Some(parent) => {
                parent.children.push(done);
                None
            }
            None => Some(Record { line: self.start_line, node: done }),
        }
    }

    fn push_text(&mut self, text: &str) {
        if let Some(n) = self.building.last_mut() {
            n.text.push_str(text);
        }
    }
}

fn memchr_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// quick-xml's error in words a user can act on.
fn xml_reason(e: &quick_xml::Error) -> String {
    use quick_xml::errors::{Error, IllFormedError};
    match e {
        Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
            format!("the closing tag </{found}> does not match the open <{expected}>")
        }
        Error::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
            format!("the closing tag </{name}> closes nothing")
        }
        other => format!("not well-formed XML: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(xml: &str) -> (Vec<Record>, Option<ReadError>) {
        let mut w = Wxr::new(xml.as_bytes());
        let mut out = Vec::new();
        loop {
            match w.next_record() {
                Ok(Some(r)) => out.push(r),
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    #[test]
    fn records_come_with_their_lines_and_text() {
        let xml = "<?xml version=\"1.0\"?>\n<rss><channel>\n<wp:wxr_version>1.2</wp:wxr_version>\n\
            <title>Site</title>\n<item>\n<title>A &amp; B &#233;</title>\n\
            <content:encoded><![CDATA[<p>x]]]]><![CDATA[>y</p>]]></content:encoded>\n\
            <category domain=\"post_tag\" nicename=\"t\"><![CDATA[T]]></category>\n</item>\n\
            </channel></rss>\n";
        let (records, err) = all(xml);
        assert_eq!(err, None);
        let names: Vec<_> = records.iter().map(|r| (r.node.name.as_str(), r.line)).collect();
        assert_eq!(names, [("wp:wxr_version", 3), ("title", 4), ("item", 5)]);
        let item = &records[2].node;
        assert_eq!(item.text_of("title"), "A & B é");
        assert_eq!(item.raw_of("content:encoded"), "<p>x]]>y</p>");
        assert_eq!(item.child("category").unwrap().attr("domain"), Some("post_tag"));
    }

    #[test]
    fn a_broken_file_says_where_after_what_came_before() {
        let xml = "<rss><notachannel>\n<wp:author><wp:author_login>a</wp:author_login></wp:author>\n\
            </channel>\n<item><title>never</title></item></rss>";
        let (records, err) = all(xml);
        assert_eq!(records.len(), 1);
        let err = err.unwrap();
        assert_eq!(err.line, 3, "{err:?}");
        assert!(err.message.contains("</channel>"), "{err:?}");
        let (_, err) = all("<rss><channel>\n<item><title>cut</title>\n");
        assert!(err.unwrap().message.contains("ends inside <item>"));
    }
}
