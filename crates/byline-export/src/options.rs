//! What to export and how: the address the files will be served from, the page size, the
//! number of worker threads.

/// What to export and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The address the files will be served from, for canonical links and feeds.
    pub base_url: String,
    pub per_page: u64,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
}
