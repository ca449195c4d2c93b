//! An upload, from bytes to the files that are kept: the type sniffed from the bytes (never
//! the name), the size and the pixel count checked before anything is decoded, the image
//! turned upright by its EXIF orientation and re-encoded without any metadata (EXIF, GPS,
//! XMP, comments, colour profiles are not carried over), and copies made at the standard
//! widths in the original format and in WebP.

use crate::encode::encode;
use byline_core::media::{ImageFormat, MediaName};
use bytes::Bytes;
use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::gif::{GifDecoder, GifEncoder, Repeat};
use image::{AnimationDecoder, DynamicImage, ImageDecoder, ImageReader};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Cursor;

/// What an upload may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: u64,
    /// Width × height (times frames, for animations), checked from the header.
    pub max_pixels: u64,
}

/// The upload limit when none is configured, in MiB.
pub const DEFAULT_MAX_MB: u64 = 20;
/// The pixel limit when none is configured, in megapixels.
pub const DEFAULT_MAX_MEGAPIXELS: u64 = 50;

impl Default for Limits {
    fn default() -> Self {
        Self { max_bytes: DEFAULT_MAX_MB << 20, max_pixels: DEFAULT_MAX_MEGAPIXELS * 1_000_000 }
    }
}

/// Why an upload was refused, in words for the person who sent it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum MediaError {
    /// More bytes than the limit.
    #[error("{0}")]
    TooLarge(String),
    /// More pixels than the limit (a decompression bomb, or just too big a picture).
    #[error("{0}")]
    TooManyPixels(String),
    /// Not a JPEG, PNG, WebP or GIF, whatever its name says.
    #[error("{0}")]
    Unsupported(String),
    /// It starts like an image but cannot be read.
    #[error("{0}")]
    Unreadable(String),
}

/// One file to keep.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub key: String,
    pub bytes: Bytes,
    pub content_type: &'static str,
    pub width: u32,
}

/// A processed upload: its name (which says which copies exist) and every file, the
/// re-encoded original first.
#[derive(Debug, Clone)]
pub struct Processed {
    pub name: MediaName,
    pub files: Vec<StoredFile>,
}

impl Processed {
    pub fn original(&self) -> &StoredFile {
        &self.files[0]
    }
}

/// The format the bytes themselves declare, by their signature.
pub fn sniff(data: &[u8]) -> Option<ImageFormat> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        Some(ImageFormat::Gif)
    } else if data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

fn mib(n: u64) -> String {
    format!("{:.1} MiB", n as f64 / (1 << 20) as f64)
}

/// Checks, strips and resizes an upload in one go: [`original`] then [`copies`].
/// CPU-bound: call it off the async runtime.
pub fn process(data: &[u8], limits: &Limits) -> Result<Processed, MediaError> {
    let first = original(data, limits)?;
    if !first.copies_due {
        return Ok(Processed { name: first.name, files: vec![first.file] });
    }
    copies(&first.file.bytes, &first.name, limits)
}

/// An upload checked and made safe to serve, before any copies: what a request waits for.
#[derive(Debug, Clone)]
pub struct Original {
    /// Its name, which promises no copies yet.
    pub name: MediaName,
    /// The re-encoded original.
    pub file: StoredFile,
    /// Whether copies are still to be made by [`copies`] (not for animated GIFs, which get
    /// none).
    pub copies_due: bool,
}

/// Checks an upload (type sniffed from its bytes, size and pixels checked before decoding)
/// and re-encodes it upright and without metadata. The result is safe to serve at once; its
/// copies follow from [`copies`]. CPU-bound: call it off the async runtime.
pub fn original(data: &[u8], limits: &Limits) -> Result<Original, MediaError> {
    if data.len() as u64 > limits.max_bytes {
        return Err(MediaError::TooLarge(format!(
            "the file is {}; images may be at most {}",
            mib(data.len() as u64),
            mib(limits.max_bytes)
        )));
    }
    let format = sniff(data).ok_or_else(|| {
        MediaError::Unsupported(
            "this file is not a JPEG, PNG, WebP or GIF image (judged by its contents, not its \
             name); save it in one of those formats and upload it again"
                .into(),
        )
    })?;
    let (width, height) = reader(data, format).into_dimensions().map_err(unreadable(format))?;
    check_pixels(width, height, 1, limits)?;
    let folder = hex16(data);
    if format == ImageFormat::Gif
        && let Some(p) = animated_gif(data, folder.clone(), width, height, limits)?
    {
        let file = p.files.into_iter().next().expect("an animated GIF keeps one file");
        return Ok(Original { name: p.name, file, copies_due: false });
    }
    let img = decode_upright(data, format, width, height, limits)?;
    let name = MediaName::new(folder, img.width(), img.height(), format, false);
    let file = encode(&name.files()[0], &img, format)?;
    Ok(Original { name, file, copies_due: true })
}

