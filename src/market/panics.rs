//! Panics a caller has promised to survive. A dependency that panics on hostile input (a feed's
//! bytes) must cost that input, not the app: inside `contain` the process's panic hook lets the
//! panic unwind to the caller, which gets it back as an error.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

/// This thread is inside `contain`: a panic here is the caller's to handle.
pub fn contained() -> bool {
    CONTAINED.with(Cell::get)
}

/// `f`'s result, or the message of the panic it raised.
pub fn contain<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = CONTAINED.with(|c| c.replace(true));
    // Nothing `f` touched outlives it here but its result: no broken state is seen after a panic.
    let result = catch_unwind(AssertUnwindSafe(f));
    CONTAINED.with(|c| c.set(was));
    result.map_err(|p| {
        p.downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_is_an_error_and_the_mark_is_lifted_after() {
        assert!(!contained());
        assert_eq!(contain(|| 7), Ok(7));
        let e = contain(|| -> u8 {
            assert!(contained());
            panic!("set_encoding() called after prefix buffer was drained")
        });
        assert_eq!(e, Err("set_encoding() called after prefix buffer was drained".to_string()));
        assert_eq!(contain(|| -> u8 { panic!("{} bytes", 3) }), Err("3 bytes".to_string()));
        assert!(!contained());
    }
}
