//! A value that counts its changes. The kept row lists (`memo`) are keyed by these counts, and
//! only a mutable borrow bumps one, so no writer (a new source, a restored cache, a test) can
//! change what a list is made from and leave the list as it was.

use std::ops::{Deref, DerefMut};

#[derive(Debug, Clone, Default)]
pub struct Versioned<T> {
    value: T,
    version: u64,
}

impl<T> Versioned<T> {
    pub fn new(value: T) -> Versioned<T> {
        Versioned { value, version: 0 }
    }

    /// Bumped by every mutable borrow, whether or not it changed anything.
    pub fn version(&self) -> u64 {
        self.version
    }
}

impl<T> Deref for Versioned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Versioned<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.version += 1;
        &mut self.value
    }
}

impl<T: PartialEq> PartialEq for Versioned<T> {
    /// The value decides; how often it changed does not.
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keep_the_version_and_writes_bump_it() {
        let mut v = Versioned::new(vec![1, 2]);
        assert_eq!((v.len(), v.version()), (2, 0));
        let _ = v.iter().sum::<i32>();
        assert_eq!(v.version(), 0, "a read is not a change");
        v.push(3);
        assert_eq!(v.version(), 1);
        *v = vec![];
        assert_eq!((v.len(), v.version()), (0, 2));
    }
}