/// The copies of an original [`original`] made and that was kept under `pending`'s name: the
/// original again under the name that lists its copies (first), then each copy. CPU-bound.
pub fn copies(
    original: &[u8],
    pending: &MediaName,
    limits: &Limits,
) -> Result<Processed, MediaError> {
    let format = pending.format;
    let img = decode_upright(original, format, pending.width, pending.height, limits)?;
    let name = MediaName::new(pending.folder.clone(), img.width(), img.height(), format, true);
    let mut sized: HashMap<u32, DynamicImage> = HashMap::new();
    let mut files = Vec::new();
    for c in name.files() {
        if c.key == name.key() {
            // Already stripped and re-encoded: kept as it is under its new name.
            files.push(StoredFile {
                key: c.key,
                bytes: Bytes::copy_from_slice(original),
                content_type: format.content_type(),
                width: img.width(),
            });
            continue;
        }
        let at = if c.width >= img.width() {
            Cow::Borrowed(&img)
        } else {
            if let std::collections::hash_map::Entry::Vacant(e) = sized.entry(c.width) {
                e.insert(resize(&img, c.width)?);
            }
            Cow::Borrowed(&sized[&c.width])
        };
        files.push(encode(&c, &at, name.format)?);
    }
    Ok(Processed { name, files })
}

fn unreadable(format: ImageFormat) -> impl Fn(image::ImageError) -> MediaError {
    move |e| {
        MediaError::Unreadable(format!(
            "this file starts like a {} image but cannot be read ({e}); it may be damaged",
            format.extension().to_uppercase()
        ))
    }
}

/// Decodes within the pixel budget, turned upright by its EXIF orientation, as 8-bit RGB
/// (or RGBA when it has transparency).
fn decode_upright(
    data: &[u8],
    format: ImageFormat,
    width: u32,
    height: u32,
    limits: &Limits,
) -> Result<DynamicImage, MediaError> {
    let mut r = reader(data, format);
    let mut l = image::Limits::default();
    l.max_image_width = Some(width.max(height));
    l.max_image_height = Some(width.max(height));
    l.max_alloc = Some(crate::budget::decode_budget(limits).max(64 << 20));
    r.limits(l);
    let mut decoder = r.into_decoder().map_err(unreadable(format))?;
    crate::budget::check(decoder.total_bytes(), width, height, limits)?;
    let orientation = decoder.orientation().map_err(unreadable(format))?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(unreadable(format))?;
    img.apply_orientation(orientation);
    Ok(if img.color().has_alpha() && format != ImageFormat::Jpeg {
        DynamicImage::ImageRgba8(img.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(img.into_rgb8())
    })
}

fn reader(data: &[u8], format: ImageFormat) -> ImageReader<Cursor<&[u8]>> {
    let f = match format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::WebP => image::ImageFormat::WebP,
        ImageFormat::Gif => image::ImageFormat::Gif,
    };
    ImageReader::with_format(Cursor::new(data), f)
}

fn check_pixels(w: u32, h: u32, frames: u64, limits: &Limits) -> Result<(), MediaError> {
    let pixels = u64::from(w) * u64::from(h) * frames;
    if pixels > limits.max_pixels {
        let what = if frames > 1 { format!(" in {frames} frames") } else { String::new() };
        return Err(MediaError::TooManyPixels(format!(
            "the image is {w} × {h} pixels{what} ({:.1} megapixels); images may have at most \
             {:.1} megapixels",
            pixels as f64 / 1e6,
            limits.max_pixels as f64 / 1e6
        )));
    }
    Ok(())
}

