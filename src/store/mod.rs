//! What is kept on disk: files written atomically, and the cache of the last quotes, headlines, read
//! marks and series that lets a restart show data at once.

pub mod atomic;
pub mod cache;
