//! Decoding an upload stays within a memory budget: an 8-bit image at the pixel limit is
//! read, one that needs more bytes a pixel at that size is refused with a clear message.

use byline_media::{Limits, MediaError, process};
use image::{DynamicImage, ImageBuffer, ImageFormat, Rgba};
use std::io::Cursor;

fn png(img: DynamicImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

const LIMITS: Limits = Limits { max_bytes: 64 << 20, max_pixels: 1_000_000 };

fn deep(side: u32) -> DynamicImage {
    let img: ImageBuffer<Rgba<u16>, Vec<u16>> = ImageBuffer::from_fn(side, side, |x, y| {
        Rgba([(x * 60 % 65536) as u16, (y * 60 % 65536) as u16, 9, 65535])
    });
    DynamicImage::ImageRgba16(img)
}

#[test]
fn an_8_bit_image_at_the_pixel_limit_decodes() {
    let img =
        ImageBuffer::from_fn(1000, 1000, |x, y| Rgba([(x % 256) as u8, (y % 256) as u8, 7, 200]));
    let p = process(&png(DynamicImage::ImageRgba8(img)), &LIMITS)
        .expect("an 8-bit RGBA image at the limit is read");
    assert_eq!(p.files[0].width, 1000);
}

#[test]
fn a_16_bit_image_at_the_pixel_limit_is_refused_with_the_reason() {
    match process(&png(deep(1000)), &LIMITS) {
        Err(MediaError::TooManyPixels(m)) => {
            assert!(m.contains("1000 × 1000") && m.contains("8 bytes a pixel"), "{m}");
            assert!(m.contains("16 bits per channel") && m.contains("0.5 megapixels"), "{m}");
        }
        Err(other) => panic!("expected a refusal over the memory budget, got {other:?}"),
        Ok(p) => panic!("expected a refusal over the memory budget; it was read: {:?}", p.name),
    }
    // Half as many pixels at 16 bits fit the budget, and are read.
    assert!(process(&png(deep(700)), &LIMITS).is_ok());
}
