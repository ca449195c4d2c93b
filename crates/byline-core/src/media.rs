//! Images in the media library, and the naming scheme of their files.
//!
//! An uploaded image is kept as a re-encoded original plus smaller copies (480, 960 and
//! 1600 px wide, never wider than the original) in its own format and in WebP, and the
//! original in WebP too when it has at most [`WEBP_TWIN_MAX_PIXELS`]. Everything a
//! page needs to offer those copies is written into the original's name when it is stored,
//! so a theme can derive `srcset`, `width` and `height` from the image URL alone, without a
//! query:
//!
//! ```text
//! /media/3fa9c1e2b4d5a6f7/2400x1600-w480-w960-w1600-webp.jpg   the original (re-encoded)
//! /media/3fa9c1e2b4d5a6f7/480w.jpg  /media/3fa9c1e2b4d5a6f7/480w.webp   each width
//! /media/3fa9c1e2b4d5a6f7/2400w.webp                                    the original in WebP
//! ```
//!
//! A bigger original has no WebP twin: its WebP copies end at 1600 px, which serves any
//! column, while encoding a photograph at the pixel limit (50 megapixels) as WebP took more
//! memory than decoding it. Images uploaded before that rule keep their twin on disk, listed
//! among their files (and deleted with them), but pages no longer offer it.
//!
//! The folder is the start of the SHA-256 of the uploaded bytes, so a name never changes
//! meaning and files can be cached forever.
//!
//! The copies are made after the upload has answered, by a job: until then the image is
//! recorded under a name that promises none (`2400x1600.jpg`), and pages offer the original
//! alone. The job keeps the original under the full name too, points the library and every
//! article, author and page using the image at it, and marks those pages changed.

use crate::audit::Actor;
use crate::staff::Role;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Widths of the smaller copies made of every image (never wider than the original).
pub const VARIANT_WIDTHS: [u32; 3] = [480, 960, 1600];

/// The most pixels an original may have to get a WebP twin of its own size (3000 × 2000).
pub const WEBP_TWIN_MAX_PIXELS: u64 = 6_000_000;

/// Where media files are served, and the prefix of every media-library URL.
pub const URL_PREFIX: &str = "/media/";

/// The image formats the library accepts, known by their bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ImageFormat {
    Jpeg,
    Png,
    WebP,
    Gif,
}

impl ImageFormat {
    pub const ALL: [ImageFormat; 4] =
        [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP, ImageFormat::Gif];

    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Png => "png",
            ImageFormat::WebP => "webp",
            ImageFormat::Gif => "gif",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Png => "image/png",
            ImageFormat::WebP => "image/webp",
            ImageFormat::Gif => "image/gif",
        }
    }

    pub fn from_extension(ext: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.extension() == ext)
    }
}

/// The name of a stored original, which says which copies exist beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaName {
    /// The folder: 16 hex digits of the upload's SHA-256.
    pub folder: String,
    pub width: u32,
    pub height: u32,
    pub format: ImageFormat,
    /// Widths of the smaller copies, ascending.
    pub widths: Vec<u32>,
    /// Whether WebP copies sit beside each width (and the original).
    pub webp: bool,
}

/// One file of an image, as `srcset` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub key: String,
    pub width: u32,
    pub format: ImageFormat,
}

impl MediaName {
    /// The name for an image of this size: copies at every standard width below its own,
    /// and WebP beside them unless `webp` is false (animated GIFs keep only themselves).
    pub fn new(folder: String, width: u32, height: u32, format: ImageFormat, copies: bool) -> Self {
        let widths = if copies {
            VARIANT_WIDTHS.into_iter().filter(|w| *w < width).collect()
        } else {
            vec![]
        };
        Self { folder, width, height, format, widths, webp: copies }
    }

    /// The original's key in storage (its path under `/media/`).
    pub fn key(&self) -> String {
        let mut stem = format!("{}x{}", self.width, self.height);
        for w in &self.widths {
            stem.push_str(&format!("-w{w}"));
        }
        if self.webp {
            stem.push_str("-webp");
        }
        format!("{}/{stem}.{}", self.folder, self.format.extension())
    }

    pub fn url(&self) -> String {
        format!("{URL_PREFIX}{}", self.key())
    }

