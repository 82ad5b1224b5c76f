//! A `TestBackend` shared with the test while the app loop draws into it, counting frames and the
//! frames that changed nothing on screen.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

#[derive(Clone)]
pub struct SharedBackend {
    inner: Arc<Mutex<TestBackend>>,
    frames: Arc<AtomicU64>,
    unchanged: Arc<AtomicU64>,
}

impl SharedBackend {
    pub fn new(w: u16, h: u16) -> SharedBackend {
        SharedBackend {
            inner: Arc::new(Mutex::new(TestBackend::new(w, h))),
            frames: Arc::default(),
            unchanged: Arc::default(),
        }
    }

    pub fn screen(&self) -> String {
        super::text(self.inner.lock().unwrap().buffer())
    }

    /// Frames drawn, and how many of them changed no cell.
    pub fn frames(&self) -> (u64, u64) {
        (self.frames.load(Ordering::Relaxed), self.unchanged.load(Ordering::Relaxed))
    }
}

impl Backend for SharedBackend {
    type Error = <TestBackend as Backend>::Error;
    fn draw<'a, I: Iterator<Item = (u16, u16, &'a Cell)>>(&mut self, content: I) -> Result<(), Self::Error> {
        // ratatui hands over only the cells that differ from the last frame.
        let mut content = content.peekable();
        self.frames.fetch_add(1, Ordering::Relaxed);
        if content.peek().is_none() {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
        }
        self.inner.lock().unwrap().draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.lock().unwrap().hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.lock().unwrap().show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.lock().unwrap().get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.lock().unwrap().set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.lock().unwrap().clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.lock().unwrap().clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.lock().unwrap().size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.lock().unwrap().window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.lock().unwrap().flush()
    }
}
