//! Presentation shared by the screen and the command line: text cut to display width, numbers, ages.
//! Plain strings only: no widgets here.

pub mod number;
pub mod text;
pub mod time;
