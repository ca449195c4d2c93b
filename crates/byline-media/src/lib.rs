//! Byline's media: uploaded images checked by their bytes, limited in size and pixels,
//! stripped of metadata by re-encoding, resized into the copies pages offer in `srcset`
//! ([`original`] while the upload waits, [`copies`] later from a job), and the one interface their files are kept behind ([`storage`]).
//!
//! Depends on core only (for the naming scheme and formats); never on HTTP or the store.

pub mod budget;
mod encode;
pub mod process;
pub mod storage;

pub use process::{Limits, MediaError, Original, Processed, StoredFile, copies, original, process};
pub use storage::{MediaStorage, StorageError};
