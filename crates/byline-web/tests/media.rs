//! The media library: uploads through the admin and the API, sniffing, limits, metadata
//! stripped, the copies, the files served, srcset on the public site, permissions, the
//! picker.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use byline_core::jobs::{Job, MakeImageCopies};
use byline_core::staff::Role;
use byline_media::{Limits, MediaStorage};
use byline_render::Theme;
use byline_store::testing::TestDb;
use byline_web::{AppState, router};
use common::client::{Client, signed_in, staff};
use common::{BASE, Page, get};
use image::{DynamicImage, ImageEncoder};
use std::io::Cursor;

struct Site {
    app: Router,
    state: AppState,
    _dir: tempfile::TempDir,
    folder: std::path::PathBuf,
}

/// The demo site with media kept in a temporary folder.
async fn media_site(db: &TestDb, limits: Limits) -> Site {
    let _ = common::site(db).await;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("media");
    let state = AppState::new(db.store.clone(), Theme::load(None).unwrap(), BASE)
        .with_cache_mb(0)
        .with_media(MediaStorage::local(&folder).unwrap(), limits);
    Site { app: router(state.clone()), state, _dir: dir, folder }
}

/// Runs every queued image-copies job, as a worker would; returns how many ran.
async fn run_jobs(site: &Site) -> usize {
    let store = &site.state.store;
    let kinds = [MakeImageCopies::KIND];
    let mut ran = 0;
    while let Some(job) =
        store.claim_job(&kinds, chrono::Utc::now(), chrono::Duration::seconds(60)).await.unwrap()
    {
        let copies: MakeImageCopies = serde_json::from_str(&job.payload).unwrap();
        byline_web::media::make_copies(store, &site.state.media, site.state.media_limits, copies)
            .await
            .unwrap();
        assert!(store.complete_job(&job).await.unwrap());
        ran += 1;
    }
    ran
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img =
        image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&img, w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// A JPEG carrying GPS coordinates in EXIF, an XMP packet and a comment.
fn jpeg_with_gps(w: u32, h: u32) -> Vec<u8> {
    let img =
        DynamicImage::ImageRgb8(image::RgbImage::from_pixel(w, h, image::Rgb([200, 120, 40])));
    let mut plain = Vec::new();
    img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90))
        .unwrap();
    // TIFF, little-endian: IFD0 with a pointer to the GPS IFD, which holds N 52° 31′.
    let mut tiff: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    tiff.extend([1, 0]);
    tiff.extend([0x25, 0x88, 4, 0, 1, 0, 0, 0, 26, 0, 0, 0]);
    tiff.extend([0, 0, 0, 0]);
    tiff.extend([2, 0]);
    tiff.extend([1, 0, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    tiff.extend([2, 0, 5, 0, 3, 0, 0, 0, 56, 0, 0, 0]);
    tiff.extend([0, 0, 0, 0]);
    for (n, d) in [(52u32, 1u32), (31, 1), (0, 1)] {
        tiff.extend(n.to_le_bytes());
        tiff.extend(d.to_le_bytes());
    }
    let segment = |marker: u8, payload: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend(((payload.len() + 2) as u16).to_be_bytes());
        s.extend(payload);
        s
    };
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend(&tiff);
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend(b"<x:xmpmeta>secret-xmp-location</x:xmpmeta>");
    let mut out = plain[..2].to_vec();
    out.extend(segment(0xE1, &exif));
    out.extend(segment(0xE1, &xmp));
    out.extend(segment(0xFE, b"secret-comment"));
    out.extend(&plain[2..]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A PNG whose header claims 100,000 × 100,000 pixels (a decompression bomb's header).
fn bomb_png() -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(13u32.to_be_bytes());
    out.extend(&ihdr);
    out.extend(crc32(&ihdr).to_be_bytes());
    // A little zlib data, far too little for the pixels claimed.
    let mut idat = b"IDAT".to_vec();
    idat.extend([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    out.extend(((idat.len() - 4) as u32).to_be_bytes());
    out.extend(&idat);
    out.extend(crc32(&idat).to_be_bytes());
    out.extend(0u32.to_be_bytes());
    out.extend(b"IEND");
    out.extend(crc32(b"IEND").to_be_bytes());
    out
}

const BOUNDARY: &str = "byline-test-boundary";

fn multipart(file_name: &str, bytes: &[u8], alt: &str) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\n{alt}\r\n\
             --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn admin_upload(c: &mut Client, file_name: &str, bytes: &[u8], alt: &str) -> Page {
    let csrf = c.csrf.clone().unwrap_or_default();
    let mut req = Request::post(format!("/admin/media?csrf={csrf}"))
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"))
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = &c.cookie {
        req = req.header(header::COOKIE, cookie);
    }
    c.send(req.body(Body::from(multipart(file_name, bytes, alt))).unwrap()).await
}

async fn api(app: &Router, method: &str, path: &str, token: &str, body: Body, ct: &str) -> Page {
    let mut c = Client::new(app);
    let req = Request::builder()
        .method(method)
        .uri(format!("/api/admin/v1{path}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, ct)
        .body(body)
        .unwrap();
    c.send(req).await
}

async fn api_upload(app: &Router, token: &str, file_name: &str, bytes: &[u8]) -> Page {
    let ct = format!("multipart/form-data; boundary={BOUNDARY}");
    api(app, "POST", "/media", token, Body::from(multipart(file_name, bytes, "A test image")), &ct)
        .await
}

fn json(p: &Page) -> serde_json::Value {
    serde_json::from_str(&p.body).unwrap_or_else(|_| panic!("JSON: {}", p.body))
}

async fn token(db: &TestDb, name: &str, role: Role) -> String {
    let who = staff(&db.store, name, role).await;
    db.store.create_api_token(name, role, Some(who.id)).await.unwrap().secret
}

async fn fetch(app: &Router, url: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let res = app.clone().oneshot(Request::get(url).body(Body::empty()).unwrap()).await.unwrap();
    let (parts, body) = res.into_parts();
    (parts.status, parts.headers, body.collect().await.unwrap().to_bytes().to_vec())
}

#[tokio::test]
async fn uploads_through_the_admin_make_copies_and_list_them() {
    for db in byline_store::testing::databases().await {
        let site = media_site(&db, Limits::default()).await;
        let (mut c, _) =
            signed_in(&site.app, &db.store, "Ann Contributor", Role::Contributor).await;
        c.get("/admin/media").await;
        let res =
            admin_upload(&mut c, "harbour.png", &png(1200, 800), "Boats in the harbour").await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        let page = c.get("/admin/media").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.texts(".media-name"), ["harbour.png"]);
        assert!(page.body.contains("Uploaded harbour.png (1200 × 800)"), "{}", page.body);
        // The upload answered with the original alone; the copies come from a job.
        let url = page.attrs(".media-url", "value").pop().unwrap();
        assert!(url.ends_with("/1200x800.png"), "{url}");
        assert_eq!(
            std::fs::read_dir(site.folder.join(url.split('/').nth(2).unwrap())).unwrap().count(),
            1
        );
        assert_eq!(run_jobs(&site).await, 1);
        let page = c.get("/admin/media").await;
        let url = page.attrs(".media-url", "value").pop().unwrap();
        assert!(
            url.starts_with("/media/") && url.ends_with("/1200x800-w480-w960-webp.png"),
            "{url}"
        );
        assert_eq!(
            page.attrs("#alt-1, .media-item input[name=alt]", "value"),
            ["Boats in the harbour"]
        );

        // The original, each width in PNG and WebP, and the original in WebP; no upscaling.
        let folder = url.split('/').nth(2).unwrap();
        for (file, width, format) in [
            (url.rsplit('/').next().unwrap().to_owned(), 1200, image::ImageFormat::Png),
            ("480w.png".into(), 480, image::ImageFormat::Png),
            ("960w.png".into(), 960, image::ImageFormat::Png),
            ("480w.webp".into(), 480, image::ImageFormat::WebP),
            ("960w.webp".into(), 960, image::ImageFormat::WebP),
            ("1200w.webp".into(), 1200, image::ImageFormat::WebP),
        ] {
            let path = site.folder.join(folder).join(&file);
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(image::guess_format(&bytes).unwrap(), format, "{file}");
            let img = image::load_from_memory(&bytes).unwrap();
            assert_eq!(img.width(), width, "{file}");
            assert_eq!(img.height(), width * 2 / 3, "{file}");
        }
        assert!(!site.folder.join(folder).join("1600w.png").exists(), "never upscaled");

        // Served with the right type, cached for good, never sniffed.
        let (status, headers, body) =
            fetch(&site.app, &format!("{}/480w.webp", url.rsplit_once('/').unwrap().0)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "image/webp");
        assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(image::guess_format(&body).unwrap(), image::ImageFormat::WebP);
        assert_eq!(
            fetch(&site.app, "/media/0000000000000000/1x1.png").await.0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            fetch(&site.app, "/media/..%2f..%2fetc/passwd.png").await.0,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn uploads_through_the_api() {
    for db in byline_store::testing::databases().await {
        let site = media_site(&db, Limits::default()).await;
        let t = token(&db, "Cam Author", Role::Author).await;
        let res = api_upload(&site.app, &t, "bridge.png", &png(2000, 1000)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let m = json(&res);
        assert_eq!(m["width"], 2000);
        assert_eq!(m["alt"], "A test image");
        assert_eq!(m["uploaded_by_name"], "API token “Cam Author”");
        // Answered before the copies exist: the name promises none, srcset offers the original.
        let first = m["url"].as_str().unwrap().to_owned();
        assert!(first.ends_with("/2000x1000.png"), "{first}");
        assert_eq!(m["files"].as_array().unwrap().len(), 1, "{m}");
        assert_eq!(m["srcset"], format!("{first} 2000w"));
        assert_eq!(m["webp_srcset"], "");
        assert_eq!(run_jobs(&site).await, 1);
        let one = format!("/media/{}", m["id"]);
        let m = json(&api(&site.app, "GET", &one, &t, Body::empty(), "application/json").await);
        // The first original and the seven files the job made.
        assert_eq!(m["files"].as_array().unwrap().len(), 9, "{m}");
        let url = m["url"].as_str().unwrap();
        assert!(url.ends_with("/2000x1000-w480-w960-w1600-webp.png"), "{url}");
        let folder = url.split('/').nth(2).unwrap();
        assert!(
            m["webp_srcset"].as_str().unwrap().ends_with(&format!(
                "/media/{folder}/1600w.webp 1600w, /media/{folder}/2000w.webp 2000w"
            )),
            "{m}"
        );
        // The same bytes again: the image already in the library.
        let again = api_upload(&site.app, &t, "bridge-again.png", &png(2000, 1000)).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(json(&again)["id"], m["id"]);
        assert_eq!(json(&again)["url"], m["url"]);
        assert_eq!(run_jobs(&site).await, 0, "no second job for the same image");
        let list = api(&site.app, "GET", "/media", &t, Body::empty(), "application/json").await;
        assert_eq!(json(&list)["total"], 1);
        for file in m["files"].as_array().unwrap() {
            assert_eq!(fetch(&site.app, file.as_str().unwrap()).await.0, StatusCode::OK, "{file}");
        }
        // The OpenAPI document describes the upload.
        let doc = get(&site.app, "/api/admin/v1/openapi.json").await;
        let doc: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
        assert!(
            doc["paths"]["/media"]["post"]["requestBody"]["content"]["multipart/form-data"]
                .is_object()
        );
    }
}

#[tokio::test]
async fn the_type_is_judged_by_the_bytes() {
    for db in byline_store::testing::databases().await {
        let site = media_site(&db, Limits::default()).await;
        let t = token(&db, "Dee Editor", Role::Editor).await;
        // A PNG named .jpg is a PNG.
        let res = api_upload(&site.app, &t, "really-a-png.jpg", &png(300, 200)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        let m = json(&res);
        assert_eq!(m["content_type"], "image/png");
        assert!(m["url"].as_str().unwrap().ends_with(".png"));
        // Text named .jpg is refused, with a message that says why.
        let res =
            api_upload(&site.app, &t, "notes.jpg", b"Just some notes, not a picture.\n").await;
        assert_eq!(res.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", res.body);
        let e = json(&res);
        assert_eq!(e["error"]["code"], "unsupported_media_type");
        assert!(e["error"]["message"].as_str().unwrap().contains("not a JPEG, PNG, WebP or GIF"));
        // The same through the admin: the message beside the file field, the alt text kept.
        let (mut c, _) = signed_in(&site.app, &db.store, "Eve Author", Role::Author).await;
        c.get("/admin/media").await;
        let page = admin_upload(&mut c, "notes.jpg", b"<svg onload=alert(1)>", "Typed alt").await;
        assert_eq!(page.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(
            page.texts("#file-error")[0].contains("not a JPEG, PNG, WebP or GIF"),
            "{}",
            page.body
        );
        assert_eq!(page.attrs("input#alt", "value"), ["Typed alt"]);
        assert_eq!(page.attrs("input#file", "aria-invalid"), ["true"]);
        assert_eq!(
            json(&api(&site.app, "GET", "/media", &t, Body::empty(), "application/json").await)["total"],
            1
        );
    }
}

#[tokio::test]
async fn size_and_pixel_limits() {
    for db in byline_store::testing::databases().await {
        let limits = Limits { max_bytes: 200 << 10, max_pixels: 1_000_000 };
        let site = media_site(&db, limits).await;
        let t = token(&db, "Fay Editor", Role::Editor).await;
        let big = vec![0xFFu8; 300 << 10];
        let res = api_upload(&site.app, &t, "big.jpg", &big).await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
        assert!(
            json(&res)["error"]["message"].as_str().unwrap().contains("larger than"),
            "{}",
            res.body
        );
        assert_eq!(json(&res)["error"]["code"], "too_large");
        // Too many pixels, judged from the header before anything is decoded.
        let res = api_upload(&site.app, &t, "bomb.png", &bomb_png()).await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
        let message = json(&res)["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains("100000 × 100000") && message.contains("megapixels"), "{message}");
        let res = api_upload(&site.app, &t, "wide.png", &png(1500, 1000)).await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
        // Within the limits it works.
        assert_eq!(
            api_upload(&site.app, &t, "ok.png", &png(1000, 1000)).await.status,
            StatusCode::CREATED
        );
        // The admin says it beside the field.
        let (mut c, _) = signed_in(&site.app, &db.store, "Gus Author", Role::Author).await;
        c.get("/admin/media").await;
        let page = admin_upload(&mut c, "bomb.png", &bomb_png(), "").await;
        assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(page.texts("#file-error")[0].contains("megapixels"), "{}", page.body);
    }
}

#[tokio::test]
async fn metadata_is_stripped_from_every_stored_file() {
    for db in byline_store::testing::databases().await {
        let site = media_site(&db, Limits::default()).await;
        let t = token(&db, "Hal Editor", Role::Editor).await;
        let fixture = jpeg_with_gps(1000, 600);
        // The fixture does carry GPS, by an independent reader.
        let exif = exif::Reader::new().read_from_container(&mut Cursor::new(&fixture)).unwrap();
        assert!(exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY).is_some());
        let res = api_upload(&site.app, &t, "where-i-live.jpg", &fixture).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        // The original is stripped before the upload answers, the copies by their job.
        let first = json(&res)["url"].as_str().unwrap().to_owned();
        assert_eq!(run_jobs(&site).await, 1);
        let one = format!("/media/{}", json(&res)["id"]);
        let m = json(&api(&site.app, "GET", &one, &t, Body::empty(), "application/json").await);
        let files = m["files"].as_array().unwrap();
        assert_eq!(files.len(), 1 + 1 + 2 + 2 + 1);
        assert!(files.iter().any(|f| f.as_str().unwrap().ends_with(&first)));
        for file in files {
            let (status, _, bytes) = fetch(&site.app, file.as_str().unwrap()).await;
            assert_eq!(status, StatusCode::OK);
            let found = exif::Reader::new().read_from_container(&mut Cursor::new(&bytes));
            assert!(found.is_err(), "{file} still has EXIF");
            let text = String::from_utf8_lossy(&bytes);
            for secret in ["Exif", "secret-xmp-location", "secret-comment", "xmpmeta"] {
                assert!(!text.contains(secret), "{file} still has {secret}");
            }
            if file.as_str().unwrap().ends_with(".jpg") {
                // No APP1 (EXIF/XMP) or COM segment before the image data.
                let mut i = 2;
                while i + 4 <= bytes.len() && bytes[i] == 0xFF && bytes[i + 1] != 0xDA {
                    assert!(
                        !matches!(bytes[i + 1], 0xE1 | 0xFE),
                        "{file} has segment {:x}",
                        bytes[i + 1]
                    );
                    i += 2 + u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
                }
            }
        }
    }
}

#[tokio::test]
async fn an_article_with_a_library_image_offers_srcset() {
    for db in byline_store::testing::databases().await {
        let site = media_site(&db, Limits::default()).await;
        let t = token(&db, "Ida Editor", Role::Editor).await;
        let m = json(&api_upload(&site.app, &t, "field.jpg", &jpeg_with_gps(1800, 1200)).await);
        let first = m["url"].as_str().unwrap().to_owned();
        let article = format!(
            "---\ntitle: Fields\ndate: 2026-11-26T08:00:00Z\nimage: {first}\nimage_alt: A ploughed field\n---\nText.\n\n![The field again]({first})\n"
        );
        common::add_articles(&db, &[("articles/fields.md", &article)]).await;
        // Until the copies exist the page offers the original alone.
        let img = ".article-image picture img";
        let page = get(&site.app, "/articles/fields/").await;
        assert_eq!(page.attrs(img, "src"), [first.as_str()]);
        assert_eq!(page.attrs(img, "srcset"), [format!("{first} 1800w")]);
        assert!(page.attrs(".article-image source[type='image/webp']", "srcset").is_empty());
        // A node that keeps pages keeps this one until the job's change reaches it.
        let cached = AppState::new(db.store.clone(), Theme::load(None).unwrap(), BASE)
            .with_cache_mb(16)
            .with_media(site.state.media.clone(), site.state.media_limits);
        let cached_app = router(cached.clone());
        cached.catch_up().await.unwrap();
        let kept = get(&cached_app, "/articles/fields/").await;
        assert_eq!(kept.attrs(img, "srcset"), [format!("{first} 1800w")]);
        assert_eq!(run_jobs(&site).await, 1);
        let url = db.store.media(m["id"].as_i64().unwrap()).await.unwrap().url;
        assert_ne!(url, first);
        assert_eq!(get(&cached_app, "/articles/fields/").await.body, kept.body, "still kept");
        assert!(cached.catch_up().await.unwrap() > 0);
        let fresh = get(&cached_app, "/articles/fields/").await;
        assert_eq!(fresh.attrs(img, "src"), [url.as_str()]);
        assert!(fresh.attrs(img, "srcset")[0].contains("480w.jpg 480w"), "{}", fresh.body);
        // The text's copy of the image moved too; the first original still answers.
        assert!(fresh.attrs(".article-body img", "src").contains(&url), "{}", fresh.body);
        assert_eq!(fetch(&site.app, &first).await.0, StatusCode::OK);
        let folder = url.split('/').nth(2).unwrap().to_owned();
        get(&site.app, "/").await;
        let before = db.store.statements_run();
        let page = get(&site.app, "/articles/fields/").await;
        // The article page's own five (article, terms, comment settings, comments, corrections).
        assert_eq!(db.store.statements_run() - before, 5, "no queries added to the article page");
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.attrs(img, "src"), [url.as_str()]);
        assert_eq!(page.attrs(img, "width"), ["1800"]);
        assert_eq!(page.attrs(img, "height"), ["1200"]);
        assert_eq!(page.attrs(img, "alt"), ["A ploughed field"]);
        assert_eq!(
            page.attrs(img, "srcset"),
            [format!(
                "/media/{folder}/480w.jpg 480w, /media/{folder}/960w.jpg 960w, /media/{folder}/1600w.jpg 1600w, {url} 1800w"
            )]
        );
        assert_eq!(
            page.attrs(".article-image source[type='image/webp']", "srcset"),
            [format!(
                "/media/{folder}/480w.webp 480w, /media/{folder}/960w.webp 960w, /media/{folder}/1600w.webp 1600w, /media/{folder}/1800w.webp 1800w"
            )]
        );
        assert!(!page.attrs(img, "sizes")[0].is_empty());
        // Every file the page offers is there.
        for set in page.attrs(".article-image [srcset]", "srcset") {
            for candidate in set.split(", ") {
                let file = candidate.split(' ').next().unwrap();
                assert_eq!(fetch(&site.app, file).await.0, StatusCode::OK, "{file}");
            }
        }
        // Lists too, at no extra cost: the home page's own five (count, rows, bylines, terms,
        // comment counts).
        let before = db.store.statements_run();
        let home = get(&site.app, "/").await;
        assert_eq!(db.store.statements_run() - before, 5, "home page");
        assert!(
            home.attrs(".card picture img", "srcset").iter().any(|s| s.contains("480w.jpg 480w"))
        );
        // Feeds keep plain absolute image URLs.
        let feed = get(&site.app, "/feed.xml").await;
        assert!(!feed.body.contains("srcset"));
        // An image that is not from the library keeps its plain <img>.
        let full = get(&site.app, "/articles/full/").await;
        assert_eq!(full.attrs(".article-image img", "src"), ["/media/grid.jpg"]);
        assert!(full.attrs(".article-image img", "srcset").is_empty());
    }
}

#[tokio::test]
async fn who_may_describe_and_delete() {
    for db in byline_store::testing::databases().await {
        let site = media_site(&db, Limits::default()).await;
        let (mut ann, _) =
            signed_in(&site.app, &db.store, "Ann Contributor", Role::Contributor).await;
        let (mut bob, _) = signed_in(&site.app, &db.store, "Bob Author", Role::Author).await;
        let (mut eve, _) = signed_in(&site.app, &db.store, "Eve Editor", Role::Editor).await;
        for c in [&mut ann, &mut bob, &mut eve] {
            c.get("/admin/media").await;
        }
        assert_eq!(
            admin_upload(&mut ann, "a.png", &png(100, 100), "").await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            admin_upload(&mut bob, "b.png", &png(100, 101), "").await.status,
            StatusCode::SEE_OTHER
        );
        let a = db.store.media_library(1, 10).await.unwrap().items;
        let (b_id, a_id) = (a[0].id, a[1].id);
        // Bob (an author) may not touch Ann's image; the control is not even shown to him.
        let page = bob.get("/admin/media").await;
        assert_eq!(page.attrs(&format!("#media-{a_id} form"), "action").len(), 0);
        assert_eq!(page.attrs(&format!("#media-{b_id} form"), "action").len(), 2);
        let res = bob.post(&format!("/admin/media/{a_id}/delete"), &[]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let res = bob.post(&format!("/admin/media/{a_id}/alt"), &[("alt", "mine now")]).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        // Ann describes her own; a description that is too long keeps what she typed.
        let long = "x".repeat(1001);
        let res = ann.post(&format!("/admin/media/{a_id}/alt"), &[("alt", &long)]).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.attrs(&format!("#alt-{a_id}"), "value"), [long.as_str()]);
        assert!(res.texts(&format!("#alt-{a_id}-error"))[0].contains("1000"));
        let res = ann.post(&format!("/admin/media/{a_id}/alt"), &[("alt", "A red square")]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(db.store.media(a_id).await.unwrap().alt, "A red square");
        // An article uses Bob's image: deleting it is refused, naming the article.
        let b_url = db.store.media(b_id).await.unwrap().url;
        let article = format!(
            "---\ntitle: Squares\ndate: 2026-11-26T08:00:00Z\nimage: {b_url}\n---\nText.\n"
        );
        common::add_articles(&db, &[("articles/squares.md", &article)]).await;
        let res = eve.post(&format!("/admin/media/{b_id}/delete"), &[]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        let page = eve.get("/admin/media").await;
        assert!(page.texts(".flash-error")[0].contains("“Squares”"), "{}", page.body);
        assert!(db.store.media(b_id).await.is_ok());
        let t = token(&db, "Bob Token", Role::Editor).await;
        let res = api(
            &site.app,
            "DELETE",
            &format!("/media/{b_id}"),
            &t,
            Body::empty(),
            "application/json",
        )
        .await;
        assert_eq!(res.status, StatusCode::CONFLICT);
        assert!(json(&res)["error"]["message"].as_str().unwrap().contains("Squares"));
        // So does an author's photo, or a page that shows it.
        let pia = byline_core::AuthorInput {
            name: "Pia Photo".into(),
            photo: Some(b_url.clone()),
            ..Default::default()
        };
        db.store.save_author(&pia).await.unwrap();
        let about = format!("---\ntitle: Studio\n---\n![A square]({b_url})\n");
        common::add_articles(&db, &[("pages/studio.md", &about)]).await;
        let res = api(
            &site.app,
            "DELETE",
            &format!("/media/{b_id}"),
            &t,
            Body::empty(),
            "application/json",
        )
        .await;
        let message = json(&res)["error"]["message"].as_str().unwrap().to_owned();
        assert!(message.contains("Pia Photo's author photo"), "{message}");
        assert!(message.contains("the page “Studio”"), "{message}");
        // Eve, an editor, deletes Ann's unused image, and its files go with it.
        let files = db.store.media(a_id).await.unwrap().files;
        let res = eve.post(&format!("/admin/media/{a_id}/delete"), &[]).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert!(db.store.media(a_id).await.unwrap_err().is_not_found());
        for f in files {
            assert!(!site.folder.join(&f).exists(), "{f}");
        }
        // A contributor's API token may upload, but not delete another's image.
        let ct = token(&db, "Cy Contributor", Role::Contributor).await;
        assert_eq!(
            api_upload(&site.app, &ct, "c.png", &png(50, 50)).await.status,
            StatusCode::CREATED
        );
        let res = api(
            &site.app,
            "DELETE",
            &format!("/media/{b_id}"),
            &ct,
            Body::empty(),
            "application/json",
        )
        .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn the_picker_returns_to_the_editor_with_the_image() {
    for db in byline_store::testing::databases().await {
        let site = media_site(&db, Limits::default()).await;
        let (mut c, _) = signed_in(&site.app, &db.store, "Ann Author", Role::Author).await;
        c.get("/admin/media").await;
        admin_upload(&mut c, "pier.png", &png(640, 480), "A pier at dusk").await;
        let url = db.store.media_library(1, 1).await.unwrap().items[0].url.clone();
        let page = c.get("/admin/media?pick=1&return=%2Fadmin%2Farticles%2F7%2Fedit").await;
        let enc: String = url::form_urlencoded::byte_serialize(url.as_bytes()).collect();
        assert_eq!(
            page.attrs("a.media-use", "href"),
            [format!("/admin/articles/7/edit?image={enc}&image_alt=A+pier+at+dusk")]
        );
        // Uploading from the picker comes back to the picker.
        let action = page.attrs("form.media-upload", "action")[0].clone();
        assert!(
            action.starts_with("/admin/media?pick=1&return=%2Fadmin%2Farticles%2F7%2Fedit&csrf="),
            "{action}"
        );
        // The script that fills the editor's field in place, when scripts run.
        let script = page.attrs("script[src]", "src");
        assert!(script.iter().any(|s| s.contains("media.js")), "{script:?}");
        let js = c.get(script.iter().find(|s| s.contains("media.js")).unwrap()).await;
        assert_eq!(js.status, StatusCode::OK);
        assert!(js.body.contains("media-use"));
        // Never back to another site.
        let page = c.get("/admin/media?pick=1&return=https%3A%2F%2Fevil.example%2F").await;
        assert!(page.attrs("a.media-use", "href").is_empty());
        let page = c.get("/admin/media?pick=1&return=%2F%2Fevil.example%2Fadmin%2F").await;
        assert!(page.attrs("a.media-use", "href").is_empty());
        // Without signing in: to the sign-in page.
        let mut anon = Client::new(&site.app);
        assert_eq!(anon.get("/admin/media").await.status, StatusCode::SEE_OTHER);
    }
}
