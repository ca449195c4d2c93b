//! The memory an upload may take to decode: what an 8-bit RGBA image at the pixel limit
//! needs (4 bytes a pixel), checked from the header before any pixel is read. Images with
//! more bytes a pixel (16 bits per channel) at the limit are refused with a clear message
//! rather than taking twice the memory.

use crate::process::{Limits, MediaError};

/// Bytes a decoded image may take under `limits`.
pub fn decode_budget(limits: &Limits) -> u64 {
    limits.max_pixels.saturating_mul(4)
}

/// Refuses an image whose decoded pixels (`needed` bytes, from the decoder's header) would
/// exceed the budget.
pub(crate) fn check(
    needed: u64,
    width: u32,
    height: u32,
    limits: &Limits,
) -> Result<(), MediaError> {
    let budget = decode_budget(limits);
    if needed <= budget {
        return Ok(());
    }
    let pixels = u64::from(width) * u64::from(height);
    let most = budget / (needed / pixels.max(1)).max(1);
    Err(MediaError::TooManyPixels(format!(
        "the image is {width} × {height} pixels at {} bytes a pixel and would need {} MiB to read; \
         uploads may use at most {} MiB, so at that depth (16 bits per channel) at most {:.1} \
         megapixels; save it with 8 bits per channel or make it smaller",
        needed / pixels.max(1),
        needed.div_ceil(1 << 20),
        budget.div_ceil(1 << 20),
        most as f64 / 1e6
    )))
}
