//! The upload row (issue 10): a JPEG at the default pixel limit (50 megapixels, 8,000 ×
//! 6,250) uploaded through the Admin API to a running `byline serve`, with the server's
//! resident memory sampled from before the upload until the copies (1600, 960 and 480 px,
//! and their WebP twins) are made in the background. The reference is the decode budget
//! the server holds itself to: 4 bytes a pixel at the limit.

use crate::http;
use crate::process::RssSampler;
use crate::report::{Bound, Measure, SizeResult};
use crate::run::Run;
use anyhow::{Context, bail};
use std::time::{Duration, Instant};

const MB: f64 = 1024.0 * 1024.0;
const WIDTH: u32 = 8_000;
const HEIGHT: u32 = 6_250;

/// A 50-megapixel JPEG: smooth gradients with a fine pattern, so the file stays far below
/// the 20 MiB upload limit while every pixel still has to be decoded.
fn image_at_the_limit() -> anyhow::Result<Vec<u8>> {
    let img = image::RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let r = (x * 255 / WIDTH) as u8;
        let g = (y * 255 / HEIGHT) as u8;
        let b = (((x / 16) ^ (y / 16)) & 0xff) as u8;
        image::Rgb([r, g, b])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&img)
        .context("cannot encode the JPEG")?;
    Ok(out.into_inner())
}

impl Run<'_> {
    pub fn upload(&self) -> anyhow::Result<SizeResult> {
        let dir = self.dir.join("upload");
        std::fs::create_dir_all(&dir)?;
        let mut result = SizeResult {
            articles: 0,
            title: Some("Upload at the pixel limit".to_owned()),
            ..SizeResult::default()
        };
        let data = dir.join("data");
        let made = self
            .byline
            .cli(&data, &["token", "create", "--name", "bench", "--role", "administrator"])?;
        let secret = String::from_utf8_lossy(&made.stdout).trim().to_owned();
        let jpeg = image_at_the_limit()?;
        let mut server = self.byline.serve(&data, true, &dir.join("byline-upload.log"))?;
        server.wait_for_200("/", Duration::from_secs(60))?;
        let idle = server.rss().unwrap_or(0) as f64 / MB;

        eprintln!("[upload] {} × {} JPEG, {:.1} MB", WIDTH, HEIGHT, jpeg.len() as f64 / MB);
        let sampler = RssSampler::start(server.pid());
        let started = Instant::now();
        let bearer = format!("Bearer {secret}");
        let (content_type, body) = http::multipart_file("file", "limit.jpg", "image/jpeg", &jpeg);
        let headers = [("Authorization", bearer.as_str()), ("Content-Type", content_type.as_str())];
        let r = http::request(server.addr, "POST", "/api/admin/v1/media", &headers, &body)?;
        if r.status != 201 {
            bail!("the upload answered {}: {}", r.status, r.text());
        }
        let answered = started.elapsed();
        // The copies are made by a job: wait until the library lists their WebP twins.
        let copies = loop {
            let list =
                http::request(server.addr, "GET", "/api/admin/v1/media", &headers[..1], &[])?;
            let v: serde_json::Value = serde_json::from_slice(&list.body)?;
            if v["items"][0]["webp_srcset"].as_str().is_some_and(|s| !s.is_empty()) {
                break started.elapsed();
            }
            if started.elapsed() > Duration::from_secs(300) {
                bail!("the copies were not made within 300 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let peak = sampler.stop() as f64 / MB;
        server.stop(Duration::from_secs(10));
        let budget = 4.0 * f64::from(WIDTH) * f64::from(HEIGHT) / MB;
        result.measures.push(Measure::new(
            "Upload of a 50-megapixel JPEG, the server's peak resident memory above idle",
            "MB",
            Ok(peak - idle),
            "the decode budget (4 bytes a pixel)",
            Ok(budget),
            Some(Bound::RatioAtMost(1.5)),
        ));
        result.notes.push(format!(
            "The upload ({:.1} MB) answered 201 in {:.1} s and its copies were made {:.1} s \
             after it began; the server used {idle:.1} MB idle and {peak:.1} MB at its peak. \
             At most two images are decoded at once, so two such uploads at the same moment \
             may take twice this.",
            jpeg.len() as f64 / MB,
            answered.as_secs_f64(),
            copies.as_secs_f64()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        Ok(result)
    }
}
