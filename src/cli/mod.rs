//! What only the command line needs: its help text and `ambito new`.

pub mod help;
pub mod new_page;
