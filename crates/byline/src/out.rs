//! Printing a command's output to standard output when that output may be piped into
//! `head` or a pager that stops reading: a closed pipe ends the command quietly instead of
//! panicking as `println!` does.

use std::io::Write;

/// Writes to standard output; when the reader has gone, exits at once without a word (the
/// work is done, only the reading stopped), and on any other failure says so on stderr.
pub(crate) fn write(args: std::fmt::Arguments) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

/// `println!` for command output; see [`write`].
macro_rules! outln {
    ($($t:tt)*) => {
        $crate::out::write(format_args!("{}\n", format_args!($($t)*)))
    };
}

/// `print!` for command output; see [`write`].
macro_rules! out {
    ($($t:tt)*) => {
        $crate::out::write(format_args!($($t)*))
    };
}
