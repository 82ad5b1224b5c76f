//! Presentation shared by the screen and the command line: text cut to display width, numbers, ages.
//! No ratatui here.

pub mod number;
pub mod text;
pub mod time;
