//! The export copies the media library's files beside the pages that use them.

use byline_media::MediaStorage;

#[tokio::test]
async fn copies_every_media_file() {
    let data = tempfile::tempdir().unwrap();
    let storage = MediaStorage::local(&data.path().join("media")).unwrap();
    storage.put("0123456789abcdef/800x600-w480-webp.jpg", "original".into()).await.unwrap();
    storage.put("0123456789abcdef/480w.jpg", "small".into()).await.unwrap();
    storage.put("0123456789abcdef/480w.webp", "small webp".into()).await.unwrap();
    // Something that is not the library's: left out, and the export goes on.
    std::fs::write(data.path().join("media/.DS_Store"), "finder").unwrap();
    let out = tempfile::tempdir().unwrap();
    let copied = byline_export::copy_media(&storage, out.path()).await.unwrap();
    assert_eq!(copied.files, 3);
    assert_eq!(copied.bytes, ("original".len() + "small".len() + "small webp".len()) as u64);
    let read = |p: &str| std::fs::read_to_string(out.path().join("media").join(p)).unwrap();
    assert_eq!(read("0123456789abcdef/800x600-w480-webp.jpg"), "original");
    assert_eq!(read("0123456789abcdef/480w.webp"), "small webp");
    assert!(!out.path().join("media/.DS_Store").exists());
}
