//! What is kept on disk: files written atomically (and, to come, the cache).

pub mod atomic;
