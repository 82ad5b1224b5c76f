//! Presentation shared by the screen and the command line: text cut to display width, numbers, ages,
//! and text from outside (the network, a config file) made safe to show.
//! Plain strings only: no widgets here.

pub mod money;
pub mod number;
pub mod sanitize;
pub mod text;
pub mod time;
