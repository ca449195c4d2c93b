//! Writing a POSIX (ustar) tar archive of plain files: what `--with-media` needs and no more,
//! readable by `tar -xf` and by `byline import json`.

use std::io::{self, Write};

const BLOCK: usize = 512;

/// Appends one file: its 512-byte header, its bytes, padding to a whole block. Names up to
/// 255 bytes are split into ustar's prefix and name fields at a `/`.
pub fn append(out: &mut impl Write, name: &str, bytes: &[u8]) -> io::Result<()> {
    let (prefix, base) = split_name(name)?;
    let mut h = [0u8; BLOCK];
    h[..base.len()].copy_from_slice(base.as_bytes());
    octal(&mut h[100..108], 0o644);
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    octal(&mut h[124..136], bytes.len() as u64);
    // A fixed time keeps archives of the same publication identical.
    octal(&mut h[136..148], 0);
    h[156] = b'0';
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[345..345 + prefix.len()].copy_from_slice(prefix.as_bytes());
    h[148..156].fill(b' ');
    let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
    octal(&mut h[148..155], u64::from(sum));
    h[155] = b' ';
    out.write_all(&h)?;
    out.write_all(bytes)?;
    let pad = (BLOCK - bytes.len() % BLOCK) % BLOCK;
    out.write_all(&vec![0u8; pad])
}

/// The two empty blocks that end an archive.
pub fn finish(out: &mut impl Write) -> io::Result<()> {
    out.write_all(&[0u8; BLOCK * 2])
}

fn split_name(name: &str) -> io::Result<(&str, &str)> {
    if name.len() <= 100 {
        return Ok(("", name));
    }
    for (i, _) in name.match_indices('/') {
        if i <= 155 && name.len() - i - 1 <= 100 {
            return Ok((&name[..i], &name[i + 1..]));
        }
    }
    Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{name} is too long a name for tar")))
}

/// A number in octal, zero-padded, ending in NUL.
fn octal(field: &mut [u8], n: u64) {
    let digits = field.len() - 1;
    let s = format!("{n:0digits$o}");
    field[..digits].copy_from_slice(&s.as_bytes()[s.len() - digits..]);
    field[digits] = 0;
}