    /// Every file of this image, the original first.
    pub fn files(&self) -> Vec<Candidate> {
        let mut out = vec![Candidate { key: self.key(), width: self.width, format: self.format }];
        for w in &self.widths {
            out.push(self.copy(*w, self.format));
        }
        if self.webp && self.format != ImageFormat::WebP {
            for w in &self.widths {
                out.push(self.copy(*w, ImageFormat::WebP));
            }
            if self.webp_twin() {
                out.push(self.copy(self.width, ImageFormat::WebP));
            }
        }
        out
    }

    /// Whether the original has a WebP copy of its own size: not when it is WebP already,
    /// nor when it has more than [`WEBP_TWIN_MAX_PIXELS`].
    fn webp_twin(&self) -> bool {
        self.webp
            && self.format != ImageFormat::WebP
            && u64::from(self.width) * u64::from(self.height) <= WEBP_TWIN_MAX_PIXELS
    }

    fn copy(&self, width: u32, format: ImageFormat) -> Candidate {
        Candidate { key: format!("{}/{width}w.{}", self.folder, format.extension()), width, format }
    }

    /// The `srcset` candidates in one format, narrowest first, the full width last.
    pub fn candidates(&self, format: ImageFormat) -> Vec<Candidate> {
        if format != self.format && !(format == ImageFormat::WebP && self.webp) {
            return Vec::new();
        }
        let mut out: Vec<Candidate> = self.widths.iter().map(|w| self.copy(*w, format)).collect();
        if format == self.format {
            out.push(Candidate { key: self.key(), width: self.width, format });
        } else if self.webp_twin() {
            out.push(self.copy(self.width, format));
        }
        out
    }

    /// Reads a media-library URL (`/media/…` or an absolute URL whose path starts so).
    /// Returns the name and everything before `/media/` (empty or an origin).
    pub fn parse_url(url: &str) -> Option<(String, Self)> {
        let at = url.find(URL_PREFIX)?;
        let (origin, rest) = url.split_at(at);
        if !(origin.is_empty() || origin.starts_with("http://") || origin.starts_with("https://"))
            || origin.contains('?')
        {
            return None;
        }
        Self::parse_key(&rest[URL_PREFIX.len()..]).map(|n| (origin.to_owned(), n))
    }

    /// Reads an original's key (`3fa9c1e2b4d5a6f7/2400x1600-w480-webp.jpg`).
    pub fn parse_key(key: &str) -> Option<Self> {
        let (folder, file) = key.split_once('/')?;
        if folder.len() != 16 || !folder.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        let (stem, ext) = file.rsplit_once('.')?;
        let format = ImageFormat::from_extension(ext)?;
        let mut parts = stem.split('-');
        let (w, h) = parts.next()?.split_once('x')?;
        let (width, height) = (w.parse().ok()?, h.parse().ok()?);
        let (mut widths, mut webp) = (Vec::new(), false);
        for p in parts {
            match p {
                "webp" => webp = true,
                _ => widths.push(p.strip_prefix('w')?.parse().ok()?),
            }
        }
        let name = Self { folder: folder.to_owned(), width, height, format, widths, webp };
        (name.key() == key).then_some(name)
    }
}

/// `srcset` text for candidates, with URLs starting with `origin`.
pub fn srcset(origin: &str, candidates: &[Candidate]) -> String {
    candidates
        .iter()
        .map(|c| format!("{origin}{URL_PREFIX}{} {}w", c.key, c.width))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An image in the media library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Media {
    pub id: i64,
    /// Where the original is served (`/media/…`): what articles use.
    pub url: String,
    /// The file's name on the uploader's computer, for people to recognise it.
    pub original_name: String,
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    /// Size of the stored original.
    pub bytes: u64,
    /// Keys of every stored file (the original and its copies), for deletion and export.
    pub files: Vec<String>,
    /// Empty until someone describes the image.
    pub alt: String,
    pub uploaded_by: Option<i64>,
    pub uploaded_by_name: String,
    pub uploaded_at: DateTime<Utc>,
}

/// A checked upload whose original is kept, ready to record.
#[derive(Debug, Clone)]
pub struct NewMedia {
    /// The original's name; it lists only the copies that exist already.
    pub name: MediaName,
    pub original_name: String,
    pub bytes: u64,
    pub alt: String,
    /// Whether copies are still to be made (by a [`crate::jobs::MakeImageCopies`] job queued
    /// with the record).
    pub copies_due: bool,
}

/// The longest alt text kept.
pub const MAX_ALT_CHARS: usize = 1000;

/// Checks alt text: trimmed, at most [`MAX_ALT_CHARS`].
pub fn check_alt(alt: &str) -> Result<String, crate::Invalid> {
    let alt = alt.trim();
    if alt.chars().count() > MAX_ALT_CHARS {
        return Err(crate::Invalid::one(
            "alt",
            format!("is longer than {MAX_ALT_CHARS} characters; describe the image briefly"),
        ));
    }
    Ok(alt.to_owned())
}

/// A name safe to keep and show: the last path part, without control characters, at most
/// 200 characters.
pub fn clean_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let clean: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let clean = clean.trim();
    if clean.is_empty() { "image".to_owned() } else { clean.to_owned() }
}

