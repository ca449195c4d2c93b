//! Encoding a decoded image as one stored file: JPEG, PNG or GIF by the `image` crate, WebP
//! by libwebp. Pixels that are already 8-bit RGB or RGBA are handed to the encoders as they
//! are, since a copy of an image at the pixel limit is 150 MB.

use crate::process::{MediaError, StoredFile};
use byline_core::media::{Candidate, ImageFormat};
use bytes::Bytes;
use image::DynamicImage;
use image::codecs::gif::GifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, PngEncoder};

/// WebP by libwebp: lossy for photographs (a JPEG or WebP original), lossless for graphics
/// (PNG and GIF), as the original was. Lossless WebP of a photograph is larger than its JPEG.
fn webp(img: &DynamicImage, source: ImageFormat) -> Vec<u8> {
    let (w, h) = (img.width(), img.height());
    let rgb;
    // Decoded images are already 8-bit RGB or RGBA (`decode_upright`): their pixels are
    // handed over as they are, since a copy of an image at the pixel limit is 150 MB.
    let encoder = match img {
        DynamicImage::ImageRgba8(b) => webp::Encoder::from_rgba(b.as_raw(), w, h),
        DynamicImage::ImageRgb8(b) => webp::Encoder::from_rgb(b.as_raw(), w, h),
        _ => {
            rgb = img.to_rgb8();
            webp::Encoder::from_rgb(rgb.as_raw(), w, h)
        }
    };
    let memory = match source {
        ImageFormat::Png | ImageFormat::Gif => encoder.encode_lossless(),
        ImageFormat::Jpeg | ImageFormat::WebP => encoder.encode(WEBP_QUALITY),
    };
    memory.to_vec()
}

/// libwebp's quality for photographs (0-100).
const WEBP_QUALITY: f32 = 80.0;

pub(crate) fn encode(
    c: &Candidate,
    img: &DynamicImage,
    source: ImageFormat,
) -> Result<StoredFile, MediaError> {
    let failed = |e: image::ImageError| {
        MediaError::Unreadable(format!("could not encode the image as {:?}: {e}", c.format))
    };
    let mut out = Vec::new();
    match c.format {
        ImageFormat::Jpeg => {
            let jpeg = JpegEncoder::new_with_quality(&mut out, 85);
            match img {
                DynamicImage::ImageRgb8(_) => img.write_with_encoder(jpeg).map_err(failed)?,
                _ => DynamicImage::ImageRgb8(img.to_rgb8())
                    .write_with_encoder(jpeg)
                    .map_err(failed)?,
            }
        }
        ImageFormat::Png => {
            let enc = PngEncoder::new_with_quality(
                &mut out,
                CompressionType::Default,
                image::codecs::png::FilterType::Adaptive,
            );
            img.write_with_encoder(enc).map_err(failed)?;
        }
        ImageFormat::WebP => out = webp(img, source),
        ImageFormat::Gif => {
            let mut enc = GifEncoder::new(&mut out);
            enc.encode_frame(image::Frame::new(img.to_rgba8())).map_err(failed)?;
        }
    }
    Ok(StoredFile {
        key: c.key.clone(),
        bytes: Bytes::from(out),
        content_type: c.format.content_type(),
        width: img.width(),
    })
}