fn hex16(data: &[u8]) -> String {
    Sha256::digest(data).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// An animated GIF keeps its frames, re-encoded (comments and extensions dropped), and gets
/// no copies: a still copy of an animation would be a different picture. `None` for a GIF
/// of one frame, which is treated like any still image.
fn animated_gif(
    data: &[u8],
    folder: String,
    width: u32,
    height: u32,
    limits: &Limits,
) -> Result<Option<Processed>, MediaError> {
    let bad = |e: image::ImageError| {
        MediaError::Unreadable(format!("this GIF cannot be read ({e}); it may be damaged"))
    };
    let decoder = GifDecoder::new(Cursor::new(data)).map_err(bad)?;
    let mut frames = Vec::new();
    for f in decoder.into_frames() {
        frames.push(f.map_err(bad)?);
        check_pixels(width, height, frames.len() as u64, limits)?;
    }
    if frames.len() < 2 {
        return Ok(None);
    }
    let mut out = Vec::new();
    {
        let mut enc = GifEncoder::new(&mut out);
        enc.set_repeat(Repeat::Infinite).map_err(bad)?;
        enc.encode_frames(frames).map_err(bad)?;
    }
    let name = MediaName::new(folder, width, height, ImageFormat::Gif, false);
    let file = StoredFile {
        key: name.key(),
        bytes: Bytes::from(out),
        content_type: ImageFormat::Gif.content_type(),
        width,
    };
    Ok(Some(Processed { name, files: vec![file] }))
}

fn resize(img: &DynamicImage, width: u32) -> Result<DynamicImage, MediaError> {
    let (w, h) = (u64::from(img.width()), u64::from(img.height()));
    let height = ((h * u64::from(width) + w / 2) / w).max(1) as u32;
    let mut dst = DynamicImage::new(width, height, img.color());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(img, &mut dst, &options)
        .map_err(|e| MediaError::Unreadable(format!("could not resize the image: {e}")))?;
    Ok(dst)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::png::PngEncoder;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img =
            DynamicImage::ImageRgb8(image::RgbImage::from_pixel(w, h, image::Rgb([9, 99, 199])));
        let mut out = Vec::new();
        img.write_with_encoder(PngEncoder::new(&mut out)).unwrap();
        out
    }

    #[test]
    fn sniffs_by_bytes() {
        assert_eq!(sniff(&png(2, 2)), Some(ImageFormat::Png));
        assert_eq!(sniff(b"GIF89a...."), Some(ImageFormat::Gif));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageFormat::WebP));
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><svg/>"), None);
    }

    #[test]
    fn makes_copies_never_wider_than_the_original() {
        let p = process(&png(1000, 500), &Limits::default()).unwrap();
        let widths: Vec<(u32, &str)> = p.files.iter().map(|f| (f.width, f.content_type)).collect();
        assert_eq!(
            widths,
            [
                (1000, "image/png"),
                (480, "image/png"),
                (960, "image/png"),
                (480, "image/webp"),
                (960, "image/webp"),
                (1000, "image/webp")
            ]
        );
        let small = image::load_from_memory(&p.files[1].bytes).unwrap();
        assert_eq!((small.width(), small.height()), (480, 240));
    }

    #[test]
    fn a_big_original_gets_webp_copies_but_no_webp_twin() {
        // Just over the twin's limit (3000 × 2000): encoding a WebP at full size would take
        // more memory than the decoded picture.
        let jpeg = {
            let img = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
                3000,
                2001,
                image::Rgb([200, 120, 40]),
            ));
            let mut out = Vec::new();
            img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new(&mut out)).unwrap();
            out
        };
        let p = process(&jpeg, &Limits::default()).unwrap();
        let files: Vec<(u32, &str)> = p.files.iter().map(|f| (f.width, f.content_type)).collect();
        assert_eq!(
            files,
            [
                (3000, "image/jpeg"),
                (480, "image/jpeg"),
                (960, "image/jpeg"),
                (1600, "image/jpeg"),
                (480, "image/webp"),
                (960, "image/webp"),
                (1600, "image/webp")
            ]
        );
        let widest = image::load_from_memory(&p.files[6].bytes).unwrap();
        assert_eq!((widest.width(), widest.height()), (1600, 1067));
    }

    fn gif(frames: usize) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = GifEncoder::new(&mut out);
            enc.set_repeat(Repeat::Infinite).unwrap();
            for i in 0..frames {
                let px = image::Rgba([(i * 80) as u8, 20, 200, 255]);
                enc.encode_frame(image::Frame::new(image::RgbaImage::from_pixel(600, 400, px)))
                    .unwrap();
            }
        }
        out
    }

    #[test]
    fn animated_gifs_keep_their_frames_and_get_no_copies() {
        let p = process(&gif(3), &Limits::default()).unwrap();
        assert_eq!(p.files.len(), 1);
        assert!(!p.name.webp && p.name.widths.is_empty());
        let frames =
            GifDecoder::new(Cursor::new(&p.files[0].bytes[..])).unwrap().into_frames().count();
        assert_eq!(frames, 3);
        // Three frames count three times against the pixel limit.
        let limits = Limits { max_bytes: 1 << 20, max_pixels: 600 * 400 * 2 };
        assert!(matches!(process(&gif(3), &limits), Err(MediaError::TooManyPixels(_))));
        // A GIF of one frame is a still image, with copies.
        let still = process(&gif(1), &Limits::default()).unwrap();
        assert_eq!(still.name.widths, [480]);
        assert!(still.name.webp);
        assert_eq!(still.files.len(), 4);
    }

    #[test]
    fn the_original_comes_first_and_its_copies_later() {
        let first = original(&png(1000, 500), &Limits::default()).unwrap();
        assert!(first.copies_due);
        assert_eq!(first.name.key(), format!("{}/1000x500.png", first.name.folder));
        let later = copies(&first.file.bytes, &first.name, &Limits::default()).unwrap();
        assert_eq!(later.name.key(), format!("{}/1000x500-w480-w960-webp.png", first.name.folder));
        assert_eq!(later.files.len(), 6);
        // The original is kept as it was stripped, under the name that lists its copies.
        assert_eq!(later.original().bytes, first.file.bytes);
        // An animation is final at once.
        assert!(!original(&gif(3), &Limits::default()).unwrap().copies_due);
    }

    #[test]
    fn refuses_too_many_pixels_before_decoding() {
        let limits = Limits { max_bytes: 1 << 20, max_pixels: 10_000 };
        let e = process(&png(200, 100), &limits).unwrap_err();
        assert!(matches!(e, MediaError::TooManyPixels(_)), "{e}");
        assert!(e.to_string().contains("200 × 100"), "{e}");
    }
}