/// Who may change or delete an image: whoever uploaded it, and editors and above.
pub fn may_manage(actor: &Actor, media: &Media) -> bool {
    actor.role >= Role::Editor || (actor.staff_id.is_some() && actor.staff_id == media.uploaded_by)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_which_copies_exist() {
        let n = MediaName::new("3fa9c1e2b4d5a6f7".into(), 1200, 800, ImageFormat::Jpeg, true);
        assert_eq!(n.widths, [480, 960]);
        assert_eq!(n.url(), "/media/3fa9c1e2b4d5a6f7/1200x800-w480-w960-webp.jpg");
        assert_eq!(MediaName::parse_url(&n.url()), Some((String::new(), n.clone())));
        assert_eq!(
            MediaName::parse_url(&format!("https://news.example{}", n.url())).unwrap().0,
            "https://news.example"
        );
        assert_eq!(
            srcset("", &n.candidates(ImageFormat::WebP)),
            "/media/3fa9c1e2b4d5a6f7/480w.webp 480w, /media/3fa9c1e2b4d5a6f7/960w.webp 960w, \
             /media/3fa9c1e2b4d5a6f7/1200w.webp 1200w"
        );
        assert_eq!(n.files().len(), 1 + 2 + 2 + 1);
        // Never upscaled: a small image has no copies but its WebP twin.
        let small = MediaName::new("3fa9c1e2b4d5a6f7".into(), 400, 300, ImageFormat::Png, true);
        assert!(small.widths.is_empty());
        assert_eq!(small.files().len(), 2);
        // A WebP original is its own WebP.
        let w = MediaName::new("3fa9c1e2b4d5a6f7".into(), 2000, 1000, ImageFormat::WebP, true);
        assert_eq!(w.files().len(), 4);
        assert_eq!(w.candidates(ImageFormat::WebP).last().unwrap().key, w.key());
    }

    #[test]
    fn a_big_original_has_no_webp_twin() {
        // 3000 × 2000 is the most that gets one; one row more does not.
        let at = MediaName::new("3fa9c1e2b4d5a6f7".into(), 3000, 2000, ImageFormat::Jpeg, true);
        assert_eq!(at.candidates(ImageFormat::WebP).last().unwrap().width, 3000);
        let over = MediaName::new("3fa9c1e2b4d5a6f7".into(), 3000, 2001, ImageFormat::Jpeg, true);
        assert_eq!(over.files().len(), 1 + 3 + 3, "{:?}", over.files());
        assert!(over.files().iter().all(|c| c.width <= 1600 || c.key == over.key()));
        assert_eq!(
            srcset("", &over.candidates(ImageFormat::WebP)),
            "/media/3fa9c1e2b4d5a6f7/480w.webp 480w, /media/3fa9c1e2b4d5a6f7/960w.webp 960w, \
             /media/3fa9c1e2b4d5a6f7/1600w.webp 1600w"
        );
        // Its own format still offers the original at full width.
        assert_eq!(over.candidates(ImageFormat::Jpeg).last().unwrap().key, over.key());
    }

    #[test]
    fn other_urls_are_not_library_images() {
        for url in [
            "/media/grid.jpg",
            "https://example.com/photo.jpg",
            "/media/3fa9c1e2b4d5a6f7/480w.jpg",
            "/media/3fa9c1e2b4d5a6f7/1200x800-w480.exe",
            "/media/3FA9C1E2B4D5A6F7x/1200x800.jpg",
            "javascript:/media/3fa9c1e2b4d5a6f7/1200x800.jpg",
        ] {
            assert_eq!(MediaName::parse_url(url), None, "{url}");
        }
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(clean_file_name("C:\\Users\\a\\photo.jpg"), "photo.jpg");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("\n"), "image");
    }
}
