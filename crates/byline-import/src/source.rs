//! Where files come from: a folder on disk, or the demo publication embedded in the binary.

use include_dir::{Dir, include_dir};
use std::path::Path;

static DEMO: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../demo");

/// A file to import: its path relative to the imported folder (with `/`), and its text or
/// why it could not be read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: Result<String, String>,
}

/// Folders that hold site machinery (themes, build output, dependencies), never content.
const SKIPPED_DIRS: [&str; 12] = [
    "node_modules",
    "public",
    "_site",
    "themes",
    "layouts",
    "_layouts",
    "_includes",
    "static",
    "resources",
    "target",
    "vendor",
    "_data",
];

/// Every Markdown file and the `publication.toml` below `root`, sorted by path. Hidden
/// entries and site machinery (themes, build output) are skipped.
pub fn read_dir(root: &Path) -> Result<Vec<SourceFile>, std::io::Error> {
    read_tree(root, &wanted)
}

/// Every file below `root` that `wanted` takes (given its path relative to `root`), sorted
/// by path; hidden entries and site machinery are skipped.
pub(crate) fn read_tree(
    root: &Path,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Vec<SourceFile>, std::io::Error> {
    let meta = std::fs::metadata(root)?;
    if !meta.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            format!("{} is not a folder", root.display()),
        ));
    }
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if entry.file_type()?.is_dir() {
                if !SKIPPED_DIRS.contains(&name.as_str()) {
                    stack.push(path);
                }
            } else if wanted(&rel) {
                let text = std::fs::read(&path)
                    .map_err(|e| e.to_string())
                    .and_then(|b| String::from_utf8(b).map_err(|_| "is not UTF-8 text".to_owned()));
                out.push(SourceFile { path: rel, text });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The demo publication that a new site starts with.
pub fn demo() -> Vec<SourceFile> {
    fn walk(dir: &'static Dir<'static>, out: &mut Vec<SourceFile>) {
        for f in dir.files() {
            let path = f.path().to_string_lossy().replace('\\', "/");
            if wanted(&path) {
                let text =
                    f.contents_utf8().map(str::to_owned).ok_or_else(|| "is not UTF-8".to_owned());
                out.push(SourceFile { path, text });
            }
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut out = Vec::new();
    walk(&DEMO, &mut out);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn wanted(rel: &str) -> bool {
    rel == "publication.toml" || rel.ends_with(".md") || rel.ends_with(".markdown")
}
